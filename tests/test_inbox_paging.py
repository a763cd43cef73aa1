"""`hil inbox` at scale: the assistant filter on the server, pages of `--limit N`, n/p keys.

Assistant A (graph `ask`, 5 waiting threads) and B (graph `no_messages`, 3) are made for this
module; `--limit 2` makes three pages of A's. `--json` lists them all, one search per page
(counted from `--debug`'s protocol lines) and no state read (`langgraph dev` lists the
questions with the threads). In a terminal, `n` and `p` move between the pages, and a thread
picked on the third page is answered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pexpect
import pytest

from hilcli.client import AgentClient
from hilcli.inbox import waiting_query, waiting_threads
from hilcli.threads import iter_pages
from tests.hilterm import pty_session, strip_ansi
from tests.paging_support import Waiting, ids_in, new_waiting, protocol_lines, waiting_on
from tests.support import get_state, get_thread, run_hil


@pytest.fixture(scope="module")
def owners(server_url: str) -> Iterator[tuple[Waiting, Waiting]]:
    """Assistant A (graph `ask`) with 5 waiting threads, B (`no_messages`) with 3."""
    with httpx.Client(base_url=server_url, timeout=60) as http:
        first = waiting_on(http, "ask", {"messages": []}, 5)
        second = waiting_on(http, "no_messages", {"topic": "inbox paging"}, 3)
        yield first, second


def test_inbox_json_lists_every_waiting_thread_of_one_assistant_a_page_per_request(
    owners: tuple[Waiting, Waiting], server_url: str, hil_env: dict[str, str]
) -> None:
    first, second = owners
    args = ["inbox", "--url", server_url, "-a", first.assistant_id, "--limit", "2"]
    result = run_hil(hil_env, *args, "--json", "--debug")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["thread_id"] for row in rows].count(rows[0]["thread_id"]) == 1
    assert {row["thread_id"] for row in rows} == first.threads  # all of A, more than a page
    assert len(rows) == len(first.threads)
    assert all(row["interrupts"][0]["value"] == "What is your name?" for row in rows)
    assert protocol_lines(result.stderr, "POST", "/threads/search") == 3  # 2 + 2 + 1
    assert protocol_lines(result.stderr, "GET", "/state") == 0

    other = run_hil(hil_env, "inbox", "--url", server_url, "-a", second.assistant_id, "--json")
    assert {row["thread_id"] for row in json.loads(other.stdout)} == second.threads


def page_of(child: pexpect.spawn, number: int) -> list[str]:
    """The thread ids listed above the `Page N` line, up to the `inbox>` prompt."""
    child.expect(rf"Page {number} \(")
    listed = ids_in(strip_ansi(child.before))
    child.expect("inbox>")
    return listed


def test_the_interactive_inbox_pages_with_n_and_p_and_answers_from_a_later_page(
    owners: tuple[Waiting, Waiting], server_url: str, hil_env: dict[str, str]
) -> None:
    first, second = owners
    hil_env["HIL_URL"] = server_url
    with pty_session(["inbox", "-a", first.assistant_id, "--limit", "2"], hil_env) as child:
        one = page_of(child, 1)
        child.sendline("n")
        two = page_of(child, 2)
        child.sendline("n")
        three = page_of(child, 3)
        child.sendline("n")
        child.expect("This is the last page.")
        child.sendline("p")
        again = page_of(child, 2)
        child.sendline("p")
        assert page_of(child, 1) == one
        child.sendline("p")
        child.expect("This is the first page.")
        child.sendline("n")
        assert page_of(child, 2) == two
        child.sendline("n")
        assert page_of(child, 3) == three
        child.sendline("1")  # the first (only) thread of the last page
        child.expect(re.escape(three[0]))  # its header
        child.expect("What is your name\\?")
        child.expect("answer>")
        child.sendline("Ada")
        child.expect(f"thread {three[0]} finished")
        child.expect("inbox>")
        child.sendline("q")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0
    assert (len(one), len(two), len(three)) == (2, 2, 1)
    assert again == two
    assert set(one) | set(two) | set(three) == first.threads  # every one of A's, once
    assert not (set(one) | set(two) | set(three)) & second.threads
    with httpx.Client(base_url=server_url, timeout=30) as http:
        assert get_thread(http, three[0])["status"] == "idle"
        assert get_state(http, three[0])["values"]["name"] == "Ada"


def test_a_thread_that_starts_waiting_between_two_pages_pushes_none_out_and_none_twice(
    owners: tuple[Waiting, Waiting], server_url: str
) -> None:
    """Newest first, the order moves under a reader: a thread that starts waiting after page
    1 was read pushes every other one back by one, so page 2 begins with page 1's last
    thread. It is listed once, and nothing is skipped."""
    first, _ = owners
    owner = {"assistant_id": first.assistant_id}
    with AgentClient(server_url) as client, httpx.Client(base_url=server_url, timeout=60) as http:
        before = [row.thread_id for row in waiting_threads(client, owner)]
        assert len(before) >= 3
        pages = iter_pages(client, waiting_query(owner), 2)
        seen = [row.thread_id for row in next(pages).rows]
        newcomer = new_waiting(http, first.assistant_id, {"messages": []})
        for page in pages:
            seen += [row.thread_id for row in page.rows]
        after = [row.thread_id for row in waiting_threads(client, owner)]
    assert after == [newcomer, *before]  # the newcomer is first: the others moved back one
    assert seen == before
