"""Neutralise terminal control sequences in server text, and bound what is shown of a value.

A model's output can carry ESC sequences (colour changes, cursor moves, OSC 52 clipboard
writes, OSC 8 links, title changes) or bare control bytes. We keep them visible but harmless:
C0 controls other than newline and tab become Unicode control pictures (ESC shows as ␛, BEL
as ␇), DEL becomes ␡, and C1 controls (a one-byte CSI is U+009B) and the bidirectional
overrides that reorder text become `\\xNN` / `\\uNNNN` text. No escape sequence can start,
because its introducer is no longer a control character.

Values are shown through `bounded_json`, which stops at a size budget and a nesting depth, so
a megabyte or a value nested hundreds of levels deep costs little and cannot overflow the
stack.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029]")

#: Containers nested deeper than this are shown as `…`.
MAX_DEPTH = 12


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """`text` with every control character made visible and inert (newline and tab kept)."""
    if text.isprintable():
        return text
    return _CONTROL.sub(_visible, text.replace("\r\n", "\n"))


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 controls and U+2028/9 escaped as `\\uNNNN` (C0 must already be).

    Those characters are legal inside JSON strings, and only inside strings, so escaping them
    keeps the JSON valid and equal in value.
    """
    if text.isascii():
        return text.replace("\x7f", "\\u007f") if "\x7f" in text else text
    if _JSON_UNSAFE.search(text):
        return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def json_line(value: Any) -> str:
    """`value` as one line of JSON that is safe on a terminal (for JSON Lines output).

    `json.dumps` escapes C0 controls; DEL, C1 controls and the line separators U+2028/9 are
    escaped too (`ensure_ascii=False` would pass them through raw).
    """
    return json_safe(json.dumps(value, ensure_ascii=False, default=str))


class _Budget(Exception):
    """The size budget of `bounded_json` is spent."""


class _BoundedWriter:
    """Writes compact JSON into a list of parts until `limit` characters are written."""

    def __init__(self, limit: int, max_depth: int, indent: int | None) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit
        self.max_depth = max_depth
        self.indent = indent

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > self.limit:
            raise _Budget

    def newline(self, depth: int) -> None:
        if self.indent is not None:
            self.put("\n" + " " * (self.indent * depth))

    def value(self, value: Any, depth: int) -> None:
        if isinstance(value, str):
            self.put(json.dumps(value[: self.limit + 2], ensure_ascii=False))
        elif value is None or isinstance(value, bool | int | float):
            self.put(json.dumps(value))
        elif isinstance(value, Mapping | list | tuple):
            self.container(value, depth)
        else:
            self.put(json.dumps(str(value)[: self.limit + 2], ensure_ascii=False))

    def container(self, value: Mapping[Any, Any] | list[Any] | tuple[Any, ...], depth: int) -> None:
        is_map = isinstance(value, Mapping)
        opening, closing = ("{", "}") if is_map else ("[", "]")
        if not value:
            self.put(opening + closing)
            return
        if depth >= self.max_depth:
            self.put(f"{opening}…{closing}")
            return
        self.put(opening)
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        separator = "," if self.indent is not None else ", "
        for index, (key, item) in enumerate(items):
            if index:
                self.put(separator)
            self.newline(depth + 1)
            if is_map:
                self.put(json.dumps(str(key), ensure_ascii=False) + ": ")
            self.value(item, depth + 1)
        self.newline(depth)
        self.put(closing)


def bounded_json(
    value: Any, limit: int, *, max_depth: int = MAX_DEPTH, indent: int | None = None
) -> str:
    """JSON text of `value`, at most about `limit` characters (cut with `…`), never raising.

    Work is proportional to what is shown, not to the size of `value`; containers deeper than
    `max_depth` are shown as `{…}` / `[…]`. The result is not sanitised (see `safe_text`).
    """
    writer = _BoundedWriter(limit, max_depth, indent)
    try:
        writer.value(value, 0)
    except _Budget:
        return "".join(writer.parts)[: max(0, limit - 1)] + "…"
    except (RecursionError, ValueError, TypeError):
        return "…"
    return "".join(writer.parts)


def json_source(value: Any, limit: int) -> str:
    """`value` as indented JSON text, made safe and cut to about `limit` characters."""
    return safe_text(bounded_json(value, limit, indent=2))
