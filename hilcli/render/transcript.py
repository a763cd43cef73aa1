"""The human-readable rendering of a run: node headers, messages, tool calls, errors.

The same class serves the terminal and plain output; the `Console` it is given decides
(colours, cursor movement and live streaming, or none). Streamed AI text (`messages` events,
from the `messages-tuple` stream mode) is shown as it arrives; the `updates` event that repeats
the finished message is recognised by the message id, so nothing is printed twice. Messages
that stream at once (parallel nodes) are kept apart by `render/streaming.py`, each block
labelled with its node; a message is ended by its task's closing chunk even when that chunk
comes under another id. The messages of the state a run starts from count as shown, so a
resumed run does not print again the message it stopped at. Output is only ever appended, so
the cost of rendering stays proportional to the stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from hilcli.environment import SYSTEM_CLOCK, Clock
from hilcli.events import INTERRUPT_KEY, StreamEvent
from hilcli.render.streaming import (
    LiveMessages,
    MessageText,
    Owner,
    PlainMessages,
    owner_label,
)
from hilcli.text import bounded_json, safe_text, shorten

#: Longest compact JSON shown for a state update, a custom event or tool arguments.
JSON_LIMIT = 300
#: Lines of a tool result shown before "N more lines".
RESULT_LINES = 8
#: Longest line of a tool result shown.
RESULT_LINE_LIMIT = 200
#: Longest message text shown when it arrives whole (streamed text is shown as it comes).
MESSAGE_LIMIT = 100_000
#: Modes that say nothing a person needs to see (interrupts are asked by the session).
QUIET_MODES = frozenset({"values", "metadata", "messages/metadata", "end"})


def compact_json(value: Any, limit: int = JSON_LIMIT) -> str:
    """A one-line JSON rendering of `value`, cut to `limit` characters, made safe."""
    return safe_text(bounded_json(value, limit))


def message_text(message: Mapping[str, Any]) -> str:
    """The text of a message whose content is a string or a list of content blocks."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Mapping) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)
    return "" if content is None else bounded_json(content, MESSAGE_LIMIT)


def _kind(message: Mapping[str, Any]) -> str:
    kind = str(message.get("type") or message.get("role") or "")
    return {
        "AIMessageChunk": "ai",
        "assistant": "ai",
        "user": "human",
        "ToolMessageChunk": "tool",
    }.get(kind, kind)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit:,} more characters)"


