"""Going back on the real server: `hil resume --checkpoint` answers an earlier question again
on a new branch (text, JSON and review answers), a thread broken by a bad answer is put
right that way, and `hil run --checkpoint` starts a branch or replays from a checkpoint."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.support import create_thread, get_state, last_message_text, stream_run, user_input
from tests.support import run_hil as hil


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def history(http: httpx.Client, thread_id: str) -> list[dict[str, Any]]:
    response = http.post(f"/threads/{thread_id}/history", json={"limit": 100})
    response.raise_for_status()
    states: list[dict[str, Any]] = response.json()
    return states


def asked_at(states: list[dict[str, Any]], question: str) -> list[str]:
    """The checkpoints (newest first) at which `question` was asked."""
    return [
        state["checkpoint"]["checkpoint_id"]
        for state in states
        if any(item.get("value") == question for item in state.get("interrupts") or [])
    ]


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_answer_again_from_history_makes_a_new_branch(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """Answered "Bob", then answered again at the question's checkpoint with "Alice": the
    thread ends with Alice, and Bob's branch is still in the history."""
    first = hil(hil_env, "run", "hi", "-a", "ask", "--url", server_url, "--json")
    assert first.returncode == 3, first.stderr
    thread_id = json_lines(first.stdout)[-1]["thread_id"]
    answered = hil(hil_env, "resume", thread_id, "--value", "Bob", "--url", server_url)
    assert answered.returncode == 0, answered.stderr
    bob_final = get_state(http, thread_id)["checkpoint"]["checkpoint_id"]

    listed = hil(hil_env, "history", thread_id, "--url", server_url, "--json")
    question_at = [
        item["checkpoint_id"]
        for item in json.loads(listed.stdout)
        if [q["value"] for q in item["interrupts"]] == ["What is your name?"]
    ]
    assert len(question_at) == 1
    again = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        question_at[0][-8:],
        "--value",
        "Alice",
        "--url",
        server_url,
        "--json",
    )
    assert again.returncode == 0, again.stderr
    result = json_lines(again.stdout)[-1]
    assert result["status"] == "done"
    assert result["values"]["name"] == "Alice"
    assert last_message_text(result["values"]) == "Hello, Alice! Nice to meet you."
    # no event of the quiet replay leaks into the JSON Lines: one metadata event, one run
    assert [line["type"] for line in json_lines(again.stdout)].count("metadata") == 1

    state = get_state(http, thread_id)
    assert state["values"]["name"] == "Alice"
    states = history(http, thread_id)
    ids = [item["checkpoint"]["checkpoint_id"] for item in states]
    assert bob_final in ids  # the old branch is kept
    by_id = {item["checkpoint"]["checkpoint_id"]: item for item in states}
    assert by_id[bob_final]["values"]["name"] == "Bob"
    assert "fork" in {item["metadata"]["source"] for item in states}


