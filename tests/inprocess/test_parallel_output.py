"""Parallel writers' output, in process: a held message is printed whole under its label and
plain text never splits a line (on the real server: tests/test_parallel_output.py)."""

from __future__ import annotations

import io

import pyte
from rich.console import Console


def test_plain_text_never_splits_a_line_for_a_message_that_ended_meanwhile() -> None:
    """In a pipe, a message that ends while the first one is mid-line waits for that line to
    end; each block is labelled; no token is written on a line of its own."""
    from hilcli.render.streaming import PlainMessages, owner_label

    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=100)
    labels: list[tuple[str, bool]] = []

    def header(owner: tuple[str, tuple[str, ...]], force: bool) -> None:
        labels.append((owner_label(owner), force))
        out.write(f"── {owner_label(owner)}\n")

    text = PlainMessages(console, header)
    text.feed("a", "Hello wor", ("writer_a", ()))
    text.feed("b", "B says", ("writer_b", ("sub:1",)))
    text.feed("b", " hi\n", ("writer_b", ("sub:1",)))
    text.finish("b")
    assert out.getvalue() == "── writer_a\nHello wor"  # b waits for a's line to end
    text.feed("a", "ld\nand more", ("writer_a", ()))
    text.finish("a")
    assert out.getvalue() == (
        "── writer_a\nHello world\n── sub › writer_b\nB says hi\n── writer_a\nand more\n"
    )
    assert labels == [("writer_a", False), ("sub › writer_b", True), ("writer_a", True)]


def test_a_terminal_prints_a_held_message_whole_under_its_label() -> None:
    """Live: the first message's finished blocks are printed as they finish; a second one is
    held (shown live meanwhile) and printed whole, labelled, when it ends."""
    from hilcli.render.streaming import LiveMessages, owner_label

    out = io.StringIO()
    console = Console(file=out, width=60, height=20, force_terminal=True, color_system=None)

    def header(owner: tuple[str, tuple[str, ...]], force: bool) -> None:
        console.print(f"── {owner_label(owner)}")

    live = LiveMessages(console, header)
    live.feed("a", "Alpha one.\n\nAlpha two", ("writer_a", ()))
    live.feed("b", "Beta one.\n\nBeta two", ("writer_b", ()))
    live.feed("b", " ends.", ("writer_b", ()))
    live.finish("b")
    live.feed("a", " ends.", ("writer_a", ()))
    live.finish_all()
    terminal = pyte.Screen(60, 40)
    pyte.Stream(terminal).feed(out.getvalue().replace("\n", "\r\n"))
    lines = [line.rstrip() for line in terminal.display if line.strip()]
    assert lines == [
        "── writer_a",
        "Alpha one.",
        "── writer_b",
        "Beta one.",
        "Beta two ends.",
        "── writer_a",
        "Alpha two ends.",
    ]
