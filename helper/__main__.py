"""`python -m helper` is `waymark`: the native-messaging host starts the helper this way."""

from helper.cli import main

raise SystemExit(main())
