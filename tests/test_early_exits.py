"""No context lost on an early exit (issue 16, point 8), on the real server.

Once `hil run` has created a thread, every way out names it: an answer rule that does not
fit (exit 2) and Ctrl-C or Ctrl-D at an answer prompt (exit 130) say the thread id and a
`hil resume` command that works when pasted; with `--json` the `result` line is still the
last line on stdout, with the run id it knows (never `"run_id": null`).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import httpx
import pexpect
import pytest

from tests.hilterm import pty_session, strip_ansi
from tests.support import get_state, run_hil

#: A rule that matches the approval graph's review but answers it with a text: no review
#: answer, so it is refused before anything is sent.
MISFIT_RULE = '[[rule]]\ntool = "send_email"\ntext = "yes"\n'


def resume_args(text: str) -> list[str]:
    """The `hil resume ...` command printed in `text`, first alternative, `hil` dropped."""
    found = re.search(r"(hil resume .+?)(?: \||$)", text, re.M)
    assert found, text
    return shlex.split(found.group(1))[1:]


def pending_ids(http: httpx.Client, thread_id: str) -> set[str]:
    return {item["id"] for item in get_state(http, thread_id).get("interrupts") or []}


@pytest.fixture
def misfit_rules(tmp_path: Path) -> str:
    path = tmp_path / "rules.toml"
    path.write_text(MISFIT_RULE, encoding="utf-8")
    return str(path)


def test_a_rule_that_does_not_fit_names_the_thread_and_how_to_answer(
    http: httpx.Client, server_url: str, hil_env: dict[str, str], misfit_rules: str
) -> None:
    args = ["run", "--url", server_url, "-a", "approval", "--answers", misfit_rules]
    result = run_hil(hil_env, *args, "mail bob@example.com")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "does not fit" in result.stderr
    assert "Traceback" not in result.stderr
    command = resume_args(result.stderr)
    thread_id = command[1]
    assert f"thread {thread_id}" in result.stderr.lower()
    assert pending_ids(http, thread_id), "the thread waits on the server"
    answered = run_hil(hil_env, *command)  # `--approve`, pasted as printed
    assert answered.returncode == 0, answered.stdout + answered.stderr
    assert not pending_ids(http, thread_id)


def test_a_rule_that_does_not_fit_still_ends_json_with_the_result_line(
    http: httpx.Client, server_url: str, hil_env: dict[str, str], misfit_rules: str
) -> None:
    args = ["run", "--url", server_url, "-a", "approval", "--answers", misfit_rules, "--json"]
    result = run_hil(hil_env, *args, "mail bob@example.com")
    assert result.returncode == 2, result.stdout + result.stderr
    last = json.loads(result.stdout.splitlines()[-1])
    assert last["type"] == "result"
    assert last["status"] == "interrupted"
    assert last["run_id"]  # the run that asked is known
    first_event = json.loads(result.stdout.splitlines()[0])
    assert first_event["type"] == "metadata" and last["run_id"] == first_event["data"]["run_id"]
    assert [item["id"] for item in last["interrupts"]] == sorted(
        pending_ids(http, last["thread_id"])
    )
    assert last["thread_id"] in result.stderr  # and stderr says it too


def test_resume_result_line_has_the_run_id_when_no_rule_answers(
    tmp_path: Path, server_url: str, hil_env: dict[str, str]
) -> None:
    """`hil resume T --answers` with nothing to answer reports the pause it read: the run
    that asked is known from the thread's runs, so `run_id` is no null."""
    first = run_hil(hil_env, "run", "--url", server_url, "-a", "ask", "--json", "hi")
    assert first.returncode == 3, first.stderr
    asked = json.loads(first.stdout.splitlines()[-1])
    rules = tmp_path / "none.toml"
    rules.write_text('[[rule]]\nquestion = "nothing like this"\ntext = "x"\n', encoding="utf-8")
    args = ["resume", asked["thread_id"], "--url", server_url, "--answers", str(rules)]
    again = run_hil(hil_env, *args, "--json")
    assert again.returncode == 3, again.stdout + again.stderr
    last = json.loads(again.stdout.splitlines()[-1])
    assert last["type"] == "result" and last["status"] == "interrupted"
    assert last["run_id"] == asked["run_id"]


@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_leaving_a_run_prompt_names_the_thread_and_a_working_resume(
    key: str, http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    """`parallel` asks two questions: `--answer` takes the first, the second is asked at
    the terminal, where the person leaves."""
    args = ["run", "--url", server_url, "-a", "parallel", "--answer", "red", "hi"]
    with pty_session(args, hil_env) as child:
        child.expect("automatic")
        child.expect("answer>")
        child.send(key)
        child.expect(pexpect.EOF)
        output = strip_ansi(child.before or "")
    assert child.exitstatus == 130, output
    assert "Stopped; thread" in output
    command = resume_args(output)
    thread_id = command[1]
    chosen = command[command.index("--interrupt-id") + 1]
    before = pending_ids(http, thread_id)
    assert chosen in before and len(before) == 2  # nothing was sent
    answered = run_hil(hil_env, *command)
    assert answered.returncode == 3, answered.stdout + answered.stderr  # the other one waits
    assert pending_ids(http, thread_id) == before - {chosen}


def test_ctrl_c_while_a_run_streams_still_ends_json_with_the_result_line(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    args = ["run", "--url", server_url, "-a", "many_events", "--json", "--stream-mode", "custom"]
    args += ["--input-json", json.dumps({"count": 4000, "delay": 0.05})]
    with pty_session(args, hil_env) as child:
        child.expect(r'"i": ?3\b')
        child.sendintr()
        child.expect(pexpect.EOF)
        output = strip_ansi(child.before or "")
    assert child.exitstatus == 130, output
    # The terminal echoes the Ctrl-C as "^C" where the cursor stands (no newline): it is the
    # terminal's, not hil's output, which a pipe would not see.
    lines = [line.removeprefix("^C") for line in output.splitlines()]
    results = [line for line in lines if line.startswith('{"type": "result"')]
    assert len(results) == 1, output
    result = json.loads(results[0])
    assert result["run_id"] and result["thread_id"]
    assert f"Thread {result['thread_id']}" in output  # stderr names it too
    runs = http.get(f"/threads/{result['thread_id']}/runs").json()
    assert result["run_id"] == runs[0]["run_id"]
    assert all(run["status"] not in ("pending", "running") for run in runs)


def test_a_stream_that_breaks_still_names_the_thread(
    http: httpx.Client, server_url: str, hil_env: dict[str, str]
) -> None:
    """A reply that is no JSON mid-run (through a rewriting proxy): exit 1, its one or two
    lines, and the thread the run was on, which exists on the server."""
    from tests.proxy import FaultProxy

    rewrite = [(b'data: {"i":3}', b'data: {"i":3]')]
    args = ["-a", "many_events", "--input-json", '{"count": 5}', "--stream-mode", "custom"]
    with FaultProxy(server_url, rewrites=rewrite) as proxy:
        result = run_hil(hil_env, "run", "--url", proxy.url, *args)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) <= 2 and "not JSON" in lines[0], result.stderr
    found = re.search(r"Thread (\S+)\.$", result.stderr.strip())
    assert found, result.stderr
    assert http.get(f"/threads/{found.group(1)}").status_code == 200
