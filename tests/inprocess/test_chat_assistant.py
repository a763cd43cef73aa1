"""The `/assistant` completer, in process: it offers the choices of a command's argument
(`/assistant` in `hil chat` on the real server: tests/test_chat_assistant.py)."""

from __future__ import annotations


def test_completer_offers_the_choices_of_a_commands_argument() -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from hilcli.prompts.comforts import SlashCompleter

    asked: list[str] = []

    def names() -> list[tuple[str, str]]:
        asked.append("names")
        return [("approval", "graph approval"), ("approval_per_call", "graph x"), ("ask", "")]

    completer = SlashCompleter(
        [("/assistant", "switch"), ("/answer", "answer")], arguments={"/assistant": names}
    )

    def offered(text: str) -> list[tuple[str, int]]:
        found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
        return [(item.text, item.start_position) for item in found]

    assert offered("/a") == [("/assistant", -2), ("/answer", -2)]
    assert asked == []  # names are asked for only after the command
    assert offered("/assistant appr") == [("approval", -4), ("approval_per_call", -4)]
    assert offered("/assistant ") == [("approval", 0), ("approval_per_call", 0), ("ask", 0)]
    assert offered("/answer a") == []  # a command without choices
    assert offered("/assistant ask more") == []
    assert asked == ["names", "names"]
