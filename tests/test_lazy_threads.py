"""No thread is created for nothing (issue 16, point 7), counted on a server nobody else uses.

`hil demo` starts its own server: the threads it holds are exactly the ones these commands
created, so "no thread" is an exact count (the suite's shared server has other tests writing
to it at the same time). In the demo's chat, opened in a pty: opening it, `/new`, `/state`,
`/thread`, `/answer` and `/assistant` create nothing; the first message does. Meanwhile, from
outside, `hil run`/`hil chat` with an assistant the server lacks or a stream mode that does
not exist exit 2 with the names that would work, and create nothing either.
"""

from __future__ import annotations

import re

import httpx
import pexpect

from tests.hilterm import spawn_hil
from tests.support import run_hil

THREAD_ID = re.compile(r"New thread ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def thread_ids(http: httpx.Client) -> list[str]:
    """Every thread on the server."""
    response = http.post("/threads/search", json={"limit": 1000})
    response.raise_for_status()
    return [thread["thread_id"] for thread in response.json()]


def refused(env: dict[str, str], url: str, *args: str) -> str:
    """`hil ARGS --url URL` exits 2 with a one- or two-line message (no traceback, no 422
    dump); its stderr."""
    result = run_hil(env, *args, "--url", url, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "422" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
    return result.stderr


def test_threads_are_created_by_the_first_message_and_never_for_a_refused_command(
    hil_env: dict[str, str],
) -> None:
    child = spawn_hil(["demo"], hil_env, timeout=120)
    try:
        child.expect(r"Server ready at (http://127\.0\.0\.1:\d+)\.")
        url = child.match.group(1)
        # The banner points at /assistant, not at another terminal.
        child.expect(r"The other graphs: type /assistant approval \(or /assistant form\)")
        child.expect("assistant agent · new thread")
        child.expect("you>")
        child.timeout = 60
        with httpx.Client(base_url=url, timeout=30) as http:
            assert thread_ids(http) == []

            # Commands that need no thread create none, and say there is none yet.
            for command, said in [
                ("/thread", "No thread yet: your first message creates it"),
                ("/state", "No thread yet"),
                ("/answer", "Nothing is waiting for an answer"),
                ("/new", "New thread: it starts with your next message"),
                ("/assistant", r"\* agent +graph agent"),
                ("/assistant approval", "Assistant approval: a new thread starts"),
            ]:
                child.sendline(command)
                child.expect(said)
                child.expect("you>")
            assert thread_ids(http) == []

            # Checked before anything is created: the assistant and the stream modes.
            for command in (["run", "hi"], ["chat"]):
                stderr = refused(hil_env, url, *command, "-a", "agnet")
                assert "'agnet'" in stderr and "agent, approval, form" in stderr, stderr
                stderr = refused(hil_env, url, *command, "-a", "agent", "--stream-mode", "bogus")
                assert "'bogus'" in stderr and "messages-tuple" in stderr, stderr
            assert thread_ids(http) == []

            # The first message creates the thread, and says its id.
            child.sendline("email bob@example.com about lunch")
            child.expect(THREAD_ID)
            first = child.match.group(1)
            child.expect("approve / edit / reject / respond")
            child.sendline("approve")
            child.expect("send_email: done")
            child.expect("you>")
            assert thread_ids(http) == [first]

            # A valid `hil run` creates exactly one (so the counts above could fail).
            ok = run_hil(hil_env, "run", "-a", "agent", "hello", "--url", url, timeout=60)
            assert ok.returncode == 0, ok.stderr
            assert len(thread_ids(http)) == 2
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
