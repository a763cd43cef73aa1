"""The commands behind the CLI, one module per group; `wiring` builds what they share
(settings, client, display, reader, session) from the options and the environment."""
