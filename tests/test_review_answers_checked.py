"""An answer that cannot answer a tool review is refused before anything is sent (exit 2).

The review protocols (HumanInTheLoopMiddleware batched and per call, Agent Inbox) read their
answer without checking it: a plain `yes` where `{"decisions": [...]}` belongs fails the graph
with `TypeError: string indices must be integers` and leaves the thread in error. `hil` knows
the interrupt is a review, so `hil resume --value/--value-json`, `--answer` texts and rules
files are checked against the review's protocol first; a real review answer still goes through.
Every refusal is checked on the server: no run was created and the thread still waits.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import run_hil as hil

ONE_TOOL = "go"
TWO_TOOLS = "Mail bob@example.com and delete the report"


def result_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert result["type"] == "result"
    return result


def start(env: dict[str, str], url: str, graph: str, message: str = ONE_TOOL) -> dict[str, Any]:
    done = hil(env, "run", message, "-a", graph, "--url", url, "--json")
    assert done.returncode == 3, done.stderr
    return result_of(done)


def resume(
    env: dict[str, str], url: str, thread_id: str, *args: str
) -> subprocess.CompletedProcess[str]:
    return hil(env, "resume", thread_id, *args, "--url", url, "--json")


def runs_of(http: httpx.Client, thread_id: str) -> list[str]:
    return sorted(run["run_id"] for run in http.get(f"/threads/{thread_id}/runs").json())


def assert_untouched(http: httpx.Client, thread_id: str, runs_before: list[str]) -> None:
    """No run was created, and the thread still waits for its answer."""
    assert runs_of(http, thread_id) == runs_before
    assert http.get(f"/threads/{thread_id}").json()["status"] == "interrupted"


def last_message(result: dict[str, Any]) -> str:
    return str(result["values"]["messages"][-1]["content"])


# -- hil resume ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--value", "yes"),
        ("--value-json", '"yes"'),
        ("--value-json", '{"type": "approve"}'),
        ("--value-json", '{"decisions": [{"type": "approve"}]}'),  # two tool calls pending
        ("--value-json", '{"decisions": [{"type": "approve"}, {"type": "maybe"}]}'),
        ("--value-json", '{"decisions": [{"type": "approve"}, {"type": "edit"}]}'),
    ],
)
def test_batched_review_refuses_what_is_no_review_answer(
    server_url: str, hil_env: dict[str, str], http: httpx.Client, flag: str, value: str
) -> None:
    first = start(hil_env, server_url, "approval", TWO_TOOLS)
    thread_id = first["thread_id"]
    runs_before = runs_of(http, thread_id)
    refused = resume(hil_env, server_url, thread_id, flag, value)
    assert refused.returncode == 2, refused.stderr
    assert "is a review of send_email, delete_file" in refused.stderr
    assert "Nothing was sent" in refused.stderr
    # the hint carries --url: pasted, it reaches this server (issue 16 point 4)
    assert f"hil resume {thread_id} --url {server_url} --approve | --reject" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert_untouched(http, thread_id, runs_before)


def test_batched_review_answer_as_json_goes_through(
    server_url: str, hil_env: dict[str, str]
) -> None:
    first = start(hil_env, server_url, "approval")
    answer = '{"decisions": [{"type": "approve"}]}'
    done = resume(hil_env, server_url, first["thread_id"], "--value-json", answer)
    assert done.returncode == 0, done.stderr
    assert "send_email: done: Email sent to alice@example.com" in last_message(result_of(done))


def test_per_call_review_refuses_a_plain_value(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    first = start(hil_env, server_url, "approval_per_call")
    thread_id = first["thread_id"]
    runs_before = runs_of(http, thread_id)
    for flag, value in [("--value", "yes"), ("--value-json", '{"type": "maybe"}')]:
        refused = resume(hil_env, server_url, thread_id, flag, value)
        assert refused.returncode == 2, refused.stderr
        assert "is a review of send_email" in refused.stderr
        assert_untouched(http, thread_id, runs_before)
    done = resume(hil_env, server_url, thread_id, "--value-json", '{"type": "approve"}')
    assert done.returncode == 0, done.stderr
    assert "send_email: done" in last_message(result_of(done))


@pytest.mark.parametrize(
    ("graph", "value_json"),
    [
        ("inbox", '"yes"'),
        ("inbox", '{"type": "accept", "args": null}'),  # the list form needs a list
        ("inbox", '[{"type": "approve"}]'),
        ("inbox_single", '"yes"'),
        ("inbox_single", '{"type": "ignore", "args": null}'),  # not allowed there
        ("inbox_single", '{"type": "response"}'),  # no reply text
    ],
)
def test_inbox_request_refuses_what_is_no_human_response(
    server_url: str, hil_env: dict[str, str], http: httpx.Client, graph: str, value_json: str
) -> None:
    first = start(hil_env, server_url, graph)
    thread_id = first["thread_id"]
    runs_before = runs_of(http, thread_id)
    refused = resume(hil_env, server_url, thread_id, "--value-json", value_json)
    assert refused.returncode == 2, refused.stderr
    assert "is a review of run_command" in refused.stderr
    assert_untouched(http, thread_id, runs_before)
    plain = resume(hil_env, server_url, thread_id, "--value", "yes")
    assert plain.returncode == 2, plain.stderr
    assert_untouched(http, thread_id, runs_before)


def test_inbox_response_as_json_goes_through(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "inbox_single")
    reply = '{"type": "response", "args": "use ls -a"}'
    done = resume(hil_env, server_url, first["thread_id"], "--value-json", reply)
    assert done.returncode == 0, done.stderr
    assert last_message(result_of(done)) == "Not run; you said: use ls -a."


# -- prepared answers ------------------------------------------------------------------------


def test_answer_text_that_is_no_decision_is_refused(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    first = start(hil_env, server_url, "approval")
    thread_id = first["thread_id"]
    runs_before = runs_of(http, thread_id)
    refused = resume(hil_env, server_url, thread_id, "--answer", "yes")
    assert refused.returncode == 2, refused.stderr
    assert "--answer #1 ('yes') cannot answer the review of send_email" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert_untouched(http, thread_id, runs_before)

    done = resume(hil_env, server_url, thread_id, "--answer", "approve")
    assert done.returncode == 0, done.stderr
    assert "send_email: done" in last_message(result_of(done))


def test_run_with_answer_text_leaves_the_review_waiting(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    thread_id = http.post("/threads", json={}).json()["thread_id"]
    refused = hil(
        hil_env,
        *("run", ONE_TOOL, "-a", "approval", "--thread", thread_id),
        *("--answer", "yes", "--url", server_url),
    )
    assert refused.returncode == 2, refused.stderr
    assert "cannot answer the review of send_email" in refused.stderr
    assert len(runs_of(http, thread_id)) == 1  # the run that asked; no answer was sent
    assert http.get(f"/threads/{thread_id}").json()["status"] == "interrupted"


def test_rule_with_a_text_for_a_review_is_refused(
    server_url: str, hil_env: dict[str, str], http: httpx.Client, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\ntool = "send_email"\ntext = "yes"\n', encoding="utf-8")
    first = start(hil_env, server_url, "approval")
    thread_id = first["thread_id"]
    runs_before = runs_of(http, thread_id)
    refused = resume(hil_env, server_url, thread_id, "--answers", str(rules))
    assert refused.returncode == 2, refused.stderr
    assert "rule 1: its answer does not fit the question" in refused.stderr
    assert "decisions" in refused.stderr
    assert_untouched(http, thread_id, runs_before)

    rules.write_text(
        '[[rule]]\ntool = "send_email"\njson = { decisions = [{ type = "approve" }] }\n',
        encoding="utf-8",
    )
    done = resume(hil_env, server_url, thread_id, "--answers", str(rules))
    assert done.returncode == 0, done.stderr
    assert "send_email: done" in last_message(result_of(done))
