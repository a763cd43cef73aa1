"""What we cut, fold and pad for the screen is measured in terminal cells, not characters.

A CJK character or most emoji take two cells, a combining accent none, an emoji sequence
joined by ZWJ two in all: `hilcli.text` is the one place that measures (wcwidth, by grapheme
cluster), and the listings that shorten text (threads, history, the state changes at a pause)
use it, so a line of CJK text fits the width it is given.
"""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from wcwidth import iter_graphemes

from hilcli.events import PendingInterrupt
from hilcli.history import Checkpoint, state_changes
from hilcli.prompts.reader import fit_prompt
from hilcli.render.history_view import print_history
from hilcli.render.tables import print_threads
from hilcli.text import ELLIPSIS, cell_width, fold, one_line, pad, shorten
from hilcli.threads import ThreadSummary

JAPANESE = (
    "東京の天気はどうですか？明日の予定を教えてください。傘は必要ですか？それとも晴れますか？"
)
ACCENTED = "e\u0301"  # e + combining acute: one cell, two code points
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl: two cells
THUMB = "\U0001f44d\U0001f3fd"  # thumbs up + skin tone: two cells
FLAG = "\U0001f1eb\U0001f1f7"  # regional indicators F R: two cells
HEART = "\u2764\ufe0f"  # a one-cell heart made two cells wide by VS16

#: Pieces text is made of in the properties below: each is one or more grapheme clusters.
PIECES = [
    "a",
    "Z",
    " ",
    "日",
    "本",
    "ｱ",  # halfwidth katakana: one cell
    "한",
    ACCENTED,
    "\u0301",  # a combining mark with nothing before it
    FAMILY,
    THUMB,
    FLAG,
    HEART,
    "\u200b",  # zero width space
    "\x1b",  # shown as ␛ (one cell)
    "\x9b",  # shown as \x9b (four cells)
    "\u202e",  # shown as \u202e (six cells)
    "\n",
]
mixed_text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def test_cell_width_counts_cells_not_characters() -> None:
    assert cell_width("hello") == 5
    assert cell_width("日本語") == 6
    assert cell_width(ACCENTED * 3) == 3
    assert cell_width(FAMILY) == 2
    assert cell_width(THUMB + FLAG) == 4
    assert cell_width("ｱｲｳ") == 3
    assert cell_width("") == 0


def test_control_characters_count_as_they_are_shown() -> None:
    """`safe_text` shows ESC as ␛ and C1 controls as `\\xNN`: the width is the shown one, so
    shortening before or after making text safe gives the same fit."""
    assert cell_width("a\x1bb") == 3
    assert cell_width("é\x9b") == 1 + 4
    assert cell_width("é\u202e") == 1 + 6


def test_ascii_is_cut_as_before() -> None:
    """ASCII text is one cell per character: the rule it always had (`…` in the last cell)."""
    text = "The quick brown fox jumps over the lazy dog"
    for cells in range(1, 50):
        expected = text if len(text) <= cells else text[: cells - 1] + "…"
        assert shorten(text, cells) == expected
    assert shorten("exactly", 7) == "exactly"


def test_cjk_is_shortened_to_the_cells_given() -> None:
    assert shorten("日本語のテキスト", 16) == "日本語のテキスト"
    assert shorten("日本語のテキスト", 15) == "日本語のテキス…"  # 14 + 1 cells
    assert shorten("日本語のテキスト", 8) == "日本語…"  # 6 + 1: no room for half a character
    assert shorten("日本語のテキスト", 7) == "日本語…"
    assert shorten("日本語のテキスト", 2) == "…"
    assert shorten("ab日本", 4) == "ab…"  # 'ab日' is 4 cells, and the ellipsis needs one


