"""`hil history` against the real server: newest first, what made each checkpoint, branches,
the documented `--json` objects, and paging through the server's `before` cursor."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import httpx

from tests.support import REPO_ROOT, create_thread, get_state, stream_run, user_input
from tests.support import run_hil as hil


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def answered_ask_thread(http: httpx.Client, name: str = "Bob") -> str:
    """A thread of graph `ask`: asked its question, answered with `name`, done."""
    thread_id = create_thread(http)
    stream_run(http, thread_id, "ask", input=user_input("hi"))
    pending = get_state(http, thread_id)["interrupts"]
    stream_run(http, thread_id, "ask", resume={pending[0]["id"]: name})
    return thread_id


def history_json(env: dict[str, str], url: str, thread_id: str, *extra: str) -> list[Any]:
    result = hil(env, "history", thread_id, "--url", url, "--json", *extra)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert isinstance(document, list)
    return document


def test_history_json_lists_the_documented_objects_newest_first(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """Each object has the contract's keys; steps go down; each one's parent is the next."""
    thread_id = answered_ask_thread(http)
    items = history_json(hil_env, server_url, thread_id)
    server = http.post(f"/threads/{thread_id}/history", json={"limit": 100}).json()
    assert [item["checkpoint_id"] for item in items] == [
        state["checkpoint"]["checkpoint_id"] for state in server
    ]
    for item in items:
        assert {
            "checkpoint_id",
            "parent_checkpoint_id",
            "step",
            "source",
            "next",
            "interrupts",
            "created_at",
        } <= set(item)
    assert [item["step"] for item in items] == [2, 1, 0, -1]
    assert [item["source"] for item in items] == ["loop", "loop", "loop", "input"]
    for newer, older in zip(items, items[1:], strict=False):
        assert newer["parent_checkpoint_id"] == older["checkpoint_id"]
    assert items[-1]["parent_checkpoint_id"] is None
    asked = items[2]
    assert asked["next"] == ["ask_name"]
    assert [question["value"] for question in asked["interrupts"]] == ["What is your name?"]
    assert items[0]["next"] == [] and items[0]["interrupts"] == []


def test_history_lines_say_what_made_each_checkpoint(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """One line per checkpoint: short id, step, input / a node's writes, next nodes and the
    question asked there."""
    thread_id = answered_ask_thread(http)
    result = hil(hil_env, "history", thread_id, "--url", server_url)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines()[1:] if line.strip()]
    assert len(rows) == 4
    assert "writes of greet" in rows[0]
    assert "writes of ask_name" in rows[1] and "greet" in rows[1]
    assert "ask_name" in rows[2] and "What is your name?" in rows[2]
    assert "input" in rows[3] and "__start__" in rows[3]
    ids = [item["checkpoint_id"] for item in history_json(hil_env, server_url, thread_id)]
    for row, full in zip(rows, ids, strict=True):
        short = row.split()[0]
        assert 8 <= len(short) < len(full)
        assert full.endswith(short)


def test_a_fork_shows_as_a_branch_from_its_parent(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """A copy of an earlier checkpoint is listed as a fork, marked as a branch from the
    checkpoint it came from, and the old branch stays listed."""
    thread_id = answered_ask_thread(http)
    before = history_json(hil_env, server_url, thread_id)
    asked = before[2]["checkpoint_id"]
    copied = http.post(
        f"/threads/{thread_id}/state",
        json={"values": None, "as_node": "__copy__", "checkpoint_id": asked},
    )
    copied.raise_for_status()
    after = history_json(hil_env, server_url, thread_id)
    assert after[0]["checkpoint_id"] == copied.json()["checkpoint_id"]
    assert after[0]["source"] == "fork"
    assert after[0]["parent_checkpoint_id"] == before[2]["parent_checkpoint_id"]
    assert [item["checkpoint_id"] for item in after[1:]] == [
        item["checkpoint_id"] for item in before
    ]
    lines = hil(hil_env, "history", thread_id, "--url", server_url).stdout.splitlines()
    assert "fork" in lines[1] and "⑂" in lines[1]
    assert "⑂" not in "".join(lines[2:])


def test_limit_pages_with_one_request_and_before_goes_on(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    """A thread of 60 checkpoints: `--limit 5` lists the newest 5 with one history request;
    `--before` the last of them lists the next 5; together they are the newest 10."""
    thread_id = answered_ask_thread(http)
    for number in range(56):
        http.post(
            f"/threads/{thread_id}/state", json={"values": {"name": f"n{number}"}}
        ).raise_for_status()
    everything = history_json(hil_env, server_url, thread_id, "--limit", "100")
    assert len(everything) == 60
    assert everything[0]["source"] == "update"

    first = hil(
        hil_env, "history", thread_id, "--url", server_url, "--json", "--limit", "5", "--debug"
    )
    assert first.returncode == 0, first.stderr
    page = json.loads(first.stdout)
    assert [item["checkpoint_id"] for item in page] == [
        item["checkpoint_id"] for item in everything[:5]
    ]
    assert len(re.findall(r"POST /threads/\S+/history", first.stderr)) == 1, first.stderr

    second = history_json(
        hil_env, server_url, thread_id, "--limit", "5", "--before", page[-1]["checkpoint_id"]
    )
    assert [item["checkpoint_id"] for item in second] == [
        item["checkpoint_id"] for item in everything[5:10]
    ]
    whole = hil(
        hil_env,
        "history",
        thread_id,
        "--url",
        server_url,
        "--json",
        "--limit",
        "5",
        "--before",
        page[-1]["checkpoint_id"],
        "--debug",
    )
    assert json.loads(whole.stdout) == second
    # a whole id is read directly: the page is the only history request, 60 or 60,000 deep
    assert len(re.findall(r"POST /threads/\S+/history", whole.stderr)) == 1, whole.stderr
    table = hil(hil_env, "history", thread_id, "--url", server_url, "--limit", "5")
    assert f"--before {page[-1]['checkpoint_id']}" in table.stdout
    assert "edit" in table.stdout


def test_a_short_id_names_a_checkpoint_and_unknown_ones_exit_4(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    thread_id = answered_ask_thread(http)
    items = history_json(hil_env, server_url, thread_id)
    tail = items[1]["checkpoint_id"][-8:]
    older = history_json(hil_env, server_url, thread_id, "--before", tail)
    assert [item["checkpoint_id"] for item in older] == [
        item["checkpoint_id"] for item in items[2:]
    ]
    missing = hil(hil_env, "history", thread_id, "--url", server_url, "--before", "nothere1")
    assert missing.returncode == 4
    assert "no checkpoint nothere1" in missing.stderr
    gone = hil(hil_env, "history", "00000000-0000-4000-8000-000000000000", "--url", server_url)
    assert gone.returncode == 4, gone.stderr
    assert "Traceback" not in gone.stderr


# -- the README's "Going back" transcript is real ---------------------------------------------

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
WEATHER = "Ask the user where they are, then look up the weather there"


def readme_block(anchor: str) -> list[str]:
    """The README's fenced block holding a line that starts with `anchor`."""
    at = next(number for number, line in enumerate(README) if line.startswith(anchor))
    start = max(number for number in range(at + 1) if README[number].startswith("```"))
    end = min(number for number in range(at, len(README)) if README[number] == "```")
    return README[start + 1 : end]


