"""More of the commands' logic, in process: `hil attach`, `hil edit --set-json`, `hil run
--checkpoint`, `hil resume --checkpoint`, `hil history --limit/--before`, `hil config init`
and `config path`, and Ctrl-C while a run streams.

Each runs `hil ARGV` through `hilcli.cli.main` with an `Environment` of `io.StringIO`
streams whose transport replays what tests/record_exchanges.py recorded when it ran the
same command against the real server (the scenario's `given` holds the arguments). Ctrl-C
is a local event: the scripted clock (`kit.ctrl_c_clock`) raises `KeyboardInterrupt` once
the chosen number of lines is printed, as it did when recorded; the server's answers (the
stream up to there, the cancel, the state after it) are the recorded ones.

The same commands against a live server, as subprocesses or in a pty: tests/test_ctrl_c.py,
tests/test_edit_state.py, tests/test_checkpoint_resume.py, tests/test_history.py,
tests/test_config_cli.py, tests/test_early_exits.py.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from hilcli.errors import ExitStatus
from tests.inprocess.kit import (
    Ran,
    Replay,
    command_env,
    ctrl_c_clock,
    lines_written,
    run_main,
)


def replayed(replay: Replay, given: dict[str, Any], home: Path) -> Ran:
    """Run one command of the scenario as it was recorded (its argv, stdin and Ctrl-C)."""
    env = command_env(replay.transport, home, stdin=given.get("stdin", ""))
    if "ctrl_c_after_lines" in given:
        ready = lines_written(env.stdout, given["ctrl_c_after_lines"])
        env = dataclasses.replace(env, clock=ctrl_c_clock(ready))
    done = run_main(given["argv"], env)
    # hil reports a replay mismatch as an unexpected error: say it as the replay said it
    assert "ReplayMismatch" not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done


def recorded_answers(replay: Replay, method: str, path_end: str) -> list[Any]:
    """What the server answered (in the recording) to each such request, in order."""
    return [
        json.loads(exchange["response"]["body"])
        for exchange in replay.exchanges
        if exchange["request"]["method"] == method
        and exchange["request"]["path"].endswith(path_end)
    ]


def result_of(done: Ran) -> dict[str, Any]:
    """The `result` line of `--json`, which the contract puts last."""
    last = done.json_lines[-1]
    assert last["type"] == "result", last
    return dict(last)


# -- hil attach --------------------------------------------------------------------------------


def test_attach_joins_the_running_run_from_its_start_and_watches_it_end(tmp_path: Path) -> None:
    replay = Replay("cmd_attach")
    thread_id, run_id = replay.given["thread_id"], replay.given["run_id"]
    done = replayed(replay, replay.given, tmp_path)
    assert done.status == ExitStatus.OK
    assert f"Joined run {run_id}." in done.stderr
    shown = [line for line in done.stdout.splitlines() if line.startswith('{"i": ')]
    assert shown == [f'{{"i": {i}}}' for i in range(30)]  # replayed from the start, in order
    assert "Emitted 30 events." in done.stdout
    joined = [r for r in replay.received if r.method == "GET" and r.path.endswith("/stream")]
    assert [r.path for r in joined] == [f"/threads/{thread_id}/runs/{run_id}/stream"]
    assert replay.writes() == []  # joining starts nothing
    replay.finish()


def test_attach_with_no_run_to_join_says_so_and_asks_what_waits(tmp_path: Path) -> None:
    replay = Replay("cmd_attach_idle")
    thread_id = replay.given["thread_id"]
    done = replayed(replay, replay.given, tmp_path)
    assert done.status == ExitStatus.OK
    assert "No run is running on this thread." in done.stderr
    assert "Joined run" not in done.stderr
    assert "What is your name?" in done.stdout  # the pending question, answered from stdin
    assert "Hello, Ada! Nice to meet you." in done.stdout
    assert replay.writes() == [("POST", f"/threads/{thread_id}/runs/stream")]
    [body] = replay.run_bodies
    [pending] = recorded_answers(replay, "GET", "/state")[0]["interrupts"]
    assert body["command"] == {"resume": {pending["id"]: "Ada"}}
    replay.finish()


# -- hil edit --set-json -----------------------------------------------------------------------


def test_edit_writes_the_values_as_the_node_and_prints_the_new_checkpoint(tmp_path: Path) -> None:
    replay = Replay("cmd_edit")
    given = replay.given
    done = replayed(replay, given, tmp_path / "edit")
    assert done.status == ExitStatus.OK
    first_written = recorded_answers(replay, "POST", "/state")[0]["checkpoint"]["checkpoint_id"]
    assert done.stdout == f"{first_written}\n" and done.stderr == ""
    assert replay.bodies("POST", "/state") == [{"values": {"name": "Zed"}, "as_node": "ask_name"}]

    branch = replayed(replay, given["branch"], tmp_path / "branch")  # --checkpoint FIRST
    assert branch.status == ExitStatus.OK
    written = recorded_answers(replay, "POST", "/state")[1]["checkpoint"]["checkpoint_id"]
    assert branch.stdout == f"{written}\n"
    assert replay.bodies("POST", "/state")[1] == {
        "values": {"name": "Early"},
        "as_node": "ask_name",
        "checkpoint_id": given["first"],
    }
    replay.finish()


def test_a_refused_edit_exits_2_and_an_unknown_checkpoint_exits_4(tmp_path: Path) -> None:
    replay = Replay("cmd_edit_refused")
    given = replay.given
    refused = replayed(replay, given, tmp_path / "node")  # --as-node no_such_node: a 400
    assert refused.status == ExitStatus.USAGE
    assert refused.stderr == "hil: The server refused the edit: Node no_such_node does not exist\n"
    assert refused.stdout == ""

    missing = replayed(replay, given["no_checkpoint"], tmp_path / "checkpoint")
    assert missing.status == ExitStatus.NOTHING_TO_RESUME
    lines = missing.stderr.splitlines()
    assert lines[0] == f"hil: Thread {given['thread_id']} has no checkpoint nothere1."
    assert f"hil history {given['thread_id']}" in lines[1] and len(lines) == 2
    assert missing.stdout == ""
    assert len(replay.bodies("POST", "/state")) == 1  # the refused one only
    replay.finish()


def test_edit_values_that_are_no_json_object_exit_2_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    replay = Replay("cmd_edit_refused")
    thread_id = replay.given["thread_id"]
    for values, said in (("[1, 2]", "JSON object"), ("{not json", "--set-json")):
        env = command_env(replay.transport, tmp_path / str(len(replay.received)))
        done = run_main(["edit", thread_id, "--set-json", values], env)
        assert done.status == ExitStatus.USAGE, done.stderr
        assert said in done.stderr and len(done.stderr.splitlines()) <= 2
    assert replay.received == []


# -- hil run --checkpoint, hil resume --checkpoint ---------------------------------------------


def test_run_from_a_checkpoint_replays_it_or_starts_a_branch(tmp_path: Path) -> None:
    replay = Replay("cmd_run_checkpoint")
    given = replay.given
    replayed_run = replayed(replay, given, tmp_path / "replay")  # no input: a replay from C
    assert replayed_run.status == ExitStatus.OK
    first = replay.run_bodies[0]
    assert first["checkpoint_id"] == given["before_greet"] and first["input"] is None
    updates = [line["data"] for line in replayed_run.json_lines if line["type"] == "updates"]
    assert [list(update) for update in updates] == [["greet"]]  # only what came after C
    result = result_of(replayed_run)
    assert result["status"] == "done" and result["thread_id"] == given["thread_id"]
    assert result["values"]["messages"][-1]["content"] == "Hello, Bob! Nice to meet you."

    branch = replayed(replay, given["branch"], tmp_path / "branch")  # MESSAGE from DONE
    assert branch.status == ExitStatus.INTERRUPTED  # the graph asks the name again
    second = replay.run_bodies[1]
    assert second["checkpoint_id"] == given["done"]
    assert second["input"] == {"messages": [{"role": "user", "content": "again"}]}
    result = result_of(branch)
    assert [i["value"] for i in result["interrupts"]] == ["What is your name?"]
    replay.finish()


def test_resume_at_a_checkpoint_answers_its_question_again_on_a_branch(tmp_path: Path) -> None:
    replay = Replay("cmd_resume_checkpoint")
    given = replay.given
    done = replayed(replay, given, tmp_path)
    assert done.status == ExitStatus.OK
    # a copy of the checkpoint that asked (a fork), replayed quietly to its question...
    [fork] = replay.bodies("POST", "/state")
    assert fork["checkpoint_id"] == given["asked_at"] and fork["as_node"] == "__copy__"
    replay_to_question, answer = replay.run_bodies
    forked = recorded_answers(replay, "POST", "/state")[0]["checkpoint"]["checkpoint_id"]
    assert replay_to_question["checkpoint_id"] == forked
    # ...then answered: one metadata line and one run in the JSON Lines (the replay is quiet)
    assert list(answer["command"]["resume"].values()) == ["Alice"]
    assert [line["type"] for line in done.json_lines].count("metadata") == 1
    result = result_of(done)
    assert result["status"] == "done" and result["values"]["name"] == "Alice"
    assert result["values"]["messages"][-1]["content"] == "Hello, Alice! Nice to meet you."
    replay.finish()


# -- hil history --limit / --before ------------------------------------------------------------


def test_history_limit_and_before_page_through_the_checkpoints(tmp_path: Path) -> None:
    replay = Replay("cmd_history_page")
    given = replay.given
    everything = given["checkpoints"]  # newest first, as the server listed them
    page = replayed(replay, given, tmp_path / "page")
    assert page.status == ExitStatus.OK
    assert [c["checkpoint_id"] for c in page.json] == everything[:2]
    older = replayed(replay, given["before"], tmp_path / "older")
    assert older.status == ExitStatus.OK
    assert [c["checkpoint_id"] for c in older.json] == everything[2:4]
    assert older.json[0]["interrupts"][0]["value"] == "What is your name?"
    searched = replay.bodies("POST", "/history")
    assert [body["limit"] for body in searched] == [3, 3]  # one more, to know there are older
    assert searched[1]["before"]["checkpoint_id"] == given["second"]

    table = replayed(replay, given["table"], tmp_path / "table")
    assert table.status == ExitStatus.OK
    rows = [line for line in table.stdout.splitlines() if "writes of" in line]
    assert [row.split()[0] for row in rows] == [c[-8:] for c in everything[:2]]
    command = f"hil history {given['thread_id']} --before {given['second']}"
    assert f"older: {command}" in table.stdout
    assert replay.writes() == []
    replay.finish()


# -- hil config init / config path ---------------------------------------------------------------


def test_config_init_writes_the_template_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    from hilcli.config import CONFIG_TEMPLATE

    target = tmp_path / "conf" / "hil.toml"
    first = run_main(["config", "init", "--path", str(target)], command_env(None, tmp_path))
    assert first.status == ExitStatus.OK, first.stderr
    assert first.stdout.startswith(f"Wrote {target}\n")
    assert target.read_text(encoding="utf-8") == CONFIG_TEMPLATE

    target.write_text('url = "http://mine"\n', encoding="utf-8")
    again = run_main(["config", "init", "--path", str(target)], command_env(None, tmp_path))
    assert again.status == ExitStatus.USAGE
    assert again.stderr.splitlines()[0] == f"hil: {target} already exists; nothing was written."
    assert "--force" in again.stderr and again.stdout == ""
    assert target.read_text(encoding="utf-8") == 'url = "http://mine"\n'  # kept

    forced = run_main(
        ["config", "init", "--path", str(target), "--force"], command_env(None, tmp_path)
    )
    assert forced.status == ExitStatus.OK, forced.stderr
    assert target.read_text(encoding="utf-8") == CONFIG_TEMPLATE


def test_config_init_without_path_writes_where_config_path_says(tmp_path: Path) -> None:
    """No `--config`, no `HIL_CONFIG`: both commands name the default file (under
    `XDG_CONFIG_HOME`), `config path` says it does not exist until `config init` writes it."""
    env = command_env(None, tmp_path)
    variables = {k: v for k, v in env.variables.items() if k != "HIL_CONFIG"}

    def hil(*argv: str) -> Ran:
        fresh = command_env(None, tmp_path)
        return run_main(list(argv), dataclasses.replace(fresh, variables=variables))

    where = Path(variables["XDG_CONFIG_HOME"]) / "hil" / "config.toml"
    said = hil("config", "path")
    assert said.status == ExitStatus.OK
    assert said.stdout == f"{where}\n"
    assert "does not exist yet" in said.stderr and "hil config init" in said.stderr

    written = hil("config", "init")
    assert written.status == ExitStatus.OK, written.stderr
    assert where.exists() and written.stdout.startswith(f"Wrote {where}\n")
    again = hil("config", "path")
    assert (again.stdout, again.stderr) == (f"{where}\n", "")


def test_config_path_follows_the_config_option(tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere.toml"
    said = run_main(["config", "path", "--config", str(chosen)], command_env(None, tmp_path))
    assert said.status == ExitStatus.OK
    assert said.stdout == f"{chosen}\n"


# -- Ctrl-C while a run streams ------------------------------------------------------------------


def test_ctrl_c_cancels_the_run_exits_130_and_names_the_thread(tmp_path: Path) -> None:
    replay = Replay("cmd_run_ctrl_c")
    done = replayed(replay, replay.given, tmp_path)
    assert done.status == ExitStatus.CTRL_C
    [created] = recorded_answers(replay, "POST", "/threads")
    thread_id = created["thread_id"]
    lines = done.json_lines
    assert len(lines) == replay.given["ctrl_c_after_lines"] + 1  # nothing shown after Ctrl-C
    run_id = lines[0]["data"]["run_id"]
    # the run is cancelled on the server, then the result line ends the JSON Lines
    assert replay.writes()[-1] == ("POST", f"/threads/{thread_id}/runs/{run_id}/cancel")
    [cancel] = [r for r in replay.received if r.path.endswith("/cancel")]
    assert ["wait", "1"] in cancel.query
    result = result_of(done)
    assert (result["thread_id"], result["run_id"]) == (thread_id, run_id)
    said = done.stderr.splitlines()
    assert "hil: Cancelled the run; the thread is ready for a new message." in said
    assert not any("pause" in line for line in said), said  # a stopped run is no breakpoint
    assert f"     Thread {thread_id}." in said
    replay.finish()


def test_ctrl_c_with_on_ctrl_c_detach_leaves_the_run_going_on(tmp_path: Path) -> None:
    replay = Replay("cmd_run_ctrl_c_detach")
    done = replayed(replay, replay.given, tmp_path)
    assert done.status == ExitStatus.CTRL_C
    [created] = recorded_answers(replay, "POST", "/threads")
    thread_id = created["thread_id"]
    assert not [path for _, path in replay.writes() if path.endswith("/cancel")]
    assert "hil: Stopped watching; the run goes on on the server." in done.stderr
    assert "pause" not in done.stderr  # the run goes on: no breakpoint pause to speak of
    assert f"`hil attach {thread_id} -a many_events` joins it again." in done.stderr
    # no result yet: the run goes on; stdout holds what was shown up to Ctrl-C
    assert [line["type"] for line in done.json_lines] == ["metadata", "values", "custom", "custom"]
    replay.finish()