def test_a_graph_broken_by_a_bad_answer_is_put_right_with_checkpoint(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """`ask_count` raises on "three": the resume fails (exit 1) and hil names the checkpoint
    holding the question and the command that answers it again. Resuming from the latest
    state fails the same way (the server replays "three"); the printed command works."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask_count", input=user_input("print"))
    bad = hil(hil_env, "resume", thread_id, "--value", "three", "--url", server_url)
    assert bad.returncode == 1, bad.stderr
    said = one_line(bad.stderr + bad.stdout)
    asked = asked_at(history(http, thread_id), "How many copies?")
    assert len(asked) == 1
    command = f"hil resume {thread_id} --checkpoint {asked[0]}"
    assert f"kept at checkpoint {asked[0]}" in said
    assert command in said

    still_bad = hil(hil_env, "resume", thread_id, "--value", "3", "--url", server_url)
    assert still_bad.returncode == 1  # the server replays the first answer

    fixed = hil(hil_env, *command.split()[1:], "--value", "3", "--url", server_url, "--json")
    assert fixed.returncode == 0, fixed.stderr
    values = json_lines(fixed.stdout)[-1]["values"]
    assert values["copies"] == 3
    assert [m["content"] for m in values["messages"][-2:]] == ["Printing 3 copies.", "Shelved 3."]
    assert get_state(http, thread_id)["values"]["copies"] == 3


def test_value_json_at_a_checkpoint(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask_count", input=user_input("print"))
    pending = get_state(http, thread_id)["interrupts"]
    stream_run(http, thread_id, "ask_count", resume={pending[0]["id"]: 2})
    assert get_state(http, thread_id)["values"]["copies"] == 2
    asked = asked_at(history(http, thread_id), "How many copies?")
    again = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        asked[0],
        "--value-json",
        "5",
        "--url",
        server_url,
    )
    assert again.returncode == 0, again.stderr
    assert "Printing 5 copies." in again.stdout
    assert get_state(http, thread_id)["values"]["copies"] == 5


def test_a_review_rejected_then_approved_from_its_checkpoint(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """The HITL middleware's review, rejected, then approved from the checkpoint that asked."""
    first = hil(
        hil_env,
        "run",
        "send hi to bob@example.com",
        "-a",
        "approval",
        "--url",
        server_url,
        "--json",
    )
    assert first.returncode == 3, first.stderr
    thread_id = json_lines(first.stdout)[-1]["thread_id"]
    rejected = hil(
        hil_env, "resume", thread_id, "--reject", "--message", "no way", "--url", server_url
    )
    assert rejected.returncode == 0, rejected.stderr
    assert "rejected" in get_state(http, thread_id)["values"]["messages"][-1]["content"]
    states = history(http, thread_id)
    reviewed = [
        state["checkpoint"]["checkpoint_id"]
        for state in states
        if any("action_requests" in (item.get("value") or {}) for item in state["interrupts"])
    ]
    assert len(reviewed) == 1
    approved = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        reviewed[0],
        "--approve",
        "--url",
        server_url,
        "--json",
    )
    assert approved.returncode == 0, approved.stderr
    messages = json_lines(approved.stdout)[-1]["values"]["messages"]
    tool_results = [m for m in messages if m.get("type") == "tool"]
    assert tool_results and "rejected" not in tool_results[-1]["content"]
    assert "rejected" not in messages[-1]["content"]


def test_run_from_a_checkpoint_branches_or_replays(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """`run --checkpoint C MESSAGE` continues C's branch with the message; `run --checkpoint
    C` alone replays from C (the nodes after it run again with C's values)."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hi"))
    pending = get_state(http, thread_id)["interrupts"]
    stream_run(http, thread_id, "ask", resume={pending[0]["id"]: "Bob"})
    states = history(http, thread_id)
    before_greet = next(s for s in states if s["next"] == ["greet"])
    checkpoint = before_greet["checkpoint"]["checkpoint_id"]

    replay = hil(
        hil_env,
        "run",
        "--thread",
        thread_id,
        "--checkpoint",
        checkpoint,
        "--url",
        server_url,
        "--json",
    )
    assert replay.returncode == 0, replay.stderr
    lines = json_lines(replay.stdout)
    assert [line["data"] for line in lines if line["type"] == "updates"][0].keys() == {"greet"}
    final = get_state(http, thread_id)
    assert last_message_text(final["values"]) == "Hello, Bob! Nice to meet you."
    by_id = {s["checkpoint"]["checkpoint_id"]: s for s in history(http, thread_id)}
    replayed_from = by_id[final["parent_checkpoint"]["checkpoint_id"]]
    # langgraph replays a past checkpoint on a copy of it: a fork whose parent is C
    assert replayed_from["metadata"]["source"] == "fork"
    assert replayed_from["parent_checkpoint"]["checkpoint_id"] == checkpoint

    bob_done = states[0]["checkpoint"]["checkpoint_id"]
    branch = hil(
        hil_env,
        "run",
        "again",
        "--thread",
        thread_id,
        "--checkpoint",
        bob_done,
        "--url",
        server_url,
        "--json",
    )
    assert branch.returncode == 3, branch.stderr  # the graph asks the name again
    state = get_state(http, thread_id)
    contents = [m["content"] for m in state["values"]["messages"]]
    assert contents == ["hi", "Hello, Bob! Nice to meet you.", "again"]
    by_id = {s["checkpoint"]["checkpoint_id"]: s for s in history(http, thread_id)}
    step = by_id[state["checkpoint"]["checkpoint_id"]]
    while step["metadata"]["source"] != "input":
        step = by_id[step["parent_checkpoint"]["checkpoint_id"]]
    assert step["parent_checkpoint"]["checkpoint_id"] == bob_done


def test_checkpoint_refusals(server_url: str, hil_env: dict[str, str], http: httpx.Client) -> None:
    """No question at that checkpoint: exit 4, nothing sent; no --thread: exit 2; an unknown
    checkpoint: exit 4; --continue with an answer: exit 2."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hi"))
    first = history(http, thread_id)[-1]["checkpoint"]["checkpoint_id"]
    runs_before = len(http.get(f"/threads/{thread_id}/runs").json())
    none = hil(
        hil_env, "resume", thread_id, "--checkpoint", first, "--value", "x", "--url", server_url
    )
    assert none.returncode == 4, none.stderr
    assert "No question was pending" in none.stderr
    assert len(http.get(f"/threads/{thread_id}/runs").json()) == runs_before
    unknown = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        "nothere1",
        "--value",
        "x",
        "--url",
        server_url,
    )
    assert unknown.returncode == 4
    no_thread = hil(hil_env, "run", "--checkpoint", first, "--url", server_url)
    assert no_thread.returncode == 2
    both = hil(hil_env, "resume", thread_id, "--continue", "--value", "x", "--url", server_url)
    assert both.returncode == 2
    assert "Traceback" not in none.stderr + unknown.stderr + no_thread.stderr + both.stderr


