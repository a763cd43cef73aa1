"""`hil run` / `hil resume` answering every interrupt shape, against the real server.

Review requests with `--approve` / `--reject [--message]`, anything with `--value-json`,
one of several with `--interrupt-id`; refusals (several pending, a value off the schema,
a decision the request does not allow) exit 2 and send nothing.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import httpx

from tests.support import run_hil as hil

MAIL_AND_DELETE = "Mail bob@example.com and delete the report"


def result_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The final `result` object of a `--json` run."""
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert result["type"] == "result"
    return result


def start(env: dict[str, str], url: str, graph: str, message: str = "go") -> dict[str, Any]:
    """`hil run` on `graph`; it must stop at interrupts (exit 3). Returns the result."""
    done = hil(env, "run", message, "-a", graph, "--url", url, "--json")
    assert done.returncode == 3, done.stderr
    return result_of(done)


def resume(
    env: dict[str, str], url: str, thread_id: str, *args: str
) -> subprocess.CompletedProcess[str]:
    return hil(env, "resume", thread_id, *args, "--url", url, "--json")


def messages(result: dict[str, Any]) -> list[str]:
    return [str(m.get("content")) for m in result["values"]["messages"]]


def runs_of(http: httpx.Client, thread_id: str) -> list[str]:
    return sorted(run["run_id"] for run in http.get(f"/threads/{thread_id}/runs").json())


# -- HITL middleware, batched ----------------------------------------------------------------


def test_batched_approve_runs_every_tool(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "approval", MAIL_AND_DELETE)
    (interrupt,) = first["interrupts"]
    assert [a["name"] for a in interrupt["value"]["action_requests"]] == [
        "send_email",
        "delete_file",
    ]
    done = resume(hil_env, server_url, first["thread_id"], "--approve")
    assert done.returncode == 0, done.stderr
    final = result_of(done)
    assert final["status"] == "done"
    assert "send_email: done: Email sent to bob@example.com" in messages(final)[-1]
    assert "delete_file: done: Deleted /tmp/report.txt." in messages(final)[-1]


def test_run_shows_how_to_answer_a_review(server_url: str, hil_env: dict[str, str]) -> None:
    done = hil(hil_env, "run", MAIL_AND_DELETE, "-a", "approval", "--url", server_url)
    assert done.returncode == 3, done.stderr
    assert "send_email" in done.stdout
    assert "--approve | --reject [--message M]" in done.stdout


def test_batched_reject_with_message(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "approval", MAIL_AND_DELETE)
    done = resume(hil_env, server_url, first["thread_id"], "--reject", "--message", "not today")
    assert done.returncode == 0, done.stderr
    report = messages(result_of(done))[-1]
    assert "send_email: not run: User rejected the tool call for `send_email`" in report
    assert "with reason: not today" in report
    assert "delete_file: not run" in report


# -- HITL middleware, per call ---------------------------------------------------------------