def test_clusters_are_never_split() -> None:
    """A letter keeps its accent, an emoji sequence stays whole (or goes whole)."""
    assert shorten(ACCENTED * 5, 4) == ACCENTED * 3 + ELLIPSIS
    assert shorten(FAMILY * 3, 5) == FAMILY * 2 + ELLIPSIS
    assert shorten(FAMILY * 3, 4) == FAMILY + ELLIPSIS
    assert shorten(THUMB + FLAG + THUMB, 5) == THUMB + FLAG + ELLIPSIS
    assert shorten("ok" + FLAG + FLAG, 4) == "ok" + ELLIPSIS


def test_the_ellipsis_rule() -> None:
    """`…` only when something was cut; it takes the last cell; nothing fits in no cells."""
    assert shorten("日本", 4) == "日本"
    assert ELLIPSIS not in shorten(JAPANESE, cell_width(JAPANESE))
    assert shorten(JAPANESE, cell_width(JAPANESE) - 1).endswith(ELLIPSIS)
    assert shorten("abc", 0) == ""
    assert shorten("日本", -3) == ""
    assert shorten("日本", 1) == ELLIPSIS


@given(mixed_text, st.integers(min_value=-2, max_value=40))
def test_shorten_fits_and_keeps_the_longest_whole_start(text: str, cells: int) -> None:
    shown = shorten(text, cells)
    assert cell_width(shown) <= max(cells, 0)
    if cells < 1:
        assert shown == ""
        return
    if cell_width(text) <= cells:
        assert shown == text
        return
    assert shown.endswith(ELLIPSIS)
    kept = shown[: -len(ELLIPSIS)]
    clusters = list(iter_graphemes(text))
    kept_clusters = list(iter_graphemes(kept))
    assert kept_clusters == clusters[: len(kept_clusters)]  # a start, cut between clusters
    following = clusters[len(kept_clusters)]
    assert cell_width(kept + following) > cells - 1  # and the longest one that leaves room


@given(st.text(), st.integers(min_value=1, max_value=30))
def test_shorten_fits_any_text(text: str, cells: int) -> None:
    shown = shorten(text, cells)
    assert cell_width(shown) <= cells
    assert shown == text or shown.endswith(ELLIPSIS)


def test_shorten_reads_only_what_it_keeps() -> None:
    """A megabyte of CJK is cut after the first cells, without measuring the rest."""
    assert shorten("日" * 1_000_000, 11) == "日" * 5 + ELLIPSIS


def test_one_line_folds_white_space_then_shortens() -> None:
    assert one_line("  東京の\n天気は\t どう？ ", 100) == "東京の 天気は どう？"
    assert one_line("東京の\n天気はどうですか", 10) == "東京の 天…"


def test_pad_fills_a_column_in_cells() -> None:
    assert pad("日本", 6) == "日本  "
    assert pad("ab", 6) == "ab    "
    assert pad(ACCENTED, 3) == ACCENTED + "  "
    assert cell_width(pad(FAMILY, 5)) == 5
    assert pad("日本語です", 4) == "日本語です"  # wider: kept whole


#: One line of words for `fold`: no newline, and no combining mark without its letter (after
#: a space it would make one cluster with the space that `fold` breaks at).
line_text = st.lists(
    st.sampled_from([piece for piece in PIECES if piece not in ("\n", "\u0301")]), max_size=40
).map("".join)


@given(line_text, st.integers(min_value=2, max_value=12))
def test_fold_keeps_clusters_and_width(text: str, cells: int) -> None:
    """Every piece fits (but a single cluster wider than the line, and the spaces after the
    last word, which are kept), and no cluster is split."""
    pieces = fold(text, cells)
    for piece in pieces:
        shown = piece.rstrip(" ")
        assert cell_width(shown) <= cells or len(list(iter_graphemes(shown.strip()))) == 1
    clusters = {cluster for piece in pieces for cluster in iter_graphemes(piece)}
    assert clusters <= set(iter_graphemes(text)) | {" "}


