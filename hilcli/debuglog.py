"""`--debug` logging: requests, responses and stream events on stderr, secrets redacted."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import IO

from hilcli.config import redact

#: The loggers `--debug` turns on: ours (`hilcli.protocol`, ...) and httpx's request lines.
DEBUG_LOGGERS = ("hilcli", "httpx")


class RedactingFilter(logging.Filter):
    """Replaces every secret in a log record's final message by its redacted form."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message (arguments already merged in); always keep it."""
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, redact(secret))
        record.msg = message
        record.args = None
        return True


def enable_debug_logging(secrets: Iterable[str | None], stream: IO[str]) -> None:
    """Log the protocol at DEBUG level to `stream` (the command's stderr), never showing
    `secrets`."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(s for s in secrets if s))
    handler.setFormatter(logging.Formatter("debug %(name)s: %(message)s"))
    for name in DEBUG_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        logger.propagate = False
