"""Answer rules: loading and validation, matching, and the resume values they produce.

The interrupt values are the ones the real server sends for the test graphs (see
tests/graphs and protocol.md section 3); the end-to-end proof is tests/test_answers_cli.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hilcli.errors import ConfigError, ExitStatus
from hilcli.events import PendingInterrupt
from hilcli.interrupts import ReviewRequest, classify
from hilcli.prepared.choosing import AnswerSheet
from hilcli.prepared.rules import (
    load_rules,
    parse_key_path,
    parse_rules,
    question_text,
)

FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "nights": {"type": "integer", "minimum": 1},
        "breakfast": {"type": "boolean", "default": False},
        "room": {"type": "string", "enum": ["single", "double", "suite"], "default": "double"},
    },
    "required": ["name", "nights"],
}
BATCHED = {
    "action_requests": [
        {"name": "send_email", "args": {"to": "a@x.org", "subject": "Hi", "body": "hi"}},
        {"name": "delete_file", "args": {"path": "/tmp/report.txt"}},
    ],
    "review_configs": [
        {
            "action_name": "send_email",
            "allowed_decisions": ["approve", "edit", "reject", "respond"],
        },
        {"action_name": "delete_file", "allowed_decisions": ["approve", "reject"]},
    ],
}
PER_CALL_SCHEMA = {
    "oneOf": [
        {"type": "object", "properties": {"type": {"const": "approve"}}, "required": ["type"]},
        {
            "type": "object",
            "properties": {"type": {"const": "reject"}, "message": {"type": "string"}},
            "required": ["type"],
        },
    ]
}
INBOX_REQUEST = {
    "action_request": {"action": "run_command", "args": {"command": "ls -l"}},
    "config": {
        "allow_ignore": True,
        "allow_respond": True,
        "allow_edit": True,
        "allow_accept": True,
    },
    "description": "The agent wants to run a shell command. Please review it.",
}


def pending(
    value: Any,
    *,
    node: str | None = "ask_name",
    ns: tuple[str, ...] = (),
    schema: dict[str, Any] | None = None,
    id: str = "i1",
) -> PendingInterrupt:
    return PendingInterrupt(id=id, value=value, response_schema=schema, ns=ns, node=node)


def sheet(toml: str, *texts: str) -> AnswerSheet:
    return AnswerSheet(parse_rules(toml, "rules.toml"), texts)


def value_of(answers: AnswerSheet, interrupt: PendingInterrupt) -> Any:
    found = answers.answer(interrupt)
    assert found is not None
    return found.value


# -- loading and validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[[rule]]\nnode = "a"\n', r"rules.toml:1: rule 1: give exactly one answer.*\(none\)"),
        ('[[rule]]\ntext = "a"\njson = 1\n', r"rule 1: give exactly one answer.*`text`, `json`"),
        (
            '[[rule]]\ntext = "a"\n\n[[rule]]\nname = "x"\nnod = "a"\ntext = "b"\n',
            r"rules.toml:4: rule 2 \(\"x\"\): unknown key `nod`",
        ),
        (
            '[[rule]]\nquestion = "("\ntext = "a"\n',
            r"rule 1: `question` is not a valid regular expression",
        ),
        ('[[rule]]\nkey = "a..b"\ntext = "a"\n', r"rule 1: `key`: cannot read the key path"),
        ('[[rule]]\nkey = "a[0]b"\ntext = "a"\n', r"rule 1: `key`: cannot read the key path"),
        (
            '[[rule]]\ndecision = "maybe"\n',
            r"`decision` must be one of approve, reject, respond, edit",
        ),
        ('[[rule]]\ndecision = "edit"\n', r"decision edit needs `args`"),
        ('[[rule]]\ndecision = "respond"\n', r"decision respond needs a `message`"),
        (
            '[[rule]]\ndecision = "approve"\nmessage = "x"\n',
            r"`message` goes with decision reject or respond",
        ),
        ('[[rule]]\ntext = "a"\nmessage = "x"\n', r"`message` goes with `decision`, not `text`"),
        ('[[rule]]\njson = "{nope"\n', r"`json` is a string but not valid JSON"),
        ("[[rule]]\nfields = 3\n", r"`fields` must be a table"),
        ('[[rule]]\nnode = 3\ntext = "a"\n', r"`node` must be a string, not int"),
        ("rule = 1\n", r"no rules"),
        ("[rules]\n", r"unknown top-level key `rules`"),
        ("[[rule]\n", r"rules.toml: not valid TOML: .*line 1"),
    ],
)
def test_bad_rules_are_refused_naming_the_rule(toml: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected) as caught:
        parse_rules(toml, "rules.toml")
    assert caught.value.exit_status == ExitStatus.USAGE


def test_load_rules_reads_a_file_and_reports_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nname = "hello"\nquestion = "name"\ntext = "Ada"\n')
    [rule] = load_rules(path)
    assert rule.label == 'rule 1 ("hello")'
    with pytest.raises(ConfigError, match="Cannot read the answers file"):
        load_rules(tmp_path / "missing.toml")


def test_json_answer_accepts_toml_values_and_json_text() -> None:
    rules = parse_rules('[[rule]]\njson = {a = [1, 2]}\n[[rule]]\njson = "[true, null]"\n')
    assert [rule.answer.value for rule in rules] == [{"a": [1, 2]}, [True, None]]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("options", ("options",)),
        ("options[1]", ("options", 1)),
        ("$.a.b.0", ("a", "b", 0)),
        ('a["odd key"].c', ("a", "odd key", "c")),
    ],
)
def test_key_paths(text: str, path: tuple[Any, ...]) -> None:
    assert parse_key_path(text) == path


# -- matching -------------------------------------------------------------------------------


def test_first_matching_rule_answers() -> None:
    answers = sheet(
        '[[rule]]\nquestion = "colour"\ntext = "blue"\n'
        '[[rule]]\nquestion = "(?i)what is"\ntext = "generic"\n'
        '[[rule]]\ntext = "fallback"\n'
    )
    assert value_of(answers, pending("What is your favourite colour?")) == "blue"
    assert value_of(answers, pending("What is your name?")) == "generic"
    assert value_of(answers, pending("Where are you?")) == "fallback"


def test_every_matcher_given_must_match() -> None:
    answers = sheet('[[rule]]\nnode = "ask_food"\nquestion = "food"\ntext = "soup"\n')
    assert answers.answer(pending("What is your favourite food?", node="ask_food")) is not None
    assert answers.answer(pending("What is your favourite food?", node="other")) is None
    assert answers.answer(pending("What is your favourite colour?", node="ask_food")) is None


def test_namespace_matches_the_subgraph_path_without_task_ids() -> None:
    answers = sheet('[[rule]]\nnamespace = "child"\ntext = "grail"\n')
    inside = pending("What is your quest?", node="quest", ns=("child:4deceb6f",))
    assert value_of(answers, inside) == "grail"
    assert answers.answer(pending("What is your quest?", node="quest")) is None
    root_only = sheet('[[rule]]\nnamespace = ""\ntext = "root"\n')
    assert root_only.answer(inside) is None
    assert value_of(root_only, pending("q")) == "root"


def test_key_matches_when_the_path_exists_in_the_value() -> None:
    value = {"question": "Approve topic cats?", "options": ["yes", "no", "maybe"]}
    answers = sheet('[[rule]]\nkey = "options[2]"\njson = \'"maybe"\'\n')
    assert value_of(answers, pending(value)) == "maybe"
    assert sheet('[[rule]]\nkey = "options[3]"\njson = 1\n').answer(pending(value)) is None
    assert sheet('[[rule]]\nkey = "choices"\njson = 1\n').answer(pending(value)) is None


def test_question_text_of_each_shape() -> None:
    assert question_text(pending("Where are you located?")) == "Where are you located?"
    assert question_text(pending({"question": "Approve?", "options": []})) == "Approve?"
    assert "shell command" in question_text(pending([INBOX_REQUEST]))
    assert question_text(pending(BATCHED)) == "send_email\ndelete_file"
    assert question_text(pending([1, 2])) == "[1, 2]"


def test_decision_rules_match_only_review_requests() -> None:
    answers = sheet('[[rule]]\ndecision = "approve"\n')
    assert answers.answer(pending("What is your name?")) is None
    assert value_of(answers, pending(BATCHED, node="HumanInTheLoopMiddleware.after_model")) == {
        "decisions": [{"type": "approve"}, {"type": "approve"}]
    }


# -- answers --------------------------------------------------------------------------------


def test_batched_review_decides_each_action_by_its_own_rule() -> None:
    answers = sheet(
        '[[rule]]\ntool = "delete_file"\ndecision = "reject"\nmessage = "keep it"\n'
        '[[rule]]\ntool = "send_email"\ndecision = "edit"\nargs = {to = "bob@x.org"}\n'
    )
    found = answers.answer(pending(BATCHED))
    assert found is not None
    assert found.value == {
        "decisions": [
            {
                "type": "edit",
                "edited_action": {
                    "name": "send_email",
                    "args": {"to": "bob@x.org", "subject": "Hi", "body": "hi"},
                },
            },
            {"type": "reject", "message": "keep it"},
        ]
    }
    assert found.source == "rule 2, rule 1"
    assert "send_email: edit" in found.shown and "delete_file: reject keep it" in found.shown


def test_batched_review_with_an_undecided_action_is_not_answered() -> None:
    answers = sheet('[[rule]]\ntool = "send_email"\ndecision = "approve"\n')
    assert answers.answer(pending(BATCHED)) is None


def test_a_decision_the_review_does_not_allow_is_refused() -> None:
    answers = sheet('[[rule]]\ntool = "delete_file"\ndecision = "respond"\nmessage = "no"\n')
    with pytest.raises(ConfigError, match=r"rules.toml:1: rule 1: respond is not allowed for"):
        AnswerSheet(answers.rules + parse_rules('[[rule]]\ndecision = "approve"\n')).answer(
            pending(BATCHED)
        )


def test_per_call_review_gets_a_single_decision() -> None:
    value = {"type": "tool_approval", "tool_call_id": "c1", "name": "send_email", "args": {}}
    interrupt = pending(value, schema=PER_CALL_SCHEMA)
    assert isinstance(classify(interrupt), ReviewRequest)
    answers = sheet('[[rule]]\ntool = "send_email"\ndecision = "reject"\nmessage = "no"\n')
    assert value_of(answers, interrupt) == {"type": "reject", "message": "no"}
    edit = sheet('[[rule]]\ndecision = "edit"\nargs = {to = "b"}\n')
    with pytest.raises(ConfigError, match="edit is not allowed for send_email"):
        edit.answer(interrupt)


def test_agent_inbox_answers_keep_the_request_shape() -> None:
    approve = sheet('[[rule]]\ntool = "run_command"\ndecision = "approve"\n')
    assert value_of(approve, pending([INBOX_REQUEST])) == [{"type": "accept", "args": None}]
    assert value_of(approve, pending(INBOX_REQUEST)) == {"type": "accept", "args": None}
    edit = sheet('[[rule]]\ndecision = "edit"\nargs = {command = "pwd"}\n')
    assert value_of(edit, pending([INBOX_REQUEST])) == [
        {"type": "edit", "args": {"action": "run_command", "args": {"command": "pwd"}}}
    ]
    respond = sheet('[[rule]]\ndecision = "response"\nmessage = "not now"\n')
    assert value_of(respond, pending([INBOX_REQUEST])) == [{"type": "response", "args": "not now"}]
    ignore = sheet('[[rule]]\ndecision = "reject"\n')
    assert value_of(ignore, pending([INBOX_REQUEST])) == [{"type": "ignore", "args": None}]


def test_form_fields_take_defaults_and_are_checked_against_the_schema() -> None:
    interrupt = pending("Please fill in your booking details.", schema=FORM_SCHEMA)
    answers = sheet('[[rule]]\nfields = {name = "Ada", nights = 2}\n')
    assert value_of(answers, interrupt) == {
        "name": "Ada",
        "nights": 2,
        "breakfast": False,
        "room": "double",
    }
    bad = sheet('[[rule]]\nname = "book"\nfields = {name = "Ada", nights = 0}\n')
    with pytest.raises(ConfigError, match=r'rule 1 \("book"\): .*nights: 0 is less than'):
        bad.answer(interrupt)


def test_text_answer_is_sent_as_typed() -> None:
    answers = sheet('[[rule]]\ntext = "42"\n')
    assert value_of(answers, pending({"question": "How many?"})) == "42"
    assert value_of(sheet("[[rule]]\njson = 42\n"), pending({"question": "How many?"})) == 42


def test_answer_texts_are_used_in_order_after_the_rules() -> None:
    answers = sheet('[[rule]]\nquestion = "colour"\ntext = "blue"\n', "Ada", '{"a": 1}')
    colour = answers.answer(pending("What is your favourite colour?"))
    first = answers.answer(pending("What is your name?"))
    second = answers.answer(pending({"question": "JSON?"}))
    assert colour is not None and colour.value == "blue"
    assert first is not None and (first.value, first.source) == ("Ada", "--answer #1")
    assert second is not None and (second.value, second.source) == ({"a": 1}, "--answer #2")
    assert answers.answer(pending("And then?")) is None


def test_answer_texts_approve_or_reject_reviews() -> None:
    answers = AnswerSheet((), ["approve", "reject: too risky"])
    assert value_of(answers, pending(BATCHED)) == {
        "decisions": [{"type": "approve"}, {"type": "approve"}]
    }
    assert value_of(answers, pending([INBOX_REQUEST])) == [
        {"type": "response", "args": "too risky"}
    ]
