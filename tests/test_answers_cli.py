"""`hil run --answers` / `--answer` and `hil chat --answers` against the real server.

Every interrupt shape the test graphs produce is answered by rules and the run goes on to its
end; an interrupt no rule matches stops `hil run` with exit 3 and the `result` line, and is
asked on the terminal in `hil chat`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pexpect

from tests.hilterm import pty_session, quit_chat
from tests.support import WEATHER_PROMPT
from tests.support import run_hil as hil

RULES = """\
[[rule]]
name = "name"
question = "your name"
text = "Ada"

[[rule]]
name = "json question"
key = "options"
json = { choice = "maybe", sure = false }

[[rule]]
name = "booking"
question = "booking details"
fields = { name = "Grace", nights = 3, breakfast = true }

[[rule]]
name = "keep the file"
tool = "delete_file"
decision = "reject"
message = "keep it"

[[rule]]
name = "mail to bob"
tool = "send_email"
decision = "edit"
args = { to = "bob@example.com" }

[[rule]]
node = "ask_colour"
text = "blue"

[[rule]]
node = "ask_food"
text = "soup"

[[rule]]
name = "quest"
namespace = "child"
text = "the grail"

[[rule]]
tool = "run_command"
decision = "approve"

[[rule]]
question = "^Question \\\\d+ of"
text = "ok"
"""


def rules_file(tmp_path: Path, text: str = RULES) -> str:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def result_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The final `result` object of `--json` output (every line must be JSON)."""
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert lines and lines[-1]["type"] == "result", done.stdout[-500:]
    result: dict[str, Any] = lines[-1]
    return result


