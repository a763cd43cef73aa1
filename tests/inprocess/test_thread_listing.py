"""Thread listings show each waiting thread's question on every server, from recordings.

tests/recorded/servers/NAME.json (made by tests/record_servers.py) holds a real server's
`threads/search` page and each listed thread's state: `ask` waits for "Where are you
located?", `parallel` for two questions, `done` waits for nothing. Aegra's listing carries no
`interrupts`, so those questions come from the states; the older generations list id-less
interrupts keyed by task id.

Against the live servers, tests/test_matrix.py lists, shows and answers a waiting thread's
questions on all five servers (`threads`, `show`, `inbox --json`), and tests/test_threads_filter.py
pages `inbox -a` and `threads -a` on each of them.

Live counterparts:
- every waiting thread shows its question, the server's order kept; Aegra's questions read
  from the states; listed interrupts in the contract's shape under the keys `resume
  --interrupt-id` takes (old servers' id-less ones included):
  tests/test_matrix.py::test_threads_show_inbox_json_show_the_pending_question (all five,
  answers by the listed key), tests/test_threads_cli.py::test_threads_lists_the_waiting_question,
  tests/test_threads_filter.py::test_every_server_filters_by_assistant_and_pages;
- a thread paused at a breakpoint (`interrupts: {}`) is listed as interrupted with nothing
  to ask: tests/test_live_counterparts.py::
  test_a_thread_paused_at_a_breakpoint_is_listed_without_a_question;
- `get_states` leaves out a missing thread and reads many states:
  tests/test_threads_cli.py::test_client_reads_health_and_many_states_on_the_real_server.
No live proof: the bound on concurrent state reads (STATE_READS at once: a client-side
limit no server shows), a thread deleted between the listing and its state read (a race),
and interrupts listed twice (no server we run repeats one; those tests double a recorded
group by hand).
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from hilcli.client import STATE_READS, AgentClient
from hilcli.events import LOCAL_KEY_PREFIX, interrupts_from_state, interrupts_from_thread
from hilcli.threads import questions_need_state, summarize_page, thread_interrupts
from tests.support import RECORDED_DIR

SERVERS = ("aegra", "langhost", "langgraph_dev", "old02", "old04")
ASK = "Where are you located?"
PARALLEL = {"What is your favourite colour?", "What is your favourite food?"}


def recording(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((RECORDED_DIR / "servers" / f"{name}.json").read_text())
    return loaded


class RecordedStates:
    """Answers `get_states` from a recording and remembers what it was asked."""

    def __init__(self, states: dict[str, dict[str, Any]], gone: Sequence[str] = ()) -> None:
        self.states = states
        self.gone = set(gone)
        self.asked: list[list[str]] = []

    def get_states(self, thread_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        self.asked.append(list(thread_ids))
        return {tid: self.states[tid] for tid in thread_ids if tid not in self.gone}


@pytest.mark.parametrize("name", SERVERS)
def test_every_waiting_thread_shows_its_question(name: str) -> None:
    found = recording(name)
    reader = RecordedStates(found["states"])
    rows = {row.thread_id: row for row in summarize_page(found["threads_search"], reader)}
    ids = found["threads"]
    assert rows[ids["ask"]].status == "interrupted"
    assert rows[ids["ask"]].question == ASK
    assert rows[ids["parallel"]].question in PARALLEL
    values = {str(item["value"]) for item in rows[ids["parallel"]].interrupts}
    assert values == PARALLEL
    assert rows[ids["done"]].status == "idle"
    assert rows[ids["done"]].question == "" and rows[ids["done"]].interrupts == []
    assert rows[ids["ask"]].assistant == "ask"
    assert [row.thread_id for row in summarize_page(found["threads_search"], reader)] == [
        thread["thread_id"] for thread in found["threads_search"]
    ]  # the server's order is kept


def test_aegra_lists_no_interrupts_so_the_waiting_threads_states_are_read_once() -> None:
    found = recording("aegra")
    assert all("interrupts" not in thread for thread in found["threads_search"])
    reader = RecordedStates(found["states"])
    rows = summarize_page(found["threads_search"], reader)
    ids = found["threads"]
    assert len(reader.asked) == 1  # the page at once
    assert sorted(reader.asked[0]) == sorted([ids["ask"], ids["parallel"]])  # not the idle one
    ask = next(row for row in rows if row.thread_id == ids["ask"])
    state_id = found["states"][ids["ask"]]["interrupts"][0]["id"]
    assert ask.interrupts[0]["id"] == state_id
    assert ask.interrupts[0]["node"] == "ask_human"
    assert ask.to_json()["interrupts"][0]["value"] == ASK


@pytest.mark.parametrize("name", ["langhost", "langgraph_dev", "old02", "old04"])
def test_listings_that_carry_interrupts_read_no_state(name: str) -> None:
    found = recording(name)
    reader = RecordedStates(found["states"])
    summarize_page(found["threads_search"], reader)
    assert reader.asked == []
    assert not any(questions_need_state(thread) for thread in found["threads_search"])


def test_a_thread_deleted_since_the_listing_keeps_its_line_without_a_question() -> None:
    found = recording("aegra")
    ids = found["threads"]
    reader = RecordedStates(found["states"], gone=[ids["ask"]])
    rows = {row.thread_id: row for row in summarize_page(found["threads_search"], reader)}
    assert rows[ids["ask"]].question == "" and rows[ids["ask"]].status == "interrupted"
    assert rows[ids["parallel"]].question in PARALLEL


@pytest.mark.parametrize("name", ["old02", "old04"])
def test_old_servers_id_less_interrupts_keyed_by_task_are_listed(name: str) -> None:
    found = recording(name)
    listed = {thread["thread_id"]: thread for thread in found["threads_search"]}
    parallel = listed[found["threads"]["parallel"]]
    assert isinstance(parallel["interrupts"], dict)  # keyed by task id
    items = thread_interrupts(parallel)
    assert {item.value for item in items} == PARALLEL
    assert all(item.local_key and item.id.startswith(LOCAL_KEY_PREFIX) for item in items)
    assert {item.node for item in items} == {"ask_colour", "ask_food"}
    for item in items:  # what the server sent with it is kept
        assert item.when == "during" and item.resumable is True and item.server_ns
        assert item.task_id in parallel["interrupts"]
    ask = thread_interrupts(listed[found["threads"]["ask"]])
    assert [item.value for item in ask] == [ASK]


CONTRACT = {"id", "key", "value", "response_schema", "ns", "node"}
ID_LESS = {"server_ns", "when", "resumable"}


@pytest.mark.parametrize("name", SERVERS)
def test_listed_interrupts_have_the_states_keys_and_the_contract_shape(name: str) -> None:
    """Every listed thread's interrupts, from the listing or (Aegra) the state, are the
    contract's objects under the keys the state gives: `hil resume --interrupt-id KEY` takes a
    key read from `hil threads --json`."""
    found = recording(name)
    rows = summarize_page(found["threads_search"], RecordedStates(found["states"]))
    assert len(rows) == 3
    for row in rows:
        from_state = interrupts_from_state(found["states"][row.thread_id])
        listed = row.to_json()["interrupts"]
        # the same keys, each once (the listing's map may order tasks differently)
        assert sorted(item["key"] for item in listed) == sorted(item.id for item in from_state)
        by_key = {item.id: item for item in from_state}
        for item in listed:
            state_item = by_key[item["key"]]
            assert item["value"] == state_item.value
            if state_item.local_key:  # id-less: the node and path are in what the server sent
                assert set(item) == CONTRACT | ID_LESS
                assert item["id"] is None
                assert (item["ns"], item["node"]) == (list(state_item.ns), state_item.node)
                assert item["server_ns"] == list(state_item.server_ns or ())
            else:
                assert set(item) == CONTRACT
                assert item["id"] == item["key"] == state_item.id
    waiting = [row for row in rows if row.interrupts]
    assert len(waiting) == 2  # `ask` and `parallel`; `done` lists nothing


@pytest.mark.parametrize("name", ["old02", "old04"])
def test_id_less_interrupts_without_ns_are_keyed_by_task_as_in_the_state(name: str) -> None:
    """An id-less interrupt without its own `ns` is keyed by its task and place, in the
    listing as in the state (the recordings with `ns` left out of every interrupt)."""
    found = recording(name)
    thread_id = found["threads"]["parallel"]
    thread = next(t for t in found["threads_search"] if t["thread_id"] == thread_id)
    listing = {
        task: [{k: v for k, v in item.items() if k != "ns"} for item in group]
        for task, group in thread["interrupts"].items()
    }
    state = copy.deepcopy(found["states"][thread_id])
    for task in state["tasks"]:
        task["interrupts"] = [{k: v for k, v in i.items() if k != "ns"} for i in task["interrupts"]]
    listed = interrupts_from_thread(listing)
    from_state = interrupts_from_state(state)
    assert sorted(item.id for item in listed) == sorted(item.id for item in from_state)
    assert {item.id for item in listed} == {f"{LOCAL_KEY_PREFIX}{task}#0" for task in listing}
    assert all(not item.server_ns and item.task_id for item in listed)


@pytest.mark.parametrize("generation", ["legacy02", "legacy04"])
def test_an_empty_interrupts_is_an_answer_not_an_omission(generation: str) -> None:
    """A thread paused at a breakpoint is `interrupted` with `interrupts: {}` (recorded from
    the old servers): nothing to ask, no state to read. Aegra's listing leaves `interrupts`
    out: its interrupted threads need their states, its idle one does not."""
    paused = json.loads(
        (RECORDED_DIR / "legacy" / f"{generation}_breakpoint_first.thread.json").read_text()
    )
    assert paused["status"] == "interrupted" and paused["interrupts"] == {}
    assert not questions_need_state(paused)
    found = recording("aegra")
    listed = {thread["thread_id"]: thread for thread in found["threads_search"]}
    assert questions_need_state(listed[found["threads"]["ask"]])
    assert listed[found["threads"]["done"]]["status"] == "idle"
    assert not questions_need_state(listed[found["threads"]["done"]])


def test_interrupts_repeated_by_id_are_listed_once() -> None:
    found = recording("langhost")
    thread = next(t for t in found["threads_search"] if t["thread_id"] == found["threads"]["ask"])
    (group,) = thread["interrupts"].values()
    doubled = {**thread, "interrupts": {"a": group, "b": group}}
    assert thread_interrupts(doubled) == thread_interrupts(thread)
    assert len(thread_interrupts(thread)) == 1


@pytest.mark.parametrize("name", ["old02", "old04"])
def test_id_less_interrupts_repeated_by_key_are_listed_once(name: str) -> None:
    found = recording(name)
    thread = next(t for t in found["threads_search"] if t["thread_id"] == found["threads"]["ask"])
    (group,) = thread["interrupts"].values()
    doubled = {**thread, "interrupts": {**thread["interrupts"], "other": group}}
    assert thread_interrupts(doubled) == thread_interrupts(thread)
    assert [item.value for item in thread_interrupts(doubled)] == [ASK]


def replaying_states(
    states: dict[str, dict[str, Any]], barrier: threading.Barrier | None = None
) -> tuple[httpx.MockTransport, list[int]]:
    """A transport answering `GET /threads/{id}/state` from a recording; counts concurrency."""
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most seen

    def handler(request: httpx.Request) -> httpx.Response:
        thread_id = request.url.path.split("/")[2]
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        try:
            if barrier is not None:
                barrier.wait()
            if thread_id not in states:
                return httpx.Response(404, json={"detail": f"Thread {thread_id} not found"})
            return httpx.Response(200, json=states[thread_id])
        finally:
            with lock:
                in_flight[0] -= 1

    return httpx.MockTransport(handler), in_flight


def test_get_states_reads_a_page_concurrently_and_bounded() -> None:
    recorded = recording("aegra")["states"]
    sample = next(iter(recorded.values()))
    states = {f"thread-{n}": {**sample, "n": n} for n in range(2 * STATE_READS)}
    # The barrier lets requests through only STATE_READS at a time: a client reading fewer at
    # once would never fill it (BrokenBarrierError after its timeout fails the test).
    barrier = threading.Barrier(STATE_READS, timeout=30)
    transport, in_flight = replaying_states(states, barrier)
    with AgentClient("http://server.test", transport=transport) as client:
        found = client.get_states(list(states))
    assert found == states
    assert in_flight[1] == STATE_READS


def test_get_states_leaves_out_deleted_threads_and_reads_each_once() -> None:
    recorded = recording("aegra")["states"]
    transport, _ = replaying_states(recorded)
    wanted = [*recorded, "gone", next(iter(recorded))]
    with AgentClient("http://server.test", transport=transport) as client:
        found = client.get_states(wanted)
        assert found == recorded
        assert client.get_states([]) == {}
