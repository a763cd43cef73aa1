"""`hil edit` against the real server: values written as a node (the next step uses them),
reducers applied by the server, edits from an earlier checkpoint, the editor flow, and the
refusals (exit 4 for a thread or checkpoint that does not exist, exit 2 for bad values)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.support import create_thread, get_state, last_message_text, stream_run, user_input
from tests.support import run_hil as hil


def history(http: httpx.Client, thread_id: str) -> list[dict[str, Any]]:
    response = http.post(f"/threads/{thread_id}/history", json={"limit": 100})
    response.raise_for_status()
    states: list[dict[str, Any]] = response.json()
    return states


def asked_thread(http: httpx.Client) -> str:
    """A thread of graph `ask` waiting for the name."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hi"))
    return thread_id


def test_an_edit_as_a_node_is_what_the_next_step_uses(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """Writing `name` as `ask_name` answers nothing but moves the graph past it: the thread
    pauses before `greet`, prints the new checkpoint id, and `greet` greets the edited name."""
    thread_id = asked_thread(http)
    edited = hil(
        hil_env,
        "edit",
        thread_id,
        "--set-json",
        '{"name": "Zed"}',
        "--as-node",
        "ask_name",
        "--url",
        server_url,
    )
    assert edited.returncode == 0, edited.stderr
    state = get_state(http, thread_id)
    assert edited.stdout.strip() == state["checkpoint"]["checkpoint_id"]
    assert state["next"] == ["greet"]
    assert state["values"]["name"] == "Zed"
    assert state["metadata"]["source"] == "update"

    went_on = hil(hil_env, "resume", thread_id, "--continue", "--url", server_url, "--json")
    assert went_on.returncode == 0, went_on.stderr
    final = json.loads(went_on.stdout.splitlines()[-1])
    assert last_message_text(final["values"]) == "Hello, Zed! Nice to meet you."


def test_reducers_apply_and_an_earlier_checkpoint_starts_a_branch(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """A message written to `messages` is appended (the add_messages reducer); an edit from
    the first checkpoint builds on that checkpoint's values, not the latest."""
    thread_id = asked_thread(http)
    appended = hil(
        hil_env,
        "edit",
        thread_id,
        "--set-json",
        '{"messages": [{"role": "user", "content": "added"}]}',
        "--as-node",
        "ask_name",
        "--url",
        server_url,
    )
    assert appended.returncode == 0, appended.stderr
    contents = [m["content"] for m in get_state(http, thread_id)["values"]["messages"]]
    assert contents == ["hi", "added"]

    first = history(http, thread_id)[-1]["checkpoint"]["checkpoint_id"]
    branched = hil(
        hil_env,
        "edit",
        thread_id,
        "--set-json",
        '{"name": "Early"}',
        "--as-node",
        "ask_name",
        "--checkpoint",
        first,
        "--url",
        server_url,
    )
    assert branched.returncode == 0, branched.stderr
    new_id = branched.stdout.strip()
    state = http.get(f"/threads/{thread_id}/state/{new_id}").json()
    assert state["values"]["name"] == "Early"
    assert "added" not in [m["content"] for m in state["values"].get("messages", [])]
    assert state["parent_checkpoint"]["checkpoint_id"] == first


def test_the_editor_flow_shows_the_difference_and_asks(
    server_url: str, hil_env: dict[str, str], http: httpx.Client, tmp_path: Path
) -> None:
    """Without --set-json the values open in $EDITOR; the change is shown as a diff and
    written only on "y"."""
    thread_id = asked_thread(http)
    http.post(
        f"/threads/{thread_id}/state", json={"values": {"name": "Old"}, "as_node": "ask_name"}
    ).raise_for_status()
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import json, sys\n"
        "path = sys.argv[1]\n"
        "values = json.load(open(path))\n"
        "values['name'] = 'Edited'\n"
        "json.dump(values, open(path, 'w'), indent=2)\n",
        encoding="utf-8",
    )
    env = {**hil_env, "VISUAL": f"{sys.executable} {editor}"}
    before = get_state(http, thread_id)["checkpoint"]["checkpoint_id"]

    declined = hil(env, "edit", thread_id, "--url", server_url, input="n\n")
    assert declined.returncode == 0, declined.stderr
    assert '-  "name": "Old"' in declined.stderr
    assert '+  "name": "Edited"' in declined.stderr
    assert "Nothing was written" in declined.stderr
    assert declined.stdout == ""
    assert get_state(http, thread_id)["checkpoint"]["checkpoint_id"] == before

    accepted = hil(env, "edit", thread_id, "--url", server_url, input="y\n")
    assert accepted.returncode == 0, accepted.stderr
    state = get_state(http, thread_id)
    assert accepted.stdout.strip() == state["checkpoint"]["checkpoint_id"] != before
    assert state["values"]["name"] == "Edited"
    # only the changed key was sent: the messages were not appended a second time
    assert [m["content"] for m in state["values"]["messages"]] == ["hi"]


def test_edit_refusals(server_url: str, hil_env: dict[str, str], http: httpx.Client) -> None:
    thread_id = asked_thread(http)
    before = get_state(http, thread_id)["checkpoint"]["checkpoint_id"]
    cases = [
        (4, ["00000000-0000-4000-8000-000000000000", "--set-json", '{"name": "x"}']),
        (4, [thread_id, "--set-json", '{"name": "x"}', "--checkpoint", "nothere1"]),
        (2, [thread_id, "--set-json", '{"name": "x"}', "--as-node", "no_such_node"]),
        (2, [thread_id, "--set-json", "[1, 2]"]),
        (2, [thread_id, "--set-json", "{not json"]),
    ]
    for code, args in cases:
        result = hil(hil_env, "edit", *args, "--url", server_url)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert 1 <= len(result.stderr.strip().splitlines()) <= 2, result.stderr
    assert get_state(http, thread_id)["checkpoint"]["checkpoint_id"] == before
    no_editor = hil(
        {k: v for k, v in hil_env.items() if k not in ("VISUAL", "EDITOR")},
        "edit",
        thread_id,
        "--url",
        server_url,
    )
    assert no_editor.returncode == 2
    assert "EDITOR" in no_editor.stderr
