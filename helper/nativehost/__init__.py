"""The native-messaging host: the only door from the browser extension into the helper.

It speaks the small, versioned JSON protocol in PROTOCOL.md over stdin/stdout, checks every
message, and can do exactly two things: say hello, and open the helper window at a new note.
No note text ever passes through it. Modules: framing (the wire), messages (schema, error table,
dispatch), launch (starting the helper), host (the loop), identity (which extension we trust),
manifests (installing the host for each browser)."""