def blotted(lines: list[str]) -> list[str]:
    """Lines with what the server chooses (thread, checkpoint and interrupt ids) blotted out."""
    out = []
    for line in lines:
        line = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "T", line)
        line = re.sub(r"\b[0-9a-f]{32}\b", "I", line)
        # A short checkpoint id: 8 to 12 hex digits, which may all be decimal ones.
        line = re.sub(r"\b(?=[0-9a-f]*[0-9])[0-9a-f]{8,12}\b", "C", line)
        out.append(line.rstrip())
    return out


def printed(env: dict[str, str], *args: str) -> list[str]:
    """What `hil ARGS` prints in a pipe, stderr and stdout in the order written."""
    done = subprocess.run(
        [sys.executable, "-m", "hilcli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"},
        timeout=120,
    )
    return done.stdout.splitlines()


def test_the_readme_going_back_transcript(server_url: str, hil_env: dict[str, str]) -> None:
    """A wrong answer, `hil history`, and the thread put right with `--checkpoint`: replayed
    on the real server, line for line as the README shows it."""
    env = {**hil_env, "HIL_URL": server_url}
    run = printed(env, "run", WEATHER)
    found = re.search(r"thread ([0-9a-f-]{36})", "\n".join(run))
    assert found, run
    thread = found.group(1)
    wrong = printed(env, "resume", thread, "--value", "paris")
    listed = printed(env, "history", thread)
    row = next(line for line in listed if "Where are you located?" in line)
    checkpoint = row.split()[0]
    again = printed(env, "resume", thread, "--checkpoint", checkpoint, "--value", "san francisco")
    assert again[-1].startswith("✓ done"), again
    newest = printed(env, "history", thread, "--limit", "6")
    real = [
        f'$ hil run "{WEATHER}"',
        *run,
        f"$ hil resume {thread} --value paris",
        *wrong,
        f"$ hil history {thread}",
        *listed,
        f'$ hil resume {thread} --checkpoint {checkpoint} --value "san francisco"',
        *again,
        f"$ hil history {thread} --limit 6",
        *newest,
    ]
    assert blotted(real) == blotted(readme_block("$ hil resume 01a22c81"))
