"""Prompts fitted to a narrow terminal, in process: `fit_prompt` and `fit_toolbar` (what a
person sees at 40 and 52 columns in a real pty: tests/test_narrow_terminal.py)."""

from __future__ import annotations

from hilcli.prompts.reader import fit_prompt, fit_toolbar


def test_fit_prompt_breaks_between_words_and_keeps_room_to_type() -> None:
    """Lines above the input fill the width; the input's line leaves a column; the trailing
    space, indentation and wide characters are respected; a too-long word is cut."""
    prompt = "  Name of the guest who stays\nname (string, required)> "
    assert fit_prompt(prompt, 20).split("\n") == [
        "  Name of the guest",
        "  who stays",
        "name (string,",
        "required)> ",
    ]
    assert fit_prompt("answer> ", 40) == "answer> "
    assert fit_prompt("日本語の質問 です> ", 10).split("\n") == ["日本語の", "質問", "です> "]
    assert fit_prompt("x" * 25, 10).split("\n") == ["x" * 9, "x" * 9, "x" * 7]


def test_fit_toolbar_keeps_each_part_whole_when_it_can() -> None:
    toolbar = " http://127.0.0.1:8123 · assistant approval · thread 0123456789abcdef · idle "
    assert fit_toolbar(toolbar, 100) == toolbar
    assert fit_toolbar(toolbar, 40).split("\n") == [
        " http://127.0.0.1:8123",
        " assistant approval",
        " thread 0123456789abcdef · idle",
    ]
