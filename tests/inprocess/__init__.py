"""The in-process test tier: no server, no subprocess, no pty (see conftest.py here)."""
