"""The `waymark` front end itself: help, version, and errors as one line with the right code."""

from __future__ import annotations

from tests.support.cli import waymark as run


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "bench" in result.stdout


def test_unknown_command_is_bad_usage():
    result = run("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_every_command_is_mapped_to_the_area_that_registers_it():
    """main() builds only the parser of the command's own area, so the map must be exact."""
    import argparse

    from helper.cli import AREAS, COMMAND_AREAS, area_modules

    registered = {}
    for name, module in zip(AREAS, area_modules(), strict=True):
        parser = argparse.ArgumentParser()
        module.register(parser.add_subparsers())
        choices = parser._subparsers._group_actions[0].choices
        registered.update(dict.fromkeys(choices, name))
    assert registered == COMMAND_AREAS


def test_a_typo_lists_every_command():
    result = run("signpots")
    assert result.returncode == 2
    for command in ("signpost", "notes", "serve", "doctor", "bench"):
        assert command in result.stderr