def test_a_long_prompt_word_breaks_between_clusters() -> None:
    """A word wider than the prompt is cut between clusters: a heart keeps its VS16 (cut
    from it, the heart would shrink to one cell and the selector start the next line), a flag
    its two regional indicators, a letter its accent. The input's line keeps a column free."""
    assert fit_prompt(HEART * 7, 6).split("\n") == [HEART * 2, HEART * 2, HEART * 2, HEART]
    assert fit_prompt("x" + FLAG * 6, 6).split("\n") == ["x" + FLAG * 2, FLAG * 2, FLAG * 2]
    assert fit_prompt(ACCENTED * 12, 6).split("\n") == [ACCENTED * 5, ACCENTED * 5, ACCENTED * 2]


# -- call sites: listings of CJK text fit the width they are given ----------------------------


def _rendered(width: int) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system=None)
    return console, out


def _fits(output: str, width: int) -> list[str]:
    lines = output.splitlines()
    assert lines
    for line in lines:
        assert cell_width(line) <= width, line
        assert cell_len(line) <= width, line
    return lines


def _thread(assistant: str, question: str) -> ThreadSummary:
    return ThreadSummary(
        thread_id="0b9d3c1e-1111-4a2b-9c3d-5e6f7a8b9c0d",
        status="interrupted",
        updated_at="2026-11-30T12:34:56+00:00",
        created_at="2026-11-30T12:00:00+00:00",
        assistant=assistant,
        interrupts=[{"id": "i1", "value": question}],
    )


def test_thread_table_shortens_a_cjk_assistant_to_its_sixteen_cells() -> None:
    assistant = "日本語のアシスタント名前です長い"  # 16 characters, 32 cells
    console, out = _rendered(120)
    print_threads(console, [_thread(assistant, JAPANESE)])
    row = _fits(out.getvalue(), 120)[-1]
    assert assistant[:7] + ELLIPSIS in row  # 14 cells of it and the ellipsis: 15 of 16
    assert assistant[:8] not in row
    assert "東京の天気" in row


def test_thread_table_of_cjk_fits_every_width() -> None:
    for width in (60, 80, 100, 140):
        console, out = _rendered(width)
        print_threads(console, [_thread("アシスタント", JAPANESE), _thread("助手", FAMILY * 40)])
        _fits(out.getvalue(), width)


def test_history_question_is_shortened_to_sixty_cells() -> None:
    checkpoint = Checkpoint(
        id="1f0c-aaaa-bbbb-cccc-0001",
        parent_id="1f0c-aaaa-bbbb-cccc-0000",
        step=3,
        source="loop",
        next=["ask_human"],
        interrupts=[PendingInterrupt(id="i1", value=JAPANESE * 2)],
        created_at=None,
    )
    console, out = _rendered(160)
    print_history(console, [checkpoint], None, "t1")
    row = _fits(out.getvalue(), 160)[-1]
    question = (JAPANESE * 2)[:29] + ELLIPSIS  # 58 cells and the ellipsis
    assert row.endswith(question)
    assert (JAPANESE * 2)[:30] not in row


def test_state_changes_at_a_pause_stay_within_their_cells() -> None:
    """`key: old → new`, each side at most 40 cells; added messages at most 50 each."""
    before = {"plan": "計画" * 40, "messages": [{"type": "human", "content": "こんにちは"}]}
    after = {
        "plan": "新しい計画" * 20,
        "messages": [
            *before["messages"],
            {"type": "ai", "content": "お手伝いできることはありますか？" * 5},
        ],
    }
    lines = state_changes(before, after)
    plan = next(line for line in lines if line.startswith("plan: "))
    old, new = plan.removeprefix("plan: ").split(" → ")
    assert cell_width(old) <= 40 and old.endswith(ELLIPSIS) and cell_width(old) >= 39
    assert cell_width(new) <= 40 and new.endswith(ELLIPSIS) and cell_width(new) >= 39
    messages = next(line for line in lines if line.startswith("messages: "))
    said = messages.split("ai: ", 1)[1].rstrip(")")
    assert said.endswith(ELLIPSIS) and 49 <= cell_width(said) <= 50
