"""`hil history`'s pure parts, in process: short ids, what a pause changed, what an edit
sends (against the real server: tests/test_history.py)."""

from __future__ import annotations


def test_short_ids_are_the_shortest_unique_tails() -> None:
    from hilcli.history import short_ids

    ids = ["aaaa-1111-2222-xx12345678", "bbbb-1111-2222-yy12345678", "cccc-9999-0000-zz00000001"]
    short = short_ids(ids)
    assert short[ids[2]] == "00000001"
    assert short[ids[0]] == "x12345678" and short[ids[1]] == "y12345678"
    assert short_ids(["abc"]) == {"abc": "abc"}


def test_state_changes_say_what_a_pause_gained() -> None:
    from hilcli.history import state_changes

    before = {"messages": [{"type": "human", "content": "hi"}], "copies": 1, "gone": True}
    after = {
        "messages": [{"type": "human", "content": "hi"}, {"type": "ai", "content": "Printing"}],
        "copies": 2,
        "new": "yes",
    }
    assert state_changes(before, after) == [
        "messages: +1 (ai: Printing)",
        "copies: 1 → 2",
        "new: yes (new)",
        "gone: removed",
    ]
    assert state_changes(after, after) == []
    assert state_changes(None, {"copies": 3}) == ["copies: 3 (new)"]


def test_an_edit_sends_only_the_changed_keys() -> None:
    from hilcli.history import changed_keys, json_diff

    now = {"messages": [1, 2], "name": "Old"}
    edited = {"messages": [1, 2], "name": "New", "extra": 1}
    assert changed_keys(now, edited) == {"name": "New", "extra": 1}
    diff = json_diff(now, edited)
    assert '-  "name": "Old"' in diff and '+  "name": "New",' in diff
