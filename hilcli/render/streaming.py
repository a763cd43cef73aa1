"""Streamed message text: live on a terminal, incremental plain text in a pipe.

`LiveMessages` keeps only the block being written in a transient Rich `Live` region, and
prints every finished Markdown block once, above it, where it stays. A refresh redraws the
active block only (its last screenful at most), so a long answer costs time proportional to
its length, not to its length squared.

`PlainMessages` writes the text as it arrives: no colours, no cursor movement, nothing
printed twice.

Both take text that was already made safe with `safe_text`.
"""

from __future__ import annotations

import copy
import time
from typing import Protocol

from markdown_it import MarkdownIt
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.live import Live
from rich.markdown import Markdown
from rich.segment import Segment
from rich.text import Text

from hilcli.render.blocks import MarkdownBlocks

#: Blocks longer than this are shown as wrapped text rather than parsed as Markdown.
MARKDOWN_LIMIT = 20_000
#: The live region shows at most this many trailing characters of the active block.
LIVE_TAIL = 4_000
#: Redraws of the live region per second.
REFRESH_PER_SECOND = 8
#: In a pipe, buffered text is flushed at least this often (seconds).
PLAIN_FLUSH_INTERVAL = 0.05


_PARSER = MarkdownIt().enable("strikethrough").enable("table")
"""The parser Rich's `Markdown` builds for every instance, built once (most of its cost)."""
_PROTOTYPE = Markdown("", hyperlinks=False)


def markdown(source: str) -> Markdown:
    """`Markdown(source, hyperlinks=False)`, parsed with a shared parser."""
    rendered = copy.copy(_PROTOTYPE)
    rendered.markup = source
    rendered.parsed = _PARSER.parse(source)
    return rendered


