"""The log filter that redacts secrets, in process (bad input and failures through `hil`:
tests/test_errors_cli.py)."""

from __future__ import annotations


def test_redacting_filter_hides_secrets() -> None:
    import logging

    from hilcli.debuglog import RedactingFilter

    record = logging.LogRecord("x", logging.DEBUG, "f", 1, "key=%s", ("sk-secret-abcd1234",), None)
    assert RedactingFilter(["sk-secret-abcd1234"]).filter(record)
    assert record.getMessage() == "key=…1234"
