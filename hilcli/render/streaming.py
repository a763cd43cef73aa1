"""Streamed message text: live on a terminal, incremental plain text in a pipe.

Several messages can stream at once (a fan-out with `Send` runs writers in parallel, and their
tokens interleave on the stream). Whatever the output, a message is shown as one block: the
oldest message still streaming is the *foreground* and is shown as it arrives; the others are
held and shown whole when they end (or carried on as the foreground, from what they held,
when the foreground ends). While more than one message streams, each block is labelled with
its writer (node, and namespace inside a subgraph) through the `header` callback, so blocks
of different messages never run together unlabelled.

`LiveMessages` prints every finished Markdown block of the foreground once, where it stays,
and keeps only what is still being written in a transient Rich `Live` region: there, each
streaming message has a section of its own (labelled when there are several), showing its
last lines. A refresh redraws those tails only (a screenful at most), so a long answer
costs time proportional to its length, not to its length squared.

`PlainMessages` writes text as it arrives (no colours, no cursor movement, nothing printed
twice); while several messages stream, the foreground is written a whole line at a time and
the others whole, so a pipe never shows one token per line.

Both take text that was already made safe with `safe_text`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Generic, Protocol, TypeVar

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.live import Live
from rich.markdown import Markdown
from rich.segment import Segment
from rich.text import Text

from hilcli.environment import SYSTEM_CLOCK, Clock
from hilcli.events import namespace_label
from hilcli.render.blocks import MarkdownBlocks
from hilcli.render.consoles import on_terminal

#: Blocks longer than this are shown as wrapped text rather than parsed as Markdown.
MARKDOWN_LIMIT = 20_000
#: The live region shows at most this many trailing characters of each streaming message.
LIVE_TAIL = 4_000
#: Redraws of the live region per second.
REFRESH_PER_SECOND = 8
#: In a pipe, buffered text is flushed at least this often (seconds).
PLAIN_FLUSH_INTERVAL = 0.05

Owner = tuple[str, tuple[str, ...]]
"""Who writes a message: its node, and the namespace of the subgraph it runs in."""

Header = Callable[[Owner, bool], None]
"""Prints the label of `owner` before its text; `force` prints it even when the last label
printed was the same (several messages stream at once)."""

NO_OWNER: Owner = ("", ())


def owner_label(owner: Owner) -> str:
    """`outer › inner › node`: the namespace's node names, then the node (`namespace_label`)."""
    node, ns = owner
    return namespace_label(ns, node)


def _no_header(owner: Owner, force: bool) -> None:
    """The default `Header`: no labels (a message layer used on its own)."""


@lru_cache(maxsize=32)
def markdown(source: str) -> Markdown:
    """`source` as Rich renders Markdown, links shown as text (a terminal may not follow
    them). Built through Rich's constructor only, so a Rich upgrade cannot break it silently.

    The constructor builds a Markdown parser each time, most of its cost (about 0.4 ms); a
    block is drawn live while it is written and then printed once finished, from the same
    source, so the last few are kept: a rendering never changes its `Markdown`.
    """
    return Markdown(source, hyperlinks=False)


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

    header: Header

    def feed(self, key: str, text: str, owner: Owner = NO_OWNER) -> None:
        """Append streamed `text` to message `key`, written by `owner`."""

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


class _Open:
    """What every streaming message has: its key, writer, start, and whether it ever streamed
    alongside another message (then its blocks are labelled)."""

    def __init__(self, key: str, owner: Owner) -> None:
        self.key = key
        self.owner = owner
        self.head = ""
        """The first characters streamed, to check that a final text continues them."""
        self.concurrent = False

    def keep_head(self, text: str) -> None:
        if len(self.head) < 64:
            self.head += text[: 64 - len(self.head)]


_O = TypeVar("_O", bound=_Open)


class _Messages(Generic[_O]):
    """What both message layers keep: the messages streaming now, oldest first (the oldest
    is the foreground, shown as it comes), and which message's text was shown last."""

    def __init__(self, console: Console, header: Header | None, clock: Clock) -> None:
        self.console = console
        self.header: Header = header or _no_header
        self._clock = clock
        self.streams: dict[str, _O] = {}
        self._last_writer: str | None = None
        """The message whose text was shown last (None after other output)."""

    def _foreground(self) -> _O | None:
        """The oldest message still streaming: its text is shown as it arrives."""
        return next(iter(self.streams.values()), None)

    def _label_due(self, stream: _O) -> bool:
        """Open `stream`; True when it is the foreground (no other was open) and another
        message wrote last, so its label goes first. Several open at once are all marked
        `concurrent` (their text is labelled from then on)."""
        if self.streams:
            stream.concurrent = True
            for other in self.streams.values():
                other.concurrent = True
        self.streams[stream.key] = stream
        return len(self.streams) == 1 and self._last_writer != stream.key

    def is_streaming(self, key: str) -> bool:
        return key in self.streams


