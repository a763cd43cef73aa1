"""The server matrix: every server generation `hil` is tested against, started by the suite.

`venvs` builds (once, cached outside the repository) a virtualenv per server kind, since their
pins clash with ours; `services` runs PostgreSQL and Redis on loopback ports; `servers` starts
each kind of server on a free port and stops it with everything it started.
"""