class TranscriptView:
    """Renders stream events as a transcript on a Rich console."""

    def __init__(self, console: Console, *, clock: Clock = SYSTEM_CLOCK) -> None:
        """`clock`: what streamed text is flushed and redrawn by (the `Environment`'s)."""
        self.console = console
        self.plain = not console.is_terminal
        kind = PlainMessages if self.plain else LiveMessages
        self.text: MessageText = kind(console, self._label, clock=clock)
        self._last_header: Owner | None = None
        self._text_shown: set[str] = set()
        self._calls_shown: set[str] = set()
        self._call_names: dict[str, str] = {}
        self._token_metadata: object = None
        self._token_node = "messages"
        self._token_task = ""
        #: The message each task (node run) streams now, by task: a model whose chunks carry
        #: their own message id ends its message with a closing chunk under another id.
        self._task_message: dict[str, str] = {}
        #: What the run changed besides messages: the state keys its nodes updated.
        self.changed_keys: dict[str, None] = {}
        #: Whether the run showed a message (text, tool call or result) since `begin_run`.
        self.showed_message = False
        self._first_values = False

    # -- events ---------------------------------------------------------------------------

    def show(self, event: StreamEvent) -> None:
        """Render one event; events that repeat what was shown are skipped."""
        mode = event.mode
        if mode == "messages":
            self._show_message_event(event)
        elif mode == "values":
            if self._first_values and not event.ns:
                # The state the run starts from: its messages were shown before (a resumed
                # run's updates repeat the message it stopped at, e.g. after a rejection).
                self._first_values = False
                self.mark_shown(event.data)
        elif mode == "updates":
            if isinstance(event.data, Mapping):
                for node, update in event.data.items():
                    if node not in (INTERRUPT_KEY, "__metadata__"):
                        self._show_update(str(node), update, event.ns)
        elif mode == "custom":
            self._header("custom", event.ns)
            data = event.data
            shown = safe_text(shorten(data, JSON_LIMIT)) if isinstance(data, str) else None
            self._print(Text(shown or compact_json(data), style="magenta"))
        elif mode == "error":
            self.show_error(event.data)
        elif mode not in QUIET_MODES:
            self._header(mode, event.ns)
            self._print(Text(compact_json(event.data), style="dim"))

    @property
    def live(self) -> bool:
        """Whether a message is being drawn live (other output must go through `console`)."""
        return isinstance(self.text, LiveMessages) and bool(self.text.streams)

    def begin_run(self) -> None:
        """A run starts: forget what the last one changed."""
        self.changed_keys = {}
        self.showed_message = False
        self._first_values = True

    def mark_shown(self, values: Any) -> None:
        """The messages in the state `values` are on screen already (a thread just read):
        a resumed run that repeats one in its updates does not print it again."""
        messages = values.get("messages") if isinstance(values, Mapping) else None
        for message in messages if isinstance(messages, list) else ():
            if isinstance(message, Mapping) and isinstance(message.get("id"), str):
                self._text_shown.add(message["id"])
                self._calls_shown.add(message["id"])

    def finish(self) -> None:
        """The run's stream ended: complete any message still streaming."""
        self.text.finish_all()
        self._last_header = None
        self._task_message.clear()

    def show_error(self, data: Any) -> None:
        """An `error` event: its type and message."""
        if isinstance(data, Mapping):
            kind = safe_text(shorten(str(data.get("error") or "Error"), 200))
            message = safe_text(shorten(str(data.get("message") or ""), 2_000))
        else:
            kind, message = "Error", compact_json(data)
        text = Text("✗ ", style="bold red")
        text.append(kind, style="bold red")
        if message:
            text.append(f": {message}", style="red")
        self._print(text)

    def _header(self, node: str, ns: tuple[str, ...]) -> None:
        """`── node` above what a node shows, unless the last thing shown came from it."""
        self.text.settle()
        self._label((node, ns), False)

    def _label(self, owner: Owner, force: bool) -> None:
        """The `── node` line; `force`: even when the last label was the same (several
        messages stream at once and each block says whose it is)."""
        if owner == self._last_header and not force:
            return
        self._last_header = owner
        label = owner_label(owner)
        self._print_now(Text(f"── {safe_text(shorten(label, 100))}", style="dim"))

    def _show_update(self, node: str, update: Any, ns: tuple[str, ...]) -> None:
        if update is None:
            return
        if not isinstance(update, Mapping):
            self._header(node, ns)
            self._print(Text(compact_json(update), style="dim"))
            return
        others = {}
        for key, value in update.items():
            if key != "messages":
                self.changed_keys[str(key)] = None
            if key == "messages":
                messages = value if isinstance(value, list) else [value]
                for message in messages:
                    if isinstance(message, Mapping):
                        self.show_message(message, node, ns)
            else:
                others[key] = value
        if others:
            self._header(node, ns)
            self._print(Text(compact_json(others), style="dim"))

    # -- messages -------------------------------------------------------------------------

    def _show_message_event(self, event: StreamEvent) -> None:
        # The hot path of a run: one call per token. `type(x) is dict` comes first because
        # an isinstance check against the `Mapping` ABC costs several times as much.
        data = event.data
        if not isinstance(data, (list, tuple)) or not data:
            return
        chunk = data[0]
        if type(chunk) is not dict and not isinstance(chunk, Mapping):
            return
        metadata = data[1] if len(data) > 1 else None
        if metadata is self._token_metadata:  # the tokens of a message share their metadata
            node, task = self._token_node, self._token_task
        else:
            if type(metadata) is not dict and not isinstance(metadata, Mapping):
                metadata = {}
            node = str(metadata.get("langgraph_node") or "messages")
            # The task's own namespace (`node:task_id`) tells apart parallel runs of a node.
            task = str(metadata.get("langgraph_checkpoint_ns") or node)
            self._token_metadata, self._token_node, self._token_task = metadata, node, task
        if chunk.get("type") != "AIMessageChunk":
            self.show_message(chunk, node, event.ns)
            return
        message_id = chunk.get("id")
        key = message_id if type(message_id) is str else ""
        if key in self._text_shown:
            return
        content = chunk.get("content")
        text = content if type(content) is str else message_text(chunk)
        task = "|".join((*event.ns, task)) if event.ns else task
        if text:
            if self._task_message.get(task) != key:
                self._task_message[task] = key
            self.showed_message = True
            self.text.feed(key, safe_text(text), (node, event.ns))
        if chunk.get("chunk_position") == "last":
            if not self.text.is_streaming(key):  # a closing chunk under another id
                key = self._task_message.get(task, key)
            if self.text.is_streaming(key):
                self.text.finish(key)
                self._text_shown.add(key)
            self._task_message.pop(task, None)

    def show_message(
        self, message: Mapping[str, Any], node: str = "", ns: tuple[str, ...] = ()
    ) -> None:
        """An AI, tool or other message, once per message id."""
        message_id = message.get("id")
        key = message_id if isinstance(message_id, str) else None
        kind = _kind(message)
        if kind == "ai":
            self._show_ai(message, key, node, ns)
            return
        if kind != "human":
            self.showed_message = True
        if key is not None:
            if key in self._text_shown:
                return
            self._text_shown.add(key)
        if node:
            self._header(node, ns)
        if kind == "tool":
            self._show_tool_result(message)
        elif kind == "human":
            text = Text("you: ", style="bold cyan")
            text.append(safe_text(shorten(message_text(message), MESSAGE_LIMIT)))
            self._print(text)
        else:
            self._print(Text(safe_text(shorten(message_text(message), MESSAGE_LIMIT)), style="dim"))

    def _show_ai(
        self, message: Mapping[str, Any], key: str | None, node: str, ns: tuple[str, ...]
    ) -> None:
        if key is not None and self.text.is_streaming(key):
            self.text.finish(key, safe_text(message_text(message)))
            self._text_shown.add(key)
        elif key is None or key not in self._text_shown:
            if key is not None:
                self._text_shown.add(key)
            text = message_text(message).strip()
            if text:
                self.showed_message = True
                if node:
                    self._header(node, ns)
                self.text.settle()
                self.text.show(safe_text(_cut(text, MESSAGE_LIMIT)))
        if key is not None:
            if key in self._calls_shown:
                return
            self._calls_shown.add(key)
        for call in message.get("tool_calls") or ():
            if isinstance(call, Mapping):
                self.showed_message = True
                if node:
                    self._header(node, ns)
                self._print(self._tool_call(call))

    def _tool_call(self, call: Mapping[str, Any]) -> RenderableType:
        name = safe_text(shorten(str(call.get("name") or "?"), 100))
        if isinstance(call.get("id"), str):
            self._call_names[call["id"]] = name
        line = Text("→ ", style="yellow")
        line.append(name, style="bold yellow")
        line.append(" ")
        line.append(compact_json(call.get("args", {})), style="yellow")
        return line

    def _show_tool_result(self, message: Mapping[str, Any]) -> None:
        name = safe_text(shorten(str(message.get("name") or ""), 100))
        name = name or self._call_names.get(str(message.get("tool_call_id")), "tool")
        text = message_text(message)
        head = text[: RESULT_LINES * (RESULT_LINE_LIMIT + 1) * 4]
        shown = safe_text(head).split("\n")[:RESULT_LINES]
        body = Text("\n".join(shorten(line, RESULT_LINE_LIMIT) for line in shown))
        total = text.count("\n") + (0 if text.endswith("\n") else 1)
        hidden = total - len(shown)
        parts: list[RenderableType] = [body]
        if hidden > 0:
            parts.append(Text(f"… {hidden:,} more lines", style="dim"))
        style = "red" if message.get("status") == "error" else "green"
        title = Text(f"{name} result", style=style)
        self._print(
            Panel(
                Group(*parts),
                title=title,
                title_align="left",
                border_style=style,
                expand=False,
            )
        )

    # -- output ---------------------------------------------------------------------------

    def _print(self, renderable: RenderableType) -> None:
        """Print below everything shown so far; plain lines carry no trailing padding."""
        self.text.settle()
        self._print_now(renderable)

    def _print_now(self, renderable: RenderableType) -> None:
        """Print without settling the streamed text (a label printed by the text itself)."""
        if not self.plain:
            self.console.print(renderable)
            return
        with self.console.capture() as capture:
            self.console.print(renderable)
        lines = capture.get().split("\n")
        file = self.console.file
        file.write("\n".join(line.rstrip() for line in lines))
        file.flush()
