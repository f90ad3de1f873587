# Two commands: `make run` opens Waymark, `make test` runs every test. Both set up what they
# need on a fresh Debian/Ubuntu machine.
.PHONY: run test

run:
	@[ -x .venv/bin/python ] || python3 -m venv .venv
	@.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[gui]'
	.venv/bin/waymark

test:
	bash tests/run.sh $(ARGS)