def test_a_form_answered_again_is_checked_against_its_schema(
    server_url: str, hil_env: dict[str, str]
) -> None:
    """The demo `form` graph's booking: answered, then answered again from its checkpoint;
    a value the schema refuses is a usage error there too (exit 2, nothing sent)."""
    first = hil(hil_env, "run", "book", "-a", "form", "--url", server_url, "--json")
    assert first.returncode == 3, first.stderr
    thread_id = json_lines(first.stdout)[-1]["thread_id"]
    done = hil(
        hil_env,
        "resume",
        thread_id,
        "--value-json",
        '{"name": "Ada", "nights": 2}',
        "--url",
        server_url,
    )
    assert done.returncode == 0, done.stderr
    listed = json.loads(hil(hil_env, "history", thread_id, "--url", server_url, "--json").stdout)
    asked = [item for item in listed if item["interrupts"]]
    assert len(asked) == 1 and asked[0]["interrupts"][0]["response_schema"]["type"] == "object"
    checkpoint = asked[0]["checkpoint_id"]
    refused = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        checkpoint,
        "--value-json",
        '{"name": "Bo", "nights": 0}',
        "--url",
        server_url,
    )
    assert refused.returncode == 2
    assert "minimum" in refused.stderr
    again = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        checkpoint,
        "--value-json",
        '{"name": "Bo", "nights": 3}',
        "--url",
        server_url,
        "--json",
    )
    assert again.returncode == 0, again.stderr
    last = json_lines(again.stdout)[-1]["values"]["messages"][-1]["content"]
    assert "Bo" in last and "3 nights" in last


def test_one_of_two_parallel_questions_answered_again(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """Two questions were pending at once: `--interrupt-id` (an id as the checkpoint had it)
    answers one of them again on a new branch, and the other waits there."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "parallel", input=user_input("go"))
    pending = {item["value"]: item["id"] for item in get_state(http, thread_id)["interrupts"]}
    answers = {
        pending["What is your favourite colour?"]: "red",
        pending["What is your favourite food?"]: "pizza",
    }
    stream_run(http, thread_id, "parallel", resume=answers)
    assert get_state(http, thread_id)["next"] == []
    checkpoint = asked_at(history(http, thread_id), "What is your favourite food?")[0]
    both = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        checkpoint,
        "--value",
        "x",
        "--url",
        server_url,
    )
    assert both.returncode == 2
    assert pending["What is your favourite food?"] in both.stderr
    again = hil(
        hil_env,
        "resume",
        thread_id,
        "--checkpoint",
        checkpoint,
        "--interrupt-id",
        pending["What is your favourite food?"],
        "--value",
        "pasta",
        "--url",
        server_url,
        "--json",
    )
    assert again.returncode == 3, again.stderr
    result = json_lines(again.stdout)[-1]
    assert [item["value"] for item in result["interrupts"]] == ["What is your favourite colour?"]
    assert result["values"]["answers"] == {"food": "pasta"}
