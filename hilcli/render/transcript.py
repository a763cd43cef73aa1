"""The human-readable rendering of a run: node headers, messages, tool calls, errors.

The same class serves the rich terminal and plain output; the `Console` it is given decides
(colours and cursor movement or none). It only appends to the output, so the cost of
rendering stays proportional to the stream.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from hilcli.events import INTERRUPT_KEY, StreamEvent
from hilcli.render.sanitize import safe_text, shorten

#: Longest compact JSON shown for a state update or tool argument set.
JSON_LIMIT = 300
#: Lines of a tool result shown before "N more lines".
RESULT_LINES = 8


def compact_json(value: Any, limit: int = JSON_LIMIT) -> str:
    """A one-line JSON rendering of `value`, cut to `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return shorten(safe_text(text), limit)


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
    return "" if content is None else compact_json(content)


def _kind(message: Mapping[str, Any]) -> str:
    kind = str(message.get("type") or message.get("role") or "")
    return {"AIMessageChunk": "ai", "assistant": "ai", "user": "human"}.get(kind, kind)


class TranscriptView:
    """Renders stream events as a transcript on a Rich console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._last_header: str | None = None
        self._shown_messages: set[str] = set()

    # -- events ---------------------------------------------------------------------------

    def show(self, event: StreamEvent) -> None:
        """Render one event; events that repeat what was shown are skipped."""
        if event.mode == "updates" and isinstance(event.data, Mapping):
            for node, update in event.data.items():
                if node in (INTERRUPT_KEY, "__metadata__"):
                    continue
                self._show_update(str(node), update, event.ns)
        elif event.mode == "custom":
            self._header("custom", event.ns)
            self._print(Text(compact_json(event.data), style="magenta"))
        elif event.mode == "error":
            self.show_error(event.data)

    def show_error(self, data: Any) -> None:
        """An `error` event: its type and message."""
        if isinstance(data, Mapping):
            kind = safe_text(str(data.get("error") or "Error"))
            message = safe_text(str(data.get("message") or ""))
        else:
            kind, message = "Error", compact_json(data)
        text = Text("✗ ", style="bold red")
        text.append(kind, style="bold red")
        if message:
            text.append(f": {message}", style="red")
        self._print(text)

    def _header(self, node: str, ns: tuple[str, ...]) -> None:
        label = " › ".join([*(segment.split(":", 1)[0] for segment in ns), node])
        if label == self._last_header:
            return
        self._last_header = label
        self._print(Text(f"── {safe_text(label)} ", style="dim"))

    def _show_update(self, node: str, update: Any, ns: tuple[str, ...]) -> None:
        if update is None:
            return
        self._header(node, ns)
        if not isinstance(update, Mapping):
            self._print(Text(compact_json(update), style="dim"))
            return
        others = {}
        for key, value in update.items():
            if key == "messages":
                messages = value if isinstance(value, list) else [value]
                for message in messages:
                    if isinstance(message, Mapping):
                        self.show_message(message)
            else:
                others[key] = value
        if others:
            self._print(Text(compact_json(others), style="dim"))

    # -- messages -------------------------------------------------------------------------

    def show_message(self, message: Mapping[str, Any]) -> None:
        """An AI, tool or other message, once per message id."""
        message_id = message.get("id")
        if isinstance(message_id, str):
            if message_id in self._shown_messages:
                return
            self._shown_messages.add(message_id)
        kind = _kind(message)
        if kind == "ai":
            self._show_ai(message)
        elif kind == "tool":
            self._show_tool_result(message)
        elif kind == "human":
            text = Text("you: ", style="bold cyan")
            text.append(safe_text(message_text(message)))
            self._print(text)
        else:
            self._print(Text(safe_text(message_text(message)), style="dim"))

    def _show_ai(self, message: Mapping[str, Any]) -> None:
        text = message_text(message).strip()
        if text:
            self._print(Markdown(safe_text(text), hyperlinks=False))
        for call in message.get("tool_calls") or ():
            if isinstance(call, Mapping):
                self._print(self._tool_call(call))

    def _tool_call(self, call: Mapping[str, Any]) -> RenderableType:
        line = Text("→ ", style="yellow")
        line.append(safe_text(str(call.get("name") or "?")), style="bold yellow")
        line.append(" ")
        line.append(compact_json(call.get("args", {})), style="yellow")
        return line

    def _show_tool_result(self, message: Mapping[str, Any]) -> None:
        name = safe_text(str(message.get("name") or "tool"))
        lines = safe_text(message_text(message)).splitlines() or [""]
        body = Text("\n".join(shorten(line, 500) for line in lines[:RESULT_LINES]))
        parts: list[RenderableType] = [body]
        if len(lines) > RESULT_LINES:
            parts.append(Text(f"… {len(lines) - RESULT_LINES} more lines", style="dim"))
        style = "red" if message.get("status") == "error" else "green"
        title = Text(f"{name} result", style=style)
        self._print(
            Padding(
                Panel(Group(*parts), title=title, title_align="left", border_style=style),
                (0, 0, 0, 2),
            )
        )

    def _print(self, renderable: RenderableType) -> None:
        self.console.print(renderable)
