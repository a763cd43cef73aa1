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
