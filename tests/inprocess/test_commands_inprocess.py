"""The commands' logic, in process: hilcli/commands/*.py called with an `Environment` whose
streams are `io.StringIO` and whose transport replays exchanges recorded from the real
server (tests/record_exchanges.py recorded each by running the same `hil` command against
it). Exit statuses, what is printed (the JSON Lines of `--json`), and what was sent.

The same commands against a live server, as subprocesses: tests/test_oneshot_cli.py,
tests/test_errors_cli.py, tests/test_threads_cli.py, tests/test_history.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hilcli.commands.history import history_command
from hilcli.commands.oneshot import ResumeAnswer, resume_command, run_command
from hilcli.commands.settings import config_show_command
from hilcli.commands.threads import show_command, threads_command
from hilcli.errors import ExitStatus
from hilcli.options import CommonOptions
from tests.inprocess.kit import REPLAY_URL, Ran, Replay, command_env, run_main
from tests.support import WEATHER_PROMPT

JSON = CommonOptions(json_output=True)


def ran(env: Any, status: int | None) -> Ran:
    return Ran(0 if status is None else int(status), env.stdout.getvalue(), env.stderr.getvalue())


def result_of(done: Ran) -> dict[str, Any]:
    """The `result` line, which the contract puts last."""
    last = done.json_lines[-1]
    assert last["type"] == "result", last
    return dict(last)


def recorded_answer(replay: Replay, method: str, path_end: str) -> Any:
    """What the server answered (in the recording) to the first such request."""
    for exchange in replay.exchanges:
        request = exchange["request"]
        if request["method"] == method and request["path"].endswith(path_end):
            return json.loads(exchange["response"]["body"])
    raise AssertionError(f"no {method} …{path_end} recorded")


def only_resume(replay: Replay) -> Any:
    [body] = replay.run_bodies
    assert "input" not in body
    return body["command"]["resume"]


# -- hil run -----------------------------------------------------------------------------------


def test_run_that_asks_exits_3_with_the_question_in_its_result(tmp_path: Path) -> None:
    replay = Replay("cmd_run_question")
    env = command_env(replay.transport, tmp_path)
    opts = CommonOptions(assistant="agent", json_output=True)
    done = ran(env, run_command(env, opts, WEATHER_PROMPT, None, None))
    assert done.status == ExitStatus.INTERRUPTED
    lines = done.json_lines
    assert lines[0]["type"] == "metadata"
    assert {"values", "updates"} <= {line["type"] for line in lines}
    result = result_of(done)
    assert result["status"] == "interrupted"
    assert [i["value"] for i in result["interrupts"]] == ["Where are you located?"]
    created = recorded_answer(replay, "POST", "/threads")
    assert result["thread_id"] == created["thread_id"]
    assert result["run_id"] == lines[0]["data"]["run_id"]
    [body] = replay.run_bodies
    assert body["input"] == {"messages": [{"role": "user", "content": WEATHER_PROMPT}]}
    assert done.stderr == ""
    replay.finish()


def test_run_reads_its_message_from_piped_stdin(tmp_path: Path) -> None:
    replay = Replay("cmd_run_piped")
    env = command_env(replay.transport, tmp_path, stdin="hello\n")
    status = run_command(env, CommonOptions(assistant="ask", json_output=True), None, None, None)
    assert status == ExitStatus.INTERRUPTED
    assert replay.run_bodies[0]["input"] == {"messages": [{"role": "user", "content": "hello"}]}
    assert result_of(ran(env, status))["interrupts"][0]["value"] == "What is your name?"


def test_run_with_a_prepared_answer_goes_on_to_the_end(tmp_path: Path) -> None:
    replay = Replay("cmd_run_answered")
    env = command_env(replay.transport, tmp_path)
    opts = CommonOptions(assistant="agent", json_output=True, answer=["san francisco"])
    done = ran(env, run_command(env, opts, WEATHER_PROMPT, None, None))
    assert done.status == ExitStatus.OK
    assert result_of(done)["status"] == "done"
    [pending] = recorded_answer(replay, "GET", "/state")["interrupts"]
    assert pending["value"] == "Where are you located?"
    first, second = replay.run_bodies
    assert second["command"] == {"resume": {pending["id"]: "san francisco"}}
    assert "(automatic: --answer #1)" in done.stderr
    replay.finish()


def test_run_that_fails_exits_1_with_the_error(tmp_path: Path) -> None:
    replay = Replay("cmd_run_error")
    env = command_env(replay.transport, tmp_path)
    done = ran(
        env, run_command(env, CommonOptions(assistant="fails", json_output=True), "hi", None, None)
    )
    assert done.status == ExitStatus.ERROR
    result = result_of(done)
    assert result["status"] == "error"
    assert result["error"] == {"error": "ValueError", "message": "boom"}


def test_run_paused_at_a_breakpoint_exits_3_with_next(tmp_path: Path) -> None:
    replay = Replay("cmd_run_breakpoint")
    env = command_env(replay.transport, tmp_path)
    opts = CommonOptions(assistant="breakpoint", json_output=True)
    done = ran(env, run_command(env, opts, "hi", None, None))
    assert done.status == ExitStatus.INTERRUPTED
    result = result_of(done)
    assert (result["status"], result["interrupts"], result["next"]) == (
        "interrupted",
        [],
        ["finish"],
    )
    assert "Changed since the previous pause" in done.stderr


def test_run_without_the_servers_key_exits_5_in_one_or_two_lines(tmp_path: Path) -> None:
    replay = Replay("cmd_run_unauthorized")
    done = run_main(replay.given["argv"], command_env(replay.transport, tmp_path))
    assert done.status == ExitStatus.UNREACHABLE
    assert "401" in done.stderr and "Invalid API key" in done.stderr
    assert len(done.stderr.splitlines()) <= 2 and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_run_and_resume_on_a_busy_thread(tmp_path: Path) -> None:
    replay = Replay("cmd_run_busy")
    thread_id = replay.given["thread_id"]
    done = run_main(replay.given["argv"], command_env(replay.transport, tmp_path / "run"))
    assert done.status == ExitStatus.ERROR
    assert "is busy" in done.stderr
    assert f"hil attach {thread_id}" in done.stderr
    # resume: not waiting for input (exit 4), and nothing sent
    resumed = run_main(
        replay.given["resume"]["argv"], command_env(replay.transport, tmp_path / "resume")
    )
    assert resumed.status == ExitStatus.NOTHING_TO_RESUME
    assert "Nothing was sent" in resumed.stderr
    assert len(replay.run_bodies) == 1  # the run's attempt only
    replay.finish()


# -- hil resume --------------------------------------------------------------------------------


def resume(
    scenario: str, tmp_path: Path, answer: ResumeAnswer, interrupt_id: str | None = None
) -> tuple[Replay, Ran]:
    replay = Replay(scenario)
    env = command_env(replay.transport, tmp_path)
    status = resume_command(env, JSON, replay.given["thread_id"], answer, interrupt_id)
    return replay, ran(env, status)


def test_resume_with_a_text_answer(tmp_path: Path) -> None:
    replay, done = resume("cmd_resume_text", tmp_path, ResumeAnswer(value="san francisco"))
    assert done.status == ExitStatus.OK
    state = recorded_answer(replay, "GET", "/state")
    [pending] = state["interrupts"]
    assert only_resume(replay) == {pending["id"]: "san francisco"}
    result = result_of(done)
    assert result["status"] == "done" and result["thread_id"] == replay.given["thread_id"]
    assert "San Francisco" in result["values"]["messages"][-1]["content"]
    replay.finish()


def test_resume_approve_approves_every_tool_call(tmp_path: Path) -> None:
    replay, done = resume("cmd_resume_approve", tmp_path, ResumeAnswer(approve=True))
    assert done.status == ExitStatus.OK
    [value] = only_resume(replay).values()
    assert value == {"decisions": [{"type": "approve"}, {"type": "approve"}]}
    text = result_of(done)["values"]["messages"][-1]["content"]
    assert "send_email: done" in text and "delete_file: done" in text


def test_resume_reject_rejects_every_tool_call_with_the_message(tmp_path: Path) -> None:
    answer = ResumeAnswer(reject=True, message="not now")
    replay, done = resume("cmd_resume_reject", tmp_path, answer)
    assert done.status == ExitStatus.OK
    [value] = only_resume(replay).values()
    rejected = {"type": "reject", "message": "not now"}
    assert value == {"decisions": [rejected, rejected]}
    assert "not run" in result_of(done)["values"]["messages"][-1]["content"]


def test_resume_form_with_value_json(tmp_path: Path) -> None:
    answer = ResumeAnswer(value_json='{"name": "Ada", "nights": 2}')
    replay, done = resume("cmd_resume_form", tmp_path, answer)
    assert done.status == ExitStatus.OK
    [value] = only_resume(replay).values()
    assert value["name"] == "Ada" and value["nights"] == 2
    assert result_of(done)["status"] == "done"


def test_resume_with_several_pending_needs_an_interrupt_id(tmp_path: Path) -> None:
    replay = Replay("cmd_resume_several")
    given = replay.given
    ambiguous = run_main(given["ambiguous"]["argv"], command_env(replay.transport, tmp_path / "a"))
    assert ambiguous.status == ExitStatus.USAGE
    assert "--interrupt-id" in ambiguous.stderr and given["colour_id"] in ambiguous.stderr
    assert replay.run_bodies == []  # nothing sent
    env = command_env(replay.transport, tmp_path / "b")
    answer = ResumeAnswer(value="blue")
    done = ran(env, resume_command(env, JSON, given["thread_id"], answer, given["colour_id"]))
    assert only_resume(replay) == {given["colour_id"]: "blue"}
    assert done.status == ExitStatus.INTERRUPTED  # the other question still waits
    [still] = result_of(done)["interrupts"]
    assert still["value"] == "What is your favourite food?"
    replay.finish()


def test_resume_value_json_null_goes_on_past_a_breakpoint(tmp_path: Path) -> None:
    replay, done = resume("cmd_resume_breakpoint", tmp_path, ResumeAnswer(value_json="null"))
    assert done.status == ExitStatus.OK
    [body] = replay.run_bodies
    assert body["input"] is None and "command" not in body
    assert result_of(done)["values"]["messages"][-1]["content"] == "Finished after the breakpoint."


def test_resume_on_a_thread_not_waiting_exits_4_sending_nothing(tmp_path: Path) -> None:
    replay = Replay("cmd_resume_not_waiting")
    done = run_main(replay.given["argv"], command_env(replay.transport, tmp_path))
    assert done.status == ExitStatus.NOTHING_TO_RESUME
    assert "not waiting for input" in done.stderr and "nothing was sent" in done.stderr
    assert replay.run_bodies == []


def test_resume_on_an_unknown_or_malformed_thread(tmp_path: Path) -> None:
    replay = Replay("cmd_resume_unknown")
    missing = replay.given["thread_id"]
    done = run_main(replay.given["argv"], command_env(replay.transport, tmp_path / "a"))
    assert done.status == ExitStatus.NOTHING_TO_RESUME
    assert missing in done.stderr and "404" in done.stderr
    malformed = run_main(
        replay.given["not_a_uuid"]["argv"], command_env(replay.transport, tmp_path / "b")
    )
    assert malformed.status == ExitStatus.USAGE
    assert "422" in malformed.stderr and "must be a UUID" in malformed.stderr
    assert replay.writes() == []


# -- hil show / threads / history / config show -----------------------------------------------


def test_show_json_says_the_threads_status_and_its_pending_question(tmp_path: Path) -> None:
    replay = Replay("cmd_show")
    thread_id = replay.given["thread_id"]
    env = command_env(replay.transport, tmp_path)
    show_command(env, JSON, thread_id)
    shown = json.loads(env.stdout.getvalue())
    assert shown["thread_id"] == thread_id
    assert shown["status"] == "interrupted"
    assert shown["next"] == ["ask_human"]
    assert [i["value"] for i in shown["interrupts"]] == ["Where are you located?"]
    assert shown["assistant"] == "agent"
    assert replay.writes() == []


def test_show_as_text_shows_the_question(tmp_path: Path) -> None:
    replay = Replay("cmd_show")
    env = command_env(replay.transport, tmp_path)
    show_command(env, CommonOptions(), replay.given["thread_id"])
    text = env.stdout.getvalue()
    assert replay.given["thread_id"] in text
    assert "Where are you located?" in text
    assert "\x1b[" not in text  # not a terminal: no colour, no cursor movement


def test_threads_json_lists_what_the_server_found_newest_first(tmp_path: Path) -> None:
    replay = Replay("cmd_threads")
    env = command_env(replay.transport, tmp_path)
    threads_command(env, CommonOptions(assistant="agent", json_output=True), None, 3)
    listed = json.loads(env.stdout.getvalue())
    found = recorded_answer(replay, "POST", "/threads/search")
    assert [row["thread_id"] for row in listed] == [t["thread_id"] for t in found]
    assert len(listed) == 3
    [search] = replay.bodies("POST", "/threads/search")
    assert search["limit"] == 3 and search["metadata"] == {"graph_id": "agent"}


def test_threads_as_a_table(tmp_path: Path) -> None:
    replay = Replay("cmd_threads")
    env = command_env(replay.transport, tmp_path)
    threads_command(env, CommonOptions(assistant="agent"), None, 3)
    text = env.stdout.getvalue()
    found = recorded_answer(replay, "POST", "/threads/search")
    rows = [line for line in text.splitlines() if any(t["thread_id"] in line for t in found)]
    assert len(rows) == len(found) == 3  # one row each, whole ids


def test_history_json_lists_the_checkpoints_newest_first(tmp_path: Path) -> None:
    replay = Replay("cmd_history")
    env = command_env(replay.transport, tmp_path)
    history_command(env, JSON, replay.given["thread_id"], 20, None)
    checkpoints = json.loads(env.stdout.getvalue())
    steps = [c["step"] for c in checkpoints]
    assert steps == sorted(steps, reverse=True) and steps[-1] == -1
    asked = [c for c in checkpoints if c["interrupts"]]
    assert [c["interrupts"][0]["value"] for c in asked] == ["Where are you located?"]
    assert replay.writes() == []


def test_config_show_json_says_where_each_setting_comes_from(tmp_path: Path) -> None:
    env = command_env(None, tmp_path)  # no transport: nothing may be sent anywhere
    config_show_command(env, CommonOptions(json_output=True))
    shown = json.loads(env.stdout.getvalue())
    assert shown["url"] == {"value": REPLAY_URL, "from": "env HIL_URL"}
    assert shown["assistant"]["from"] == "default"


def test_resume_continue_goes_on_past_a_breakpoint(tmp_path: Path) -> None:
    replay = Replay("cmd_resume_continue")
    done = run_main(replay.given["argv"], command_env(replay.transport, tmp_path))
    assert done.status == ExitStatus.OK
    [body] = replay.run_bodies
    assert body["input"] is None and "command" not in body
    assert result_of(done)["status"] == "done"
    replay.finish()


def test_chat_with_piped_lines_sends_the_message_then_the_answer(tmp_path: Path) -> None:
    from hilcli.commands.conversation import chat_command

    replay = Replay("cmd_chat")
    env = command_env(replay.transport, tmp_path, stdin=replay.given["stdin"])
    chat_command(env, CommonOptions(assistant="agent"), None)
    first, second = replay.run_bodies
    assert first["input"] == {"messages": [{"role": "user", "content": WEATHER_PROMPT}]}
    assert list(second["command"]["resume"].values()) == ["san francisco"]
    text = env.stdout.getvalue()
    assert "Where are you located?" in text
    assert "San Francisco" in text
    created = recorded_answer(replay, "POST", "/threads")
    assert f"New thread {created['thread_id']}" in env.stderr.getvalue()
    replay.finish()


def test_doctor_passes_every_check_on_the_test_server(tmp_path: Path) -> None:
    from hilcli.commands.settings import doctor_command

    replay = Replay("cmd_doctor")
    env = command_env(replay.transport, tmp_path)
    status = doctor_command(env, CommonOptions(assistant="agent"))
    assert status == ExitStatus.OK
    assert "All checks passed." in env.stdout.getvalue()
    assert replay.writes() == []


def test_inbox_json_lists_the_waiting_threads(tmp_path: Path) -> None:
    from hilcli.commands.threads import inbox_command

    replay = Replay("cmd_inbox")
    env = command_env(replay.transport, tmp_path)
    inbox_command(env, CommonOptions(assistant="ask_age", json_output=True))
    listed = json.loads(env.stdout.getvalue())
    assert [row["thread_id"] for row in listed] == [replay.given["newer"], replay.given["older"]]
    [search] = replay.bodies("POST", "/threads/search")
    assert search["status"] == "interrupted" and search["metadata"] == {"graph_id": "ask_age"}


def test_inbox_picks_a_thread_answers_it_and_lists_what_still_waits(tmp_path: Path) -> None:
    from hilcli.commands.threads import inbox_command

    replay = Replay("cmd_inbox")
    given = replay.given
    env = command_env(replay.transport, tmp_path / "json")
    inbox_command(env, CommonOptions(assistant="ask_age", json_output=True))  # as recorded
    env = command_env(replay.transport, tmp_path / "inbox", stdin=given["stdin"])
    inbox_command(env, CommonOptions(assistant="ask_age"))
    [body] = replay.run_bodies
    assert replay.writes() == [("POST", f"/threads/{given['newer']}/runs/stream")]
    assert list(body["command"]["resume"].values()) == [42]  # `/json 42`: a number
    assert f"thread {given['newer']} finished" in env.stderr.getvalue()
    shown = env.stdout.getvalue()
    assert "What is your age?" in shown
    assert "You are 42 years old." in shown
    after = shown.split("You are 42 years old.")[-1]
    assert given["older"] in after and given["newer"] not in after  # what still waits
    replay.finish()
