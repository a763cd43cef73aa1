"""Runnable pexpect demos of `hil chat` and `hil inbox` (see README: Scripting and CI)."""
