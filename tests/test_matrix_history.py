"""Going back on the other servers people run: `hil history` and `hil resume --checkpoint`
on the matrix's servers that run a graph from a checkpoint copy with no input (the older
langgraph-api generations, langgraph-api on Postgres + Redis, and `langgraph dev`).

Aegra is left out: it refuses a run with neither input nor command (422), and answering a
question again replays a copy of its checkpoint so (see hilcli/time_travel.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.matrix.pool import ServerPool
from tests.matrix.servers import MatrixServer
from tests.support import run_hil

KINDS = ("dev", "legacy-0.2", "legacy-0.4", "langhost")


@pytest.fixture(params=[pytest.param(k, id=k, marks=pytest.mark.xdist_group(k)) for k in KINDS])
def replaying_server(request: pytest.FixtureRequest, matrix_pool: ServerPool) -> MatrixServer:
    try:
        return matrix_pool.get(request.param)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


def last_result(stdout: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(stdout.splitlines()[-1])
    return result


def test_answer_again_from_history(replaying_server: MatrixServer, hil_env: dict[str, str]) -> None:
    """The matrix's `ask` graph (asks the location, then the weather node reads it):
    answered "Paris", listed, answered again at its checkpoint with "Lisbon"."""
    env = {**hil_env, "HIL_URL": replaying_server.url}
    first = run_hil(env, "run", "hi", "-a", "ask", "--json")
    assert first.returncode == 3, first.stderr
    thread_id = last_result(first.stdout)["thread_id"]
    wrong = run_hil(env, "resume", thread_id, "--value", "Paris", "--json")
    assert wrong.returncode == 0, wrong.stderr
    assert last_result(wrong.stdout)["values"]["location"] == "Paris"

    listed = run_hil(env, "history", thread_id, "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert [item["step"] for item in items] == [2, 1, 0, -1]
    asked = [item for item in items if item["interrupts"]]
    assert len(asked) == 1 and asked[0]["next"] == ["ask_human"]
    assert asked[0]["interrupts"][0]["value"] == "Where are you located?"

    again = run_hil(
        env,
        "resume",
        thread_id,
        "--checkpoint",
        asked[0]["checkpoint_id"],
        "--value",
        "Lisbon",
        "--json",
    )
    assert again.returncode == 0, again.stderr
    assert last_result(again.stdout)["values"]["location"] == "Lisbon"
    after = json.loads(run_hil(env, "history", thread_id, "--json", "--limit", "100").stdout)
    ids = {item["checkpoint_id"] for item in after}
    assert {item["checkpoint_id"] for item in items} <= ids  # the old branch is kept
    assert "fork" in {item["source"] for item in after}
