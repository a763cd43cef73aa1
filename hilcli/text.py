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

What we cut, fold or pad for the screen is measured in terminal cells, not characters: a CJK
character or an emoji takes two cells, a combining accent none. `cell_width` measures,
`shorten` and `one_line` cut (with `…`), `fold` breaks a line between words and `pad` fills
a column; all of them keep each grapheme cluster (a letter with its accents, an emoji
sequence) whole. This is the one place that rule is written: Rich and prompt-toolkit are not
used here (wcwidth measures), so every layer can use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from wcwidth import iter_graphemes, wcswidth

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


#: What ends a text that was cut (one cell wide).
ELLIPSIS = "…"

#: The most cells one character can take as shown: a bidi override shows as `\u202e`.
_WIDEST = 6

#: A word and the spaces after it: where `fold` may break a line.
_WORD = re.compile(r"\S+\s*")


def _grapheme_cells(grapheme: str) -> int:
    """The cells one grapheme cluster takes as `safe_text` shows it (newline and tab: one)."""
    if _CONTROL.search(grapheme):
        grapheme = safe_text(grapheme)
    cells = wcswidth(grapheme)
    return cells if cells >= 0 else len(grapheme)


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes on one line, as `safe_text` shows it.

    Wide characters (CJK, most emoji) take two cells, combining marks and zero-width joiners
    none; a control character takes what its visible form takes. Newline and tab count one
    cell each: text meant for one line is folded first (`one_line`). ASCII text takes one
    cell per character.
    """
    if text.isascii():
        return len(text)
    return sum(_grapheme_cells(grapheme) for grapheme in iter_graphemes(text))


def shorten(text: str, cells: int) -> str:
    """`text` whole when it fits in `cells` terminal cells, else its longest start that fits
    with `…` after it.

    Never wider than `cells` (empty below one cell); cuts only between grapheme clusters, so
    a wide character, an emoji sequence or a letter with its accents is kept or dropped whole.
    Work is proportional to what is kept, not to the length of `text`.
    """
    if cells < 1:
        return ""
    if text.isascii():
        return text if len(text) <= cells else text[: cells - 1] + ELLIPSIS
    if len(text) * _WIDEST <= cells:
        return text
    used = kept = position = 0
    for grapheme in iter_graphemes(text):
        used += _grapheme_cells(grapheme)
        if used > cells:
            return text[:kept] + ELLIPSIS
        position += len(grapheme)
        if used < cells:  # room is left for the ellipsis after it
            kept = position
    return text


def one_line(text: str, cells: int) -> str:
    """`text` on one line (each run of white space, newlines too, as one space), shortened to
    `cells` terminal cells: a summary for a listing or a message."""
    return shorten(" ".join(text.split()), cells)


def pad(text: str, cells: int) -> str:
    """`text` followed by the spaces that make it `cells` terminal cells wide (a column of a
    listing); a wider `text` is kept whole."""
    return text + " " * max(0, cells - cell_width(text))


def fold(line: str, cells: int) -> list[str]:
    """`line` broken between words into lines of at most `cells` terminal cells.

    The line's indentation is repeated on every piece (unless it would leave less than half
    the width); a word wider than `cells` is cut between grapheme clusters; the spaces after
    the last word are kept, so `answer> ` still ends with its space.
    """
    cells = max(1, cells)
    if cell_width(line) <= cells:
        return [line]
    body = line.lstrip(" ")
    indent = line[: len(line) - len(body)]
    if cell_width(indent) > cells // 2:
        indent = ""
    pieces: list[str] = []
    current = indent
    for word in _WORD.findall(body):
        if cell_width(current + word.rstrip()) <= cells:
            current += word
            continue
        if current.strip():
            pieces.append(current.rstrip())
        current = indent
        for grapheme in iter_graphemes(word.rstrip()):  # a word wider than the line
            if cell_width(current + grapheme) > cells and current.strip():
                pieces.append(current)
                current = indent
            current += grapheme
        current += word[len(word.rstrip()) :]
    if current.strip() or not pieces:
        pieces.append(current)
    return pieces


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