def run_with_rules(
    server_url: str, env: dict[str, str], tmp_path: Path, graph: str, message: str = "hi"
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = hil(
        env,
        *("run", message, "-a", graph, "--url", server_url),
        *("--answers", rules_file(tmp_path), "--json"),
    )
    assert done.returncode == 0, done.stderr
    result = result_of(done)
    assert result["status"] == "done"
    assert result["interrupts"] == []
    return done, result


def flat(text: str) -> str:
    """`text` with every run of whitespace as one space (plain output wraps long lines)."""
    return " ".join(text.split())


def last_message(result: dict[str, Any]) -> str:
    content = result["values"]["messages"][-1]["content"]
    return content if isinstance(content, str) else json.dumps(content)


def test_text_question_is_answered_and_marked_automatic(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    done, result = run_with_rules(server_url, hil_env, tmp_path, "ask")
    assert last_message(result) == "Hello, Ada! Nice to meet you."
    assert 'answer> Ada    (automatic: rule 1 ("name"))' in done.stderr


def test_human_output_shows_the_question_then_the_automatic_answer(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    done = hil(
        hil_env, "run", "hi", "-a", "ask", "--url", server_url, "--answers", rules_file(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert "What is your name?" in done.stdout
    assert "Hello, Ada! Nice to meet you." in done.stdout
    assert "(automatic: rule 1" in done.stderr


def test_json_question_gets_the_json_value(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    _, result = run_with_rules(server_url, hil_env, tmp_path, "json_question")
    assert result["values"]["answer"] == {"choice": "maybe", "sure": False}


def test_form_fields_with_defaults(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    _, result = run_with_rules(server_url, hil_env, tmp_path, "form")
    assert result["values"]["booking"] == {
        "name": "Grace",
        "nights": 3,
        "breakfast": True,
        "room": "double",
    }
    _, validated = run_with_rules(server_url, hil_env, tmp_path, "form_validated")
    assert last_message(validated) == "Booked a double room for Grace, 3 night(s)."


def test_batched_review_edit_and_reject(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    done, result = run_with_rules(
        server_url, hil_env, tmp_path, "approval", "mail x@y.org and delete the report"
    )
    text = last_message(result)
    assert "Email sent to bob@example.com" in text
    assert "delete_file: not run" in text and "keep it" in text
    assert '(automatic: rule 5 ("mail to bob"), rule 4 ("keep the file"))' in flat(done.stderr)


def test_per_call_reviews_answered_by_tool(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    _, result = run_with_rules(
        server_url, hil_env, tmp_path, "approval_per_call", "mail x@y.org and delete the report"
    )
    text = last_message(result)
    assert "Email sent to bob@example.com" in text
    assert "delete_file: not run" in text


def test_approve_every_review(server_url: str, hil_env: dict[str, str], tmp_path: Path) -> None:
    rules = rules_file(tmp_path, '[[rule]]\ndecision = "approve"\n')
    done = hil(
        hil_env,
        *("run", "mail x@y.org and delete the report", "-a", "approval"),
        *("--url", server_url, "--answers", rules, "--json"),
    )
    assert done.returncode == 0, done.stderr
    text = last_message(result_of(done))
    assert "Email sent to x@y.org" in text and "Deleted /tmp/report.txt" in text


def test_several_pending_subgraph_and_inbox(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    done, parallel = run_with_rules(server_url, hil_env, tmp_path, "parallel")
    assert last_message(parallel) == "Favourite colour: blue; favourite food: soup."
    assert done.stderr.count("(automatic:") == 2
    _, subgraph = run_with_rules(server_url, hil_env, tmp_path, "subgraph")
    assert "Your quest: the grail" in [m["content"] for m in subgraph["values"]["messages"]]
    _, inbox = run_with_rules(server_url, hil_env, tmp_path, "inbox")
    assert last_message(inbox) == "Ran ls -l."


def test_run_keeps_resuming_until_the_loop_ends(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    done = hil(
        hil_env,
        *("run", "--input-json", '{"n": 3}', "-a", "loop", "--url", server_url),
        *("--answers", rules_file(tmp_path), "--json"),
    )
    assert done.returncode == 0, done.stderr
    result = result_of(done)
    assert result["values"]["answers"] == ["ok", "ok", "ok"]
    assert last_message(result) == "Got 3 answers."


def test_answer_flags_answer_in_order(server_url: str, hil_env: dict[str, str]) -> None:
    done = hil(
        hil_env,
        *("run", "go", "-a", "parallel", "--url", server_url, "--json"),
        *("--answer", "red", "--answer", "pizza"),
    )
    assert done.returncode == 0, done.stderr
    assert last_message(result_of(done)) == "Favourite colour: red; favourite food: pizza."


def test_unmatched_interrupt_exits_3_with_the_result_line(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    """Only the colour has a rule: nothing is sent, both questions stay pending."""
    rules = rules_file(tmp_path, '[[rule]]\nnode = "ask_colour"\ntext = "blue"\n')
    done = hil(
        hil_env, "run", "go", "-a", "parallel", "--url", server_url, "--answers", rules, "--json"
    )
    assert done.returncode == 3, done.stderr
    result = result_of(done)
    assert result["status"] == "interrupted"
    assert sorted(item["value"] for item in result["interrupts"]) == [
        "What is your favourite colour?",
        "What is your favourite food?",
    ]
    assert "No answer rule matches the interrupt" in flat(done.stderr)
    assert "ask_food: What is your favourite food?" in flat(done.stderr)

    human = hil(hil_env, "run", "hi", "-a", "ask", "--url", server_url, "--answers", rules)
    assert human.returncode == 3
    assert "waiting for input on thread" in human.stdout
    assert "hil resume" in human.stdout


def test_a_bad_rules_file_exits_2_naming_the_rule(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    rules = rules_file(
        tmp_path, '[[rule]]\ntext = "a"\n\n[[rule]]\nname = "oops"\ndecision = "ok"\n'
    )
    done = hil(hil_env, "run", "hi", "-a", "ask", "--url", server_url, "--answers", rules)
    assert done.returncode == 2
    assert f'{rules}:4: rule 2 ("oops"): `decision` must be one of' in done.stderr
    assert "Traceback" not in done.stderr


def test_a_rule_answer_that_does_not_fit_exits_2(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, '[[rule]]\nfields = { name = "Ada", nights = 0 }\n')
    done = hil(hil_env, "run", "hi", "-a", "form", "--url", server_url, "--answers", rules)
    assert done.returncode == 2
    assert "rule 1: its answer does not fit the question: nights: 0 is less than" in flat(
        done.stderr
    )


def test_chat_answers_by_rule_and_asks_the_rest(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    rules = rules_file(
        tmp_path,
        '[[rule]]\nquestion = "located"\ntext = "Lisbon"\n'
        '[[rule]]\nnode = "ask_colour"\ntext = "blue"\n',
    )
    args = ["chat", "--url", server_url, "--answers", rules]
    with pty_session(args, hil_env) as child:
        child.expect("you>")
        child.sendline(WEATHER_PROMPT)
        child.expect("Where are you located\\?")
        child.expect("answer> Lisbon    \\(automatic: rule 1\\)")
        child.expect("sunny in Lisbon")
        quit_chat(child)
    assert child.exitstatus == 0

    with pty_session([*args, "-a", "parallel"], hil_env) as child:
        child.expect("you>")
        child.sendline("go")
        child.expect("answer> blue    \\(automatic: rule 2\\)")
        child.expect("What is your favourite food\\?")
        child.expect("answer>")
        child.sendline("pizza")
        child.expect("Favourite colour: blue; favourite food: pizza.")
        quit_chat(child)
    assert child.exitstatus == 0


def test_run_on_a_terminal_asks_what_no_rule_answers(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, '[[rule]]\nnode = "ask_colour"\ntext = "green"\n')
    args = ["run", "go", "-a", "parallel", "--url", server_url, "--answers", rules]
    with pty_session(args, hil_env) as child:
        child.expect("answer> green    \\(automatic: rule 1\\)")
        child.expect("What is your favourite food\\?")
        child.expect("answer>")
        child.sendline("rice")
        child.expect("Favourite colour: green; favourite food: rice.")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 0


def waiting_loop_thread(server_url: str, env: dict[str, str]) -> str:
    """A thread of the `loop` graph (3 questions) waiting for its first answer."""
    first = hil(env, "run", "--input-json", '{"n": 3}', "-a", "loop", "--url", server_url, "--json")
    assert first.returncode == 3, first.stderr
    thread_id: str = result_of(first)["thread_id"]
    return thread_id


def test_resume_answers_by_rules_until_the_run_ends(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    """`hil resume THREAD --answers` answers what waits now and what comes after."""
    thread_id = waiting_loop_thread(server_url, hil_env)
    done = hil(
        hil_env,
        *("resume", thread_id, "--url", server_url, "--json"),
        *("--answers", rules_file(tmp_path)),
    )
    assert done.returncode == 0, done.stderr
    result = result_of(done)
    assert result["status"] == "done"
    assert result["thread_id"] == thread_id
    assert done.stderr.count("(automatic: rule 10)") >= 2


def test_resume_with_a_value_then_rules_for_the_rest(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    """An explicit answer goes first; rules answer the later questions."""
    thread_id = waiting_loop_thread(server_url, hil_env)
    done = hil(
        hil_env,
        *("resume", thread_id, "--value", "typed", "--url", server_url, "--json"),
        *("--answers", rules_file(tmp_path)),
    )
    assert done.returncode == 0, done.stderr
    assert result_of(done)["status"] == "done"
    assert "typed" in json.dumps(result_of(done)["values"])


def test_resume_with_rules_on_an_idle_thread_exits_4(
    server_url: str, hil_env: dict[str, str], tmp_path: Path
) -> None:
    first = hil(hil_env, "run", "hi", "-a", "ask", "--url", server_url, "--answer", "Ada")
    assert first.returncode == 0, first.stderr
    thread_id = next(
        word for word in first.stdout.replace(")", " ").split() if word.count("-") == 4
    )
    done = hil(hil_env, "resume", thread_id, "--url", server_url, "--answer", "Bob")
    assert done.returncode == 4
    assert "not waiting for input" in done.stderr
