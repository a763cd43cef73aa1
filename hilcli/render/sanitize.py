"""Neutralise terminal control sequences in text that came from the server.

A model's output can carry ESC sequences (colour changes, cursor moves, OSC 52 clipboard
writes, OSC 8 links, title changes) or bare control bytes. We keep them visible but harmless:
C0 controls other than newline and tab become Unicode control pictures (ESC shows as ␛), and
C1 controls and DEL become `\\xNN` text.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


def safe_text(text: str) -> str:
    """`text` with every control character made visible and inert (newline and tab kept)."""
    if text.isprintable():
        return text
    return _CONTROL.sub(_visible, text.replace("\r\n", "\n"))


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
