"""The REPL prompt's comforts: slash-command completion, key bindings, continuation lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition, is_searching
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.search import accept_search

#: The choices for a command's argument, each with a few words about it; asked at each Tab.
Choices = Callable[[], Iterable[tuple[str, str]]]


class SlashCompleter(Completer):
    """Completes the slash command at the start of the line, with what each one does, and
    the argument of a command that has `arguments` (such as `/assistant NAME`)."""

    def __init__(
        self,
        commands: Iterable[tuple[str, str]] = (),
        arguments: Mapping[str, Choices] | None = None,
    ) -> None:
        self.commands = list(commands)
        self.arguments: dict[str, Choices] = dict(arguments or {})

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        text = document.text_before_cursor
        if not text.startswith("/"):
            return
        command, space, typed = text.partition(" ")
        if space:
            yield from self._argument(command, typed)
            return
        for name, about in self.commands:
            if name.startswith(text):
                yield Completion(name, start_position=-len(text), display_meta=about)

    def _argument(self, command: str, typed: str) -> Iterable[Completion]:
        """The choices of `command`'s one argument that start with what is typed of it."""
        choices = self.arguments.get(command)
        if choices is None or any(ch.isspace() for ch in typed):
            return
        for name, about in choices():
            if name.startswith(typed):
                yield Completion(name, start_position=-len(typed), display_meta=about)


def key_bindings(enter_sends: Callable[[], bool]) -> KeyBindings:
    """Enter sends and Alt-Enter / Esc-Enter add a line, while `enter_sends()` is true."""
    bindings = KeyBindings()
    sends = Condition(enter_sends)

    @bindings.add("enter", filter=sends & ~is_searching)
    def _send(event: KeyPressEvent) -> None:
        event.current_buffer.validate_and_handle()

    @bindings.add("escape", "enter", filter=sends & ~is_searching)
    def _new_line(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    @bindings.add("enter", filter=sends & is_searching)
    def _take_found(event: KeyPressEvent) -> None:
        accept_search()
        event.app.current_buffer.validate_and_handle()

    return bindings


#: The widest continuation prefix: a long prompt must still leave room to type.
CONTINUATION_LIMIT = 8


def continuation(width: int, line_number: int, wrap_count: int) -> StyleAndTextTuples:
    """The prompt of a continuation line: dots as wide as the first line's prompt (at most
    `CONTINUATION_LIMIT`); nothing before a line that only wraps on a narrow terminal.

    A prefix as wide as a prompt wider than the terminal wrapped itself again and again and
    pushed the prompt off the screen.
    """
    if wrap_count > 0:
        return []
    width = min(width, CONTINUATION_LIMIT)
    return [("class:continuation", "." * max(0, width - 1) + " ")]
