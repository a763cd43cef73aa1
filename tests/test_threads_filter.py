"""`hil threads -a NAME`: the assistant filter goes to the server, and listings are paged.

Two assistants made for this module (graphs `ask` and `no_messages`) each have threads
waiting; with `--page-size 3` (hidden, for tests) the listing takes several pages. The
requests are counted from `--debug`'s protocol lines: one search per page, no state read
(`langgraph dev` lists the questions with the threads).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from hilcli.errors import ExitStatus
from tests.matrix.drive import explain, hil, waiting_thread
from tests.matrix.servers import MatrixServer
from tests.paging_support import Waiting, ids_in, protocol_lines, waiting_on
from tests.support import run_hil

ASK = "What is your name?"


@pytest.fixture(scope="module")
def owners(server_url: str) -> Iterator[tuple[Waiting, Waiting]]:
    """Assistant A (graph `ask`) with 7 waiting threads, B (`no_messages`) with 4."""
    with httpx.Client(base_url=server_url, timeout=60) as http:
        first = waiting_on(http, "ask", {"messages": []}, 7)
        second = waiting_on(http, "no_messages", {"topic": "paging"}, 4)
        yield first, second


def test_an_assistants_threads_are_all_listed_a_page_per_request(
    owners: tuple[Waiting, Waiting], server_url: str, hil_env: dict[str, str]
) -> None:
    first, second = owners
    args = ["threads", "--url", server_url, "-a", first.assistant_id, "--limit", "100"]
    result = run_hil(hil_env, *args, "--page-size", "3", "--json", "--debug")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["thread_id"] for row in rows} == first.threads  # all of A
    assert len(rows) == len(first.threads)  # each once
    assert not {row["thread_id"] for row in rows} & second.threads  # none of B
    assert all(row["metadata"]["assistant_id"] == first.assistant_id for row in rows)
    assert all(row["assistant"] == "ask" for row in rows)
    assert all([item["value"] for item in row["interrupts"]] == [ASK] for row in rows)
    # 7 threads, 3 a page: 3 searches, each filtered by the server; no state read
    assert protocol_lines(result.stderr, "POST", "/threads/search") == 3
    assert protocol_lines(result.stderr, "GET", "/state") == 0
    stamps = [row["updated_at"] for row in rows]
    assert stamps == sorted(stamps, reverse=True)  # newest first, across pages


def test_limit_stops_mid_page_in_the_servers_order(
    owners: tuple[Waiting, Waiting], server_url: str, hil_env: dict[str, str]
) -> None:
    first, _ = owners
    base = ["threads", "--url", server_url, "-a", first.assistant_id, "--json", "--debug"]
    whole = json.loads(run_hil(hil_env, *base, "--limit", "100").stdout)
    part = run_hil(hil_env, *base, "--limit", "5", "--page-size", "3")
    assert part.returncode == 0, part.stderr
    assert [row["thread_id"] for row in json.loads(part.stdout)] == [
        row["thread_id"] for row in whole[:5]
    ]
    assert protocol_lines(part.stderr, "POST", "/threads/search") == 2


def test_a_graph_name_lists_the_threads_of_every_assistant_of_that_graph(
    owners: tuple[Waiting, Waiting], server_url: str, hil_env: dict[str, str]
) -> None:
    first, second = owners
    args = ["threads", "--url", server_url, "-a", "no_messages", "--status", "interrupted"]
    result = run_hil(hil_env, *args, "--limit", "1000", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    listed = {row["thread_id"] for row in rows}
    assert second.threads <= listed
    assert not listed & first.threads
    assert {row["assistant"] for row in rows} == {"no_messages"}
    assert {row["status"] for row in rows} == {"interrupted"}


def test_the_table_of_one_assistant(
    owners: tuple[Waiting, Waiting], server_url: str, hil_env: dict[str, str]
) -> None:
    first, second = owners
    args = ["threads", "--url", server_url, "-a", second.assistant_id, "--page-size", "3"]
    result = run_hil(hil_env, *args)
    assert result.returncode == 0, result.stderr
    shown = set(ids_in(result.stdout))
    assert shown == second.threads
    assert "Approve topic paging?" in result.stdout


def test_an_unknown_assistant_is_a_usage_error(server_url: str, hil_env: dict[str, str]) -> None:
    result = run_hil(hil_env, "threads", "--url", server_url, "-a", "nosuch", "--json")
    assert result.returncode == ExitStatus.USAGE
    assert "nosuch" in result.stderr and result.stdout == ""


# -- every server of the matrix ---------------------------------------------------------------


def test_every_server_filters_by_assistant_and_pages(
    matrix_server: MatrixServer, hil_env: dict[str, str]
) -> None:
    """On each server kind (protocol.md §9: Aegra's search lists no questions and takes at
    most 100 a page; the older generations; langhost on Postgres), `-a` is answered by the
    server and a page of one thread at a time lists every thread of that graph: the inbox
    with the questions (read from the states where the listing lacks them), `threads` too."""
    asking = {waiting_thread(matrix_server, hil_env, "weather?", "-a", "ask")[0] for _ in "ab"}
    other, _ = waiting_thread(matrix_server, hil_env, "go", "-a", "parallel")

    inbox = hil(matrix_server, hil_env, "inbox", "-a", "ask", "--limit", "1", "--json", "--debug")
    assert inbox.returncode == 0, explain(matrix_server, inbox)
    rows = json.loads(inbox.stdout)
    listed = [row["thread_id"] for row in rows]
    assert asking <= set(listed) and other not in listed, explain(matrix_server, inbox)
    assert len(listed) == len(set(listed))
    assert {row["assistant"] for row in rows} == {"ask"}
    for row in rows:
        if row["thread_id"] in asking:
            assert [item["value"] for item in row["interrupts"]] == ["Where are you located?"]
    assert protocol_lines(inbox.stderr, "POST", "/threads/search") >= len(rows)  # a page each
    if matrix_server.kind != "aegra":  # their listings carry the questions
        assert protocol_lines(inbox.stderr, "GET", "/state") == 0, explain(matrix_server, inbox)

    args = ("threads", "-a", "parallel", "--page-size", "1", "--limit", "1000", "--json")
    threads = hil(matrix_server, hil_env, *args)
    assert threads.returncode == 0, explain(matrix_server, threads)
    found = {row["thread_id"]: row for row in json.loads(threads.stdout)}
    assert other in found and not asking & set(found), explain(matrix_server, threads)
    assert {row["assistant"] for row in found.values()} == {"parallel"}
    assert len(found[other]["interrupts"]) == 2