def test_per_call_several_pending_needs_an_id(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    first = start(hil_env, server_url, "approval_per_call", MAIL_AND_DELETE)
    thread_id = first["thread_id"]
    send, delete = first["interrupts"]
    assert (send["value"]["name"], delete["value"]["name"]) == ("send_email", "delete_file")
    runs_before = runs_of(http, thread_id)

    refused = resume(hil_env, server_url, thread_id, "--approve")
    assert refused.returncode == 2
    assert "2 interrupts are pending on thread" in refused.stderr
    assert "pick one with --interrupt-id" in refused.stderr
    assert f"{send['id']} (tools: review send_email)" in refused.stderr
    assert f"{delete['id']} (tools: review delete_file)" in refused.stderr
    assert runs_of(http, thread_id) == runs_before

    one = resume(hil_env, server_url, thread_id, "--interrupt-id", send["id"], "--approve")
    assert one.returncode == 3, one.stderr
    assert [i["id"] for i in result_of(one)["interrupts"]] == [delete["id"]]

    other = resume(
        hil_env,
        server_url,
        thread_id,
        "--interrupt-id",
        delete["id"],
        "--reject",
        "--message",
        "keep it",
    )
    assert other.returncode == 0, other.stderr
    report = messages(result_of(other))[-1]
    assert "send_email: done: Email sent to bob@example.com" in report
    assert (
        "delete_file: not run: User rejected the tool call for `delete_file` with reason: keep it"
        in report
    )


def test_per_call_edit_checked_against_the_tool_schema(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    first = start(hil_env, server_url, "approval_per_call", "Mail bob@example.com please")
    thread_id = first["thread_id"]
    (send,) = first["interrupts"]
    runs_before = runs_of(http, thread_id)

    bad = {"type": "edit", "edited_action": {"name": "send_email", "args": {"to": 3}}}
    refused = resume(hil_env, server_url, thread_id, "--value-json", json.dumps(bad))
    assert refused.returncode == 2
    assert "does not fit the interrupt's schema" in refused.stderr
    assert "Nothing was sent" in refused.stderr
    assert runs_of(http, thread_id) == runs_before

    args = {"to": "carol@example.com", "subject": "Hi", "body": "edited"}
    good = {"type": "edit", "edited_action": {"name": "send_email", "args": args}}
    done = resume(hil_env, server_url, thread_id, "--value-json", json.dumps(good))
    assert done.returncode == 0, done.stderr
    assert "Email sent to carol@example.com with subject 'Hi'" in messages(result_of(done))[-1]


def test_decision_not_allowed_exits_2(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    first = start(hil_env, server_url, "inbox_single")
    runs_before = runs_of(http, first["thread_id"])
    refused = resume(hil_env, server_url, first["thread_id"], "--reject")
    assert refused.returncode == 2
    # Said in the flags' words: no `ignore`, a decision the person never typed (issue 12).
    assert "--reject needs --message M here: run_command takes a reply" in refused.stderr
    assert "ignore" not in refused.stderr
    assert runs_of(http, first["thread_id"]) == runs_before


# -- Agent Inbox -----------------------------------------------------------------------------


def test_inbox_list_approve_and_reject(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "inbox")
    assert isinstance(first["interrupts"][0]["value"], list)
    done = resume(hil_env, server_url, first["thread_id"], "--approve")
    assert done.returncode == 0, done.stderr
    assert messages(result_of(done))[-1] == "Ran ls -l."

    second = start(hil_env, server_url, "inbox")
    ignored = resume(hil_env, server_url, second["thread_id"], "--reject")
    assert ignored.returncode == 0, ignored.stderr
    assert messages(result_of(ignored))[-1] == "Ignored."


def test_inbox_single_respond_and_edit(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "inbox_single")
    done = resume(hil_env, server_url, first["thread_id"], "--reject", "--message", "use ls -a")
    assert done.returncode == 0, done.stderr
    assert messages(result_of(done))[-1] == "Not run; you said: use ls -a."

    second = start(hil_env, server_url, "inbox")
    edit = [{"type": "edit", "args": {"action": "run_command", "args": {"command": "ls -a"}}}]
    edited = resume(hil_env, server_url, second["thread_id"], "--value-json", json.dumps(edit))
    assert edited.returncode == 0, edited.stderr
    assert messages(result_of(edited))[-1] == "Ran ls -a."


# -- forms -----------------------------------------------------------------------------------


def test_form_value_off_the_schema_is_refused_locally(
    server_url: str, hil_env: dict[str, str], http: httpx.Client
) -> None:
    first = start(hil_env, server_url, "form")
    thread_id = first["thread_id"]
    runs_before = runs_of(http, thread_id)
    for value, reason in [
        ({"name": "Ada", "nights": 0}, "nights: 0 is less than the minimum of 1"),
        ({"name": "Ada"}, "'nights' is a required property"),
        ({"name": "Ada", "nights": 1, "room": "attic"}, "room: 'attic' is not one of"),
    ]:
        refused = resume(hil_env, server_url, thread_id, "--value-json", json.dumps(value))
        assert refused.returncode == 2
        assert reason in refused.stderr
        assert "Nothing was sent" in refused.stderr
    as_text = resume(hil_env, server_url, thread_id, "--value", "Ada")
    assert as_text.returncode == 2
    assert "is not of type 'object'" in as_text.stderr
    assert runs_of(http, thread_id) == runs_before

    answer = {"name": "Ada", "nights": 2, "room": "suite"}
    done = resume(hil_env, server_url, thread_id, "--value-json", json.dumps(answer))
    assert done.returncode == 0, done.stderr
    assert messages(result_of(done))[-1] == (
        "Booked a suite room for Ada, 2 nights, without breakfast."
    )


def test_server_side_refusal_keeps_the_interrupt(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "form_checked")
    thread_id = first["thread_id"]
    refused = resume(hil_env, server_url, thread_id, "--value-json", '{"email": "bob"}')
    assert refused.returncode == 1
    assert result_of(refused)["error"]["error"] == "ValidationError"
    again = resume(hil_env, server_url, thread_id, "--value-json", '{"email": "bob@example.com"}')
    assert again.returncode == 0, again.stderr
    assert messages(result_of(again))[-1] == "Signed up bob@example.com (free)."


# -- free text, JSON, several at once, breakpoints ------------------------------------------


def test_parallel_text_answers_by_id(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "parallel")
    colour, food = first["interrupts"]
    one = resume(
        hil_env, server_url, first["thread_id"], "--interrupt-id", colour["id"], "--value", "blue"
    )
    assert one.returncode == 3, one.stderr
    two = resume(
        hil_env, server_url, first["thread_id"], "--interrupt-id", food["id"], "--value", "soup"
    )
    assert two.returncode == 0, two.stderr
    assert messages(result_of(two))[-1] == "Favourite colour: blue; favourite food: soup."


def test_json_question_value_json(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "json_question")
    done = resume(hil_env, server_url, first["thread_id"], "--value-json", '{"pick": "yes"}')
    assert done.returncode == 0, done.stderr
    assert messages(result_of(done))[-1] == 'You answered: {"pick": "yes"}'


def test_breakpoint_continue(server_url: str, hil_env: dict[str, str]) -> None:
    first = start(hil_env, server_url, "breakpoint")
    assert first["interrupts"] == [] and first["next"] == ["finish"]
    done = resume(hil_env, server_url, first["thread_id"], "--value-json", "null")
    assert done.returncode == 0, done.stderr
    assert messages(result_of(done))[-1] == "Finished after the breakpoint."