class _Trimmed:
    """A renderable without the blank lines it starts or ends with (blocks get one between)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = console.render_lines(self.renderable, options, pad=False)
        blank = [not "".join(segment.text for segment in line).strip() for line in lines]
        start = blank.index(False) if False in blank else len(lines)
        end = len(lines) - (blank[::-1].index(False) if False in blank else len(lines))
        for line in lines[start:end]:
            yield from line
            yield Segment.line()


def markdown_block(source: str) -> RenderableType:
    """A finished block: Markdown, or plain wrapped text when it is very long."""
    if len(source) > MARKDOWN_LIMIT:
        return Text(source)
    return _Trimmed(markdown(source))


class MessageText(Protocol):
    """Where the text of streamed messages goes."""

    def feed(self, key: str, text: str) -> None:
        """Append streamed `text` to message `key`."""

    def is_streaming(self, key: str) -> bool:
        """Whether message `key` started streaming and is not finished."""

    def finish(self, key: str, final: str | None = None) -> None:
        """Message `key` is complete; `final` is its full text when known."""

    def show(self, text: str) -> None:
        """A whole message that was not streamed."""

    def finish_all(self) -> None:
        """The run ended: finish every message still streaming."""

    def settle(self) -> None:
        """Other output follows: make it start on a line of its own."""


def _missing_tail(streamed: int, final: str | None, seen: str) -> str:
    """What `final` has beyond the `streamed` characters that arrived (empty if unknown)."""
    if final is None or len(final) <= streamed or not final.startswith(seen):
        return ""
    return final[streamed:]


class _Stream:
    """One message being streamed: its splitter and how many blocks it printed."""

    def __init__(self) -> None:
        self.blocks = MarkdownBlocks()
        self.printed = 0
        self.head = ""
        """The first characters streamed, to check that a final text continues them."""


class _ActiveBlocks:
    """The live renderable: the tail of each active block, at most a screenful."""

    def __init__(self, owner: LiveMessages) -> None:
        self.owner = owner
        self._cache: tuple[str, int, int, list[list[Segment]]] | None = None

    def _lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        texts = [s.blocks.active for s in list(self.owner.streams.values())]
        source = "\n\n".join(t for t in texts if t.strip())
        height = max(1, (options.height or console.size.height) - 2)
        cache = self._cache
        if cache is not None and cache[:3] == (source, options.max_width, height):
            return cache[3]
        lines: list[list[Segment]] = []
        if source:
            renderable: RenderableType
            if len(source) > LIVE_TAIL:
                renderable = Text(source[-LIVE_TAIL:])
            else:
                renderable = markdown(source)
            lines = console.render_lines(renderable, options, pad=False)[-height:]
        self._cache = (source, options.max_width, height, lines)
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # No newline after the last line: the live region's height must be its line count.
        for index, line in enumerate(self._lines(console, options)):
            if index:
                yield Segment.line()
            yield from line


class LiveMessages:
    """Streamed text on a terminal: finished blocks frozen, the active block live."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.streams: dict[str, _Stream] = {}
        self._live: Live | None = None
        self._last_refresh = 0.0

    def _print_block(self, stream: _Stream, block: str) -> None:
        if stream.printed:
            self.console.print()
        self.console.print(markdown_block(block))
        stream.printed += 1

    def feed(self, key: str, text: str) -> None:
        stream = self.streams.get(key)
        if stream is None:
            stream = self.streams[key] = _Stream()
        if len(stream.head) < 64:
            stream.head += text[: 64 - len(stream.head)]
        for block in stream.blocks.feed(text):
            self._print_block(stream, block)
        if self._live is None:
            # No refresh thread: a second thread drawing the live region while this one prints
            # a block can interleave their writes and leave blank lines behind. The region is
            # redrawn from here, at most REFRESH_PER_SECOND times a second.
            self._live = Live(
                _ActiveBlocks(self),
                console=self.console,
                transient=True,
                auto_refresh=False,
                vertical_overflow="crop",
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start(refresh=True)
            self._last_refresh = time.monotonic()
        elif time.monotonic() - self._last_refresh >= 1 / REFRESH_PER_SECOND:
            self._live.refresh()
            self._last_refresh = time.monotonic()

    def is_streaming(self, key: str) -> bool:
        return key in self.streams

    def finish(self, key: str, final: str | None = None) -> None:
        stream = self.streams.get(key)
        if stream is None:
            return
        tail = _missing_tail(stream.blocks.fed, final, stream.head)
        blocks = stream.blocks.feed(tail) if tail else []
        last = stream.blocks.finish()
        del self.streams[key]
        if not self.streams:
            self._stop_live()
        for block in [*blocks, last] if last else blocks:
            self._print_block(stream, block)

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def show(self, text: str) -> None:
        stream = _Stream()
        blocks = stream.blocks.feed(text)
        last = stream.blocks.finish()
        for block in [*blocks, last] if last else blocks:
            self._print_block(stream, block)

    def finish_all(self) -> None:
        for key in list(self.streams):
            self.finish(key)
        self._stop_live()

    def settle(self) -> None:
        pass


class _Streamed:
    """How much of a message was written, and its start (to tell what a final text adds)."""

    __slots__ = ("count", "head")

    def __init__(self) -> None:
        self.count = 0
        self.head = ""


class PlainMessages:
    """Streamed text in a pipe: written as it arrives, each message ending with a newline."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._file = console.file
        """Where text goes, looked up once: Rich's `Console.file` is a property, and this
        writes once per token."""
        self._current: str | None = None
        self._streamed: dict[str, _Streamed] = {}
        self._line_open = False
        self._last_flush = 0.0
        isatty = getattr(console.file, "isatty", None)
        self._interval = 0.0 if isatty is not None and isatty() else PLAIN_FLUSH_INTERVAL
        """A person reads a terminal (NO_COLOR): every token at once; a pipe gets batches."""

    def _write(self, text: str) -> None:
        if not text:
            return
        file = self._file
        file.write(text)
        self._line_open = not text.endswith("\n")
        now = time.monotonic()
        if now - self._last_flush >= self._interval:
            file.flush()
            self._last_flush = now

    def _end_line(self) -> None:
        if self._line_open:
            self._write("\n")
        self._file.flush()

    def feed(self, key: str, text: str) -> None:
        if key != self._current:
            self._end_line()
            self._current = key
        streamed = self._streamed.get(key)
        if streamed is None:
            streamed = self._streamed[key] = _Streamed()
        streamed.count += len(text)
        if len(streamed.head) < 64:
            streamed.head += text[: 64 - len(streamed.head)]
        self._write(text)

    def is_streaming(self, key: str) -> bool:
        return key in self._streamed

    def finish(self, key: str, final: str | None = None) -> None:
        if key not in self._streamed:
            return
        streamed = self._streamed.pop(key)
        tail = _missing_tail(streamed.count, final, streamed.head)
        if tail:
            if key != self._current:
                self._end_line()
            self._write(tail)
        self._end_line()
        self._current = None

    def show(self, text: str) -> None:
        self._end_line()
        self._current = None
        self._write(text.strip("\n") + "\n")
        self._file.flush()

    def finish_all(self) -> None:
        for key in list(self._streamed):
            self.finish(key)
        self._end_line()

    def settle(self) -> None:
        self._end_line()
        self._current = None
