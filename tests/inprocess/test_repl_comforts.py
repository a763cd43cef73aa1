"""The REPL's slash-command completer, in process (the REPL's comforts in a real pty:
tests/test_repl_comforts.py)."""

from __future__ import annotations


def test_slash_completer_offers_the_matching_commands() -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from hilcli.prompts.comforts import SlashCompleter

    completer = SlashCompleter([("/thread", "switch"), ("/threads", "list"), ("/help", "help")])

    def offered(text: str) -> list[tuple[str, int]]:
        found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
        return [(item.text, item.start_position) for item in found]

    assert offered("/thr") == [("/thread", -4), ("/threads", -4)]
    assert offered("/") == [("/thread", -1), ("/threads", -1), ("/help", -1)]
    assert offered("hello /th") == []
    assert offered("/thread 01a2") == []
