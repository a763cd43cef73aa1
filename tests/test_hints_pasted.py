"""Every hint that is a command works when pasted (issue 16, point 4), on the real server.

The suite's server never listens on hil's default URL, so a hint that leaves out `--url`
(or the `--config`/`--profile` that name the server) fails when run: each test takes the
command a hint printed, splits it as a shell would (`shlex.split`), runs it, and checks that
it did what the hint says. Hints name real thread and interrupt ids, never placeholders.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import httpx
import pexpect

from tests.hilterm import pty_session
from tests.support import create_thread, get_state, run_hil
from tests.test_ctrl_c import LONG_RUN, active_runs, wait_for_active_run


def pasted(hint: str) -> list[str]:
    """The arguments of a hinted `hil ...` command as a shell would split it, `hil` dropped.

    A resume hint ends in alternatives (`--approve | --reject`): the first one is taken.
    """
    words = shlex.split(hint.split(" | ")[0])
    assert words[0] == "hil", hint
    return words[1:]


def answer_hint(stdout: str) -> str:
    """The command after `answer with:`, on one line."""
    found = re.search(r"^answer with: (.+)$", stdout, re.M)
    assert found, stdout
    return found.group(1)


def backticked(text: str) -> list[str]:
    """The `hil ...` commands quoted in backticks in `text`."""
    return re.findall(r"`(hil [^`]+)`", text)


def thread_of(stdout: str) -> str:
    found = re.search(r"waiting for input on thread (\S+)", stdout)
    assert found, stdout
    return found.group(1)


def pending_ids(http: httpx.Client, thread_id: str) -> set[str]:
    state = get_state(http, thread_id, subgraphs=True)
    return {item["id"] for item in state.get("interrupts") or []}


def test_the_answer_hint_carries_the_url_and_answers_when_pasted(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "ask", "hi")
    assert first.returncode == 3, first.stderr
    hint = answer_hint(first.stdout)
    thread_id = thread_of(first.stdout)
    assert thread_id in hint and "THREAD" not in hint and " ID " not in hint
    args = pasted(hint)
    assert args[:2] == ["resume", thread_id]
    done = run_hil(hil_env, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    # `--value TEXT` as printed answers with the word TEXT: the hint reached this server.
    assert get_state(http, thread_id)["values"]["name"] == "TEXT"


def test_several_pending_the_hint_names_a_real_interrupt_id(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "parallel", "hi")
    assert first.returncode == 3, first.stderr
    thread_id = thread_of(first.stdout)
    before = pending_ids(http, thread_id)
    assert len(before) == 2
    args = pasted(answer_hint(first.stdout))
    chosen = args[args.index("--interrupt-id") + 1]
    assert chosen in before
    second = run_hil(hil_env, *args)
    assert second.returncode == 3, second.stdout + second.stderr  # the other one still waits
    assert pending_ids(http, thread_id) == before - {chosen}


def test_a_review_hint_approves_when_pasted(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "approval", "mail bob@example.com")
    assert first.returncode == 3, first.stderr
    args = pasted(answer_hint(first.stdout))
    assert "--approve" in args
    done = run_hil(hil_env, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Email sent to bob@example.com" in done.stdout


def test_config_and_profile_typed_are_in_the_hint(
    tmp_path: Path, http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    """The server is named only by a profile of a config file given with --config (in a
    directory whose name needs quoting): the pasted hint must carry both."""
    folder = tmp_path / "my configs"
    folder.mkdir()
    config = folder / "hil config.toml"
    config.write_text(f'[profiles.suite]\nurl = "{server_url}"\n', encoding="utf-8")
    first = run_hil(hil_env, "run", "--config", str(config), "-p", "suite", "-a", "ask", "hi")
    assert first.returncode == 3, first.stderr
    hint = answer_hint(first.stdout)
    assert "--url" not in hint  # the profile names it: the flags typed are repeated, no more
    args = pasted(hint)
    assert args[args.index("--config") + 1] == str(config)
    done = run_hil(hil_env, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert get_state(http, thread_of(first.stdout))["values"]["name"] == "TEXT"


def test_a_refused_answer_points_to_show_json_that_works_when_pasted(
    server_url: str, hil_env: dict[str, str]
) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "form", "book a room")
    assert first.returncode == 3, first.stderr
    thread_id = thread_of(first.stdout)
    wrong = run_hil(
        hil_env, "resume", thread_id, "--url", server_url, "--value-json", '{"nights": "x"}'
    )
    assert wrong.returncode == 2, wrong.stdout + wrong.stderr
    [command] = backticked(wrong.stderr)
    shown = run_hil(hil_env, *pasted(command))
    assert shown.returncode == 0, shown.stderr
    document: Any = json.loads(shown.stdout)
    assert thread_id in shown.stdout and document


def test_not_found_hint_lists_threads_on_this_server(
    server_url: str, hil_env: dict[str, str]
) -> None:
    missing = run_hil(hil_env, "show", "00000000-0000-0000-0000-000000000000", "--url", server_url)
    assert missing.returncode == 4, missing.stderr
    [command] = backticked(missing.stderr)
    listed = run_hil(hil_env, *pasted(command))
    assert listed.returncode == 0, listed.stderr


def test_a_busy_thread_is_said_in_our_words_and_the_attach_hint_joins_the_run(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    thread_id = create_thread(http)
    response = http.post(
        f"/threads/{thread_id}/runs",
        json={
            "assistant_id": "many_events",
            "input": json.loads(LONG_RUN),
            "stream_mode": ["values", "updates", "messages-tuple", "custom"],
            "stream_resumable": True,
        },
    )
    response.raise_for_status()
    wait_for_active_run(http, thread_id)
    try:
        busy = run_hil(
            hil_env, "run", "--thread", thread_id, "--url", server_url, "-a", "many_events", "x"
        )
        assert busy.returncode == 1, busy.stdout + busy.stderr
        assert "multitask" not in busy.stderr and "strategy" not in busy.stderr
        assert f"Thread {thread_id} is busy" in busy.stderr
        [command] = backticked(busy.stderr)
        args = pasted(command)
        assert args[:2] == ["attach", thread_id]
        # (--stream-mode custom only shows the run's progress, to press Ctrl-C while it streams)
        with pty_session([*args, "--stream-mode", "custom"], hil_env) as child:
            child.expect("Joined run")
            child.expect(r'"i": \d+')
            child.sendintr()  # Ctrl-C in attach cancels the run, as the hint says
            child.expect("Cancelled the run")
            child.expect("you>")
            child.sendline("/quit")
            child.expect(pexpect.EOF)
        assert active_runs(http, thread_id) == []
    finally:
        for run in active_runs(http, thread_id):
            http.post(f"/threads/{thread_id}/runs/{run['run_id']}/cancel", params={"wait": "1"})


def test_chat_left_at_a_question_hints_a_chat_that_asks_it_again(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    left = run_hil(hil_env, "chat", "--url", server_url, "-a", "ask", input="hi\n")
    assert left.returncode == 0, left.stderr
    chat_hint = next(c for c in backticked(left.stderr) if c.startswith("hil chat"))
    args = pasted(chat_hint)
    thread_id = args[args.index("--thread") + 1]
    again = run_hil(hil_env, *args, input="Ada\n")
    assert again.returncode == 0, again.stderr
    assert get_state(http, thread_id)["values"]["name"] == "Ada"


def test_history_older_line_pages_on_this_server(server_url: str, hil_env: dict[str, str]) -> None:
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "ask", "hi")
    assert first.returncode == 3, first.stderr
    thread_id = thread_of(first.stdout)
    page = run_hil(hil_env, "history", thread_id, "--url", server_url, "--limit", "1")
    assert page.returncode == 0, page.stderr
    found = re.search(r"^older: (hil history .+?) \(or a larger --limit\)$", page.stdout, re.M)
    assert found, page.stdout
    older = run_hil(hil_env, *pasted(found.group(1)))
    assert older.returncode == 0, older.stderr
    assert thread_id not in older.stderr and older.stdout.strip()


def test_chat_that_switched_assistants_hints_the_one_in_use(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    """`-a agent` was typed, then `/assistant ask`: the hint names `ask`, or the pasted chat
    would continue the thread with the wrong graph."""
    chat = ["chat", "--url", server_url, "-a", "agent"]
    left = run_hil(hil_env, *chat, input="/assistant ask\nhi\n")
    assert left.returncode == 0, left.stderr
    chat_hint = next(c for c in backticked(left.stderr) if c.startswith("hil chat"))
    args = pasted(chat_hint)
    assert args[args.index("-a") + 1] == "ask"
    thread_id = args[args.index("--thread") + 1]
    again = run_hil(hil_env, *args, input="Ada\n")
    assert again.returncode == 0, again.stderr
    assert get_state(http, thread_id)["values"]["name"] == "Ada"