class _Stream(_Open):
    """One message being streamed on a terminal: its splitter, its blocks held back while it
    is not the foreground, and how many blocks it printed."""

    def __init__(self, key: str, owner: Owner) -> None:
        super().__init__(key, owner)
        self.blocks = MarkdownBlocks()
        self.held: list[str] = []
        self.printed = 0

    def tail(self, limit: int) -> str:
        """The last `limit` characters (about) of what it holds and is writing."""
        parts = [self.blocks.active]
        size = len(parts[0])
        for block in reversed(self.held):
            if size >= limit:
                break
            parts.append(block)
            size += len(block) + 2
        text = "\n\n".join(part for part in reversed(parts) if part.strip())
        return text[-limit:] if len(text) > limit else text


class _ActiveBlocks:
    """The live renderable: a section per streaming message, the last lines of each, at most a
    screenful in all; a label above each section when there are several."""

    def __init__(self, owner: LiveMessages) -> None:
        self.owner = owner
        self._cache: tuple[object, int, int, list[list[Segment]]] | None = None

    def _lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        streams = list(self.owner.streams.values())
        several = len(streams) > 1
        sections = tuple(
            (
                owner_label(stream.owner) if several else "",
                stream.blocks.active if index == 0 else stream.tail(LIVE_TAIL),
            )
            for index, stream in enumerate(streams)
        )
        height = max(1, (options.height or console.size.height) - 2)
        cache = self._cache
        if cache is not None and cache[:3] == (sections, options.max_width, height):
            return cache[3]
        room = max(2, height // max(1, len(sections)))
        lines: list[list[Segment]] = []
        for label, source in sections:
            if not source.strip() and not several:
                continue
            body: list[list[Segment]] = []
            if source.strip():
                renderable: RenderableType
                if len(source) > LIVE_TAIL:
                    renderable = Text(source[-LIVE_TAIL:])
                else:
                    renderable = markdown(source)
                body = console.render_lines(renderable, options, pad=False)
            if several:
                heading = Text(f"── {label} …", style="dim")
                lines.extend(console.render_lines(heading, options, pad=False))
                body = body[-(room - 1) :] if room > 1 else []
            lines.extend(body)
        lines = lines[-height:]
        self._cache = (sections, options.max_width, height, lines)
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # No newline after the last line: the live region's height must be its line count.
        for index, line in enumerate(self._lines(console, options)):
            if index:
                yield Segment.line()
            yield from line


class LiveMessages(_Messages[_Stream]):
    """Streamed text on a terminal: finished blocks frozen, what is being written live."""

    def __init__(
        self, console: Console, header: Header | None = None, *, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        super().__init__(console, header, clock)
        self._live: Live | None = None
        self._last_refresh = 0.0

    def _print_block(self, stream: _Stream, block: str) -> None:
        if self._last_writer != stream.key:
            self.header(stream.owner, stream.concurrent)
            self._last_writer = stream.key
        elif stream.printed:
            self.console.print()
        self.console.print(markdown_block(block))
        stream.printed += 1

    def feed(self, key: str, text: str, owner: Owner = NO_OWNER) -> None:
        stream = self.streams.get(key)
        if stream is None:
            stream = _Stream(key, owner)
            if self._label_due(stream):
                self.header(owner, False)
                self._last_writer = key
        stream.keep_head(text)
        done = stream.blocks.feed(text)
        if done:
            if stream is self._foreground():
                for block in done:
                    self._print_block(stream, block)
            else:
                stream.held.extend(done)
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
            self._last_refresh = self._clock.monotonic()
        elif self._clock.monotonic() - self._last_refresh >= 1 / REFRESH_PER_SECOND:
            self._live.refresh()
            self._last_refresh = self._clock.monotonic()

    def finish(self, key: str, final: str | None = None) -> None:
        stream = self.streams.get(key)
        if stream is None:
            return
        was_foreground = stream is self._foreground()
        tail = _missing_tail(stream.blocks.fed, final, stream.head)
        blocks = stream.blocks.feed(tail) if tail else []
        last = stream.blocks.finish()
        del self.streams[key]
        if not self.streams:
            self._stop_live()
        rest = [*stream.held, *blocks, *([last] if last else [])]
        stream.held = []
        for block in rest:
            self._print_block(stream, block)
        following = self._foreground()
        if was_foreground and following is not None:  # it carries on from what it held
            held, following.held = following.held, []
            for block in held:
                self._print_block(following, block)

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def show(self, text: str) -> None:
        blocks = MarkdownBlocks()
        done = blocks.feed(text)
        last = blocks.finish()
        for index, block in enumerate([*done, last] if last else done):
            if index:
                self.console.print()
            self.console.print(markdown_block(block))
        self._last_writer = None

    def finish_all(self) -> None:
        for key in list(self.streams):
            self.finish(key)
        self._stop_live()

    def settle(self) -> None:
        self._last_writer = None


class _Streamed(_Open):
    """One message streamed in plain text: how much arrived, the text it holds while it is not
    the foreground, and the unfinished line held while several messages stream."""

    def __init__(self, key: str, owner: Owner) -> None:
        super().__init__(key, owner)
        self.count = 0
        self.parts: list[str] = []
        self.partial = ""


class PlainMessages(_Messages[_Streamed]):
    """Streamed text in a pipe: written as it arrives, each message ending with a newline."""

    def __init__(
        self, console: Console, header: Header | None = None, *, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        super().__init__(console, header, clock)
        self._file = console.file
        """Where text goes, looked up once: Rich's `Console.file` is a property, and this
        writes once per token."""
        self._queue: list[tuple[_Streamed, str]] = []
        """Whole messages that ended while the foreground's line was open: written when the
        line ends."""
        self._line_open = False
        self._last_flush = 0.0
        self._interval = 0.0 if on_terminal(console) else PLAIN_FLUSH_INTERVAL
        """A person reads a terminal (NO_COLOR): every token at once; a pipe gets batches."""

    def _write(self, text: str) -> None:
        if not text:
            return
        file = self._file
        file.write(text)
        self._line_open = not text.endswith("\n")
        now = self._clock.monotonic()
        if now - self._last_flush >= self._interval:
            file.flush()
            self._last_flush = now

    def _end_line(self) -> None:
        if self._line_open:
            self._write("\n")
        self._file.flush()

    def _write_for(self, stream: _Streamed, text: str) -> None:
        """Write `text` of `stream`, after its label when other output came in between."""
        if not text:
            return
        if self._last_writer != stream.key:
            self._end_line()
            self.header(stream.owner, stream.concurrent)
            self._last_writer = stream.key
        self._write(text)

    def _emit(self, stream: _Streamed, text: str) -> None:
        """Write the foreground's `text`: as it comes while it streams alone, else whole lines
        (the line it had begun is finished first)."""
        if not stream.concurrent:
            self._write_for(stream, text)
            return
        data, stream.partial = stream.partial + text, ""
        if self._last_writer == stream.key and self._line_open:
            end = data.find("\n")
            if end < 0:
                self._write(data)
                return
            self._write(data[: end + 1])
            data = data[end + 1 :]
            self._flush_queue()
        cut = data.rfind("\n")
        if cut < 0:
            stream.partial = data
            return
        self._write_for(stream, data[: cut + 1])
        stream.partial = data[cut + 1 :]

    def _print_whole(self, stream: _Streamed, text: str) -> None:
        self._write_for(stream, text)
        self._end_line()

    def _flush_queue(self) -> None:
        while self._queue:
            stream, text = self._queue.pop(0)
            self._print_whole(stream, text)

    def feed(self, key: str, text: str, owner: Owner = NO_OWNER) -> None:
        stream = self.streams.get(key)
        if stream is None:
            stream = _Streamed(key, owner)
            if self._label_due(stream):
                self._end_line()
                self.header(owner, False)
                self._last_writer = key
        stream.count += len(text)
        stream.keep_head(text)
        if stream is self._foreground():
            self._emit(stream, text)
        else:
            stream.parts.append(text)

    def finish(self, key: str, final: str | None = None) -> None:
        stream = self.streams.get(key)
        if stream is None:
            return
        foreground = self._foreground()
        del self.streams[key]
        tail = _missing_tail(stream.count, final, stream.head)
        if stream is foreground:
            rest, stream.partial = stream.partial + tail, ""
            self._write_for(stream, rest)
            self._end_line()
            self._flush_queue()
            following = self._foreground()
            if following is not None:  # it carries on from what it held
                held, following.parts = "".join(following.parts), []
                self._emit(following, held)
            return
        whole = "".join(stream.parts) + tail
        stream.parts = []
        if not whole.strip():
            return
        if foreground is not None and self._last_writer == foreground.key and self._line_open:
            self._queue.append((stream, whole))
        else:
            self._print_whole(stream, whole)

    def show(self, text: str) -> None:
        self.settle()
        self._write(text.strip("\n") + "\n")
        self._file.flush()

    def finish_all(self) -> None:
        for key in list(self.streams):
            self.finish(key)
        self._end_line()
        self._flush_queue()

    def settle(self) -> None:
        self._end_line()
        self._flush_queue()
        self._last_writer = None
