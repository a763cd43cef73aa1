"""How often the session reads a thread's state per pause, against the real server.

One read per pause on the normal path: the read that ended a run serves the stale-answer
check of answers made at once (rules, `--answer`); answers that took longer (a person) are
checked against a fresh read. `state_fresh_for` stands in for "at once" and "longer" so the
tests do not depend on how fast the machine is. On a server that refuses a second run on a
busy thread, hil's own busy check adds nothing per run.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from hilcli.client import AgentClient
from hilcli.errors import NothingToResume
from hilcli.events import PendingInterrupt, StreamEvent
from hilcli.session import RunOutcome, Session


class CountingClient(AgentClient):
    """The real client, counting the state and run-list reads it makes."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.reads: Counter[str] = Counter()

    def get_state(self, thread_id: str) -> dict[str, Any]:
        self.reads["state"] += 1
        return super().get_state(thread_id)

    def list_runs(self, thread_id: str, status: str | None = None, limit: int = 10) -> list[Any]:
        self.reads["runs"] += 1
        return super().list_runs(thread_id, status, limit)

    def get_thread(self, thread_id: str) -> dict[str, Any]:
        self.reads["thread"] += 1
        return super().get_thread(thread_id)

    def info(self) -> Any:
        self.reads["info"] += 1
        return super().info()


class Answering:
    """A terminal that answers every question with `answer` and can do one thing meanwhile."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked: list[PendingInterrupt] = []
        self.meanwhile: Any = None

    def run_started(self) -> None:
        pass

    def show_event(self, event: StreamEvent) -> None:
        pass

    def run_finished(self, outcome: RunOutcome) -> None:
        pass

    def notice(self, message: str) -> None:
        pass

    def ask(self, interrupt: PendingInterrupt, *, index: int, total: int, draft: Any) -> Any:
        self.asked.append(interrupt)
        if self.meanwhile is not None:
            self.meanwhile()
        return self.answer

    def ask_continue(self, outcome: RunOutcome) -> bool:
        return False


def session(server_url: str, terminal: Answering, fresh_for: float) -> Session:
    client = CountingClient(server_url)
    chat = Session(client, "loop", terminal, stream_modes=["updates", "values"])
    chat.state_fresh_for = fresh_for
    return chat


@pytest.mark.parametrize(("fresh_for", "reads"), [(3600.0, 4), (0.0, 7)])
def test_answers_made_at_once_cost_one_state_read_per_pause(
    server_url: str, fresh_for: float, reads: int
) -> None:
    terminal = Answering("yes")
    chat = session(server_url, terminal, fresh_for)
    with chat.client:
        outcome = chat.converse(chat.run(input={"n": 3}))
        assert outcome.status == "done", outcome
        assert len(terminal.asked) == 3
        counting = chat.client
        assert isinstance(counting, CountingClient)
        # 4 runs (first + 3 resumes), each ended by one read; a re-check adds one per answer.
        # The server refuses a second run on a busy thread itself (409), so hil's own check
        # costs one `/info` per session and no read of the thread per run.
        assert counting.reads == Counter({"state": reads, "info": 1})
        assert outcome.values["answers"] == ["yes", "yes", "yes"]


def test_an_answer_that_took_time_is_checked_against_a_fresh_read(
    server_url: str, http: httpx.Client
) -> None:
    """Someone else answers while the person types: nothing is sent, as before."""
    terminal = Answering("mine")
    chat = session(server_url, terminal, 0.0)

    def someone_else_answers() -> None:
        pending = http.get(f"/threads/{chat.thread_id}/state").json()["interrupts"]
        body = {"assistant_id": "loop", "command": {"resume": {pending[0]["id"]: "theirs"}}}
        http.post(f"/threads/{chat.thread_id}/runs/wait", json=body).raise_for_status()

    terminal.meanwhile = someone_else_answers
    with chat.client:
        first = chat.run(input={"n": 2})
        with pytest.raises(NothingToResume):
            chat.converse(first)
    values = http.get(f"/threads/{chat.thread_id}/state").json()["values"]
    assert values["answers"] == ["theirs"]
