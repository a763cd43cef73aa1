"""One rule per concept (issue #14, point 4): each rule below is written once and every
place that needs it asks it, so each test pins the rule *and* that its users agree with it.

- the stream-mode list (`hilcli.stream_modes`): the client, the config file, the wiring and
  the session's refusal;
- namespace labels (`events.namespace_path` / `namespace_label`): an interrupt's `where`,
  a stream header, an answer rule's `namespace`;
- event parsing: `parse_event` is `EventParser.parse`;
- how the chat and the inbox show an error (`repl.error_notice`);
- what an interrupt asks (`interrupts.classify`, `question_text`, `first_question`,
  `checked_answer`): answer rules, listings of threads and checkpoints, prepared answers.

Recorded streams and states (tests/recorded) are the server's side.

Live counterparts:
- stream modes: `--stream-mode bogus` refused before anything is created,
  tests/test_lazy_threads.py::test_threads_are_created_by_the_first_message_and_never_for_a_refused_command;
  a config file's unknown mode, tests/test_live_counterparts.py::
  test_an_unknown_stream_mode_in_the_config_is_refused_before_anything_is_sent; extra modes
  sent, tests/test_streaming_cli.py::test_stream_mode_adds_custom_events;
- namespace labels: tests/test_live_counterparts.py::
  test_a_subgraph_interrupt_is_labelled_by_the_subgraphs_name; a rule's `namespace = "child"`,
  tests/test_answers_cli.py::test_several_pending_subgraph_and_inbox;
- event parsing: every live stream test (tests/test_streaming_cli.py) goes through it;
- what an interrupt asks: `question` rules, tests/test_answers_cli.py (the `booking details`
  rule, test_form_fields_with_defaults, which also proves form defaults filled in); a
  listed form's question text, tests/test_live_counterparts.py::
  test_a_waiting_form_is_listed_with_its_question_text; answers that do not fit,
  tests/test_answers_cli.py::test_a_rule_answer_that_does_not_fit_exits_2.
- the chat's error notice with its hint: tests/test_live_counterparts.py::
  test_the_chat_shows_an_errors_hint_on_the_same_line (`/thread` through `Repl._guard`);
  that `/history`, `/rewind`, `/edit` and a failed run (`_act`) share it is pinned here.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from hilcli.client import BASE_STREAM_MODES, AgentClient, sse_events
from hilcli.commands.wiring import stream_modes_for
from hilcli.config import CONFIG_TEMPLATE, Settings, load_config
from hilcli.errors import ConfigError, HilError, NotFound, UsageError
from hilcli.events import (
    EventParser,
    PendingInterrupt,
    StreamEvent,
    interrupts_from_state,
    interrupts_in_event,
    namespace_label,
    namespace_path,
    parse_event,
)
from hilcli.interrupts import (
    FormQuestion,
    ReviewRequest,
    checked_answer,
    classify,
    first_question,
    interrupt_summary,
    question_text,
)
from hilcli.options import JsonAnswer
from hilcli.prepared.choosing import AnswerSheet
from hilcli.prepared.rules import parse_rules
from hilcli.render.streaming import owner_label
from hilcli.repl import Repl, error_notice
from hilcli.session import Session
from hilcli.stream_modes import STREAM_MODES, check_stream_modes, stream_modes_with
from hilcli.threads import ThreadSummary
from tests.support import RECORDED_DIR


def recorded(name: str) -> list[tuple[str, str, str | None]]:
    """(event name, data, id) of each event of `tests/recorded/NAME.sse`, read as the client
    reads them."""
    data = (RECORDED_DIR / f"{name}.sse").read_bytes()
    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=data)
    return [(sse.event, sse.data, sse.id or None) for sse in sse_events(response)]


def recorded_state(name: str) -> dict[str, Any]:
    state: dict[str, Any] = json.loads((RECORDED_DIR / f"{name}.state.json").read_text())
    return state


# -- the stream-mode list ------------------------------------------------------------------


def test_a_runs_modes_are_hils_own_then_each_extra_once() -> None:
    modes = stream_modes_with(["custom", "values", "custom", "debug"])
    assert modes == ["updates", "values", "messages-tuple", "custom", "debug"]
    assert list(BASE_STREAM_MODES) == ["updates", "values", "messages-tuple"]
    # the wiring asks the same rule for a person's settings (profile + --stream-mode)
    settings = Settings(stream_modes=["custom", "updates", "custom"])
    assert stream_modes_for(settings) == ["updates", "values", "messages-tuple", "custom"]


def test_every_mode_hil_asks_for_is_one_the_server_takes() -> None:
    assert set(BASE_STREAM_MODES) <= set(STREAM_MODES)
    check_stream_modes(stream_modes_with(STREAM_MODES))  # nothing refused


def test_an_unknown_mode_is_refused_by_the_session_before_anything_is_sent() -> None:
    with pytest.raises(UsageError) as refused:
        check_stream_modes([*BASE_STREAM_MODES, "nope"])
    assert "'nope'" in refused.value.message
    assert refused.value.hint == f"--stream-mode takes: {', '.join(STREAM_MODES)}."

    def no_request(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing may be sent: {request.url}")

    client = AgentClient("http://127.0.0.1:9", transport=httpx.MockTransport(no_request))
    terminal: Any = SimpleNamespace()
    with pytest.raises(UsageError, match="'nope'"):
        Session(client, "agent", terminal, stream_modes=[*BASE_STREAM_MODES, "nope"])


def test_the_config_file_checks_and_describes_the_same_modes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.default]\nstream_mode = ["custom", "nope"]\n')
    with pytest.raises(ConfigError, match="nope"):
        load_config(path)
    path.write_text(f"[profiles.default]\nstream_mode = {json.dumps(list(STREAM_MODES))}\n")
    load_config(path)  # every mode the server takes is accepted
    # the template names hil's own modes and the known ones from the same definition
    assert f"({', '.join(BASE_STREAM_MODES)})" in CONFIG_TEMPLATE
    assert ", ".join(STREAM_MODES) in CONFIG_TEMPLATE


# -- namespace labels ----------------------------------------------------------------------


def test_a_recorded_subgraph_interrupt_is_labelled_by_its_subgraphs_name() -> None:
    events = [parse_event(*item) for item in recorded("subgraph_first")]
    sub = next(e for e in events if e.mode == "updates" and e.ns and interrupts_in_event(e))
    (child_segment,) = sub.ns
    assert child_segment.startswith("child:")  # `node:task_id`, the task id is per run
    assert namespace_path(sub.ns) == ("child",)
    found = interrupts_in_event(sub)
    assert found is not None
    (interrupt,) = found
    assert interrupt.where == namespace_label(sub.ns) == "child"
    # a stream header for a node inside the subgraph, and the interrupt at that node
    assert owner_label(("quest", sub.ns)) == namespace_label(sub.ns, "quest") == "child › quest"
    assert replace(interrupt, node="quest").where == "child › quest"
    # an answer rule's `namespace` matches the same names (task ids never matter)
    rule = parse_rules('[[rule]]\nnamespace = "child"\ntext = "the grail"\n')[0]
    assert rule.matches(classify(interrupt))
    other = parse_rules(f'[[rule]]\nnamespace = "{child_segment}"\ntext = "x"\n')[0]
    assert not other.matches(classify(interrupt))


@pytest.mark.parametrize("generation", ["legacy02", "legacy04"])
def test_a_node_is_named_once_when_the_namespace_ends_with_it(generation: str) -> None:
    # an id-less interrupt's own ns ends with its node's segment (langgraph 0.2/0.4, recorded)
    state = json.loads(
        (RECORDED_DIR / "legacy" / f"{generation}_subgraph_first.state.json").read_text()
    )
    (interrupt,) = interrupts_from_state(state)
    server_ns = interrupt.server_ns
    assert server_ns is not None and len(server_ns) == 2
    assert server_ns[-1].startswith("quest:") and interrupt.node == "quest"
    assert namespace_label(server_ns, "quest") == "child › quest"
    assert namespace_label(server_ns[:1], "quest") == "child › quest"
    assert interrupt.where == "child › quest"
    assert namespace_label((), "ask") == "ask"
    assert namespace_label((), None) == ""
    assert owner_label(("", ("sub:9",))) == "sub"  # no node: no dangling separator


# -- event parsing -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["stream_subgraph", "stream_tokens", "subgraph_first"])
def test_parse_event_is_the_parser_on_a_streams_first_event(name: str) -> None:
    parser = EventParser()
    for event_name, data, event_id in recorded(name):
        alone = parse_event(event_name, data, event_id)
        assert alone == EventParser().parse(event_name, data.encode(), event_id)
        assert alone == parser.parse(event_name, data.encode(), event_id)  # the stream's way
        assert alone.raw == (data.encode() or None)
        assert isinstance(alone, StreamEvent)


# -- how the chat and the inbox show an error ----------------------------------------------


def test_an_error_is_shown_with_its_hint_on_one_line() -> None:
    assert error_notice(HilError("It failed.", hint="Try again.")) == "It failed. Try again."
    assert error_notice(HilError("It failed.")) == "It failed."


class _Notices:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def notice(self, text: str) -> None:
        self.lines.append(text)


def _failing(exc: HilError) -> Any:
    def action() -> Any:
        raise exc

    return action


def test_the_chat_shows_every_errors_hint_the_same_way() -> None:
    """`/history`, `/rewind`, `/edit` (through `_guard`) and a run's failure (`_act`) used to
    show the hint of some errors only."""
    missing = NotFound("Thread t not found.", 404, hint="`hil threads` lists the threads.")
    display = _Notices()
    repl: Any = SimpleNamespace(display=display, _refresh_status=lambda: None)
    assert Repl._guard(repl, _failing(missing)) is None
    Repl._act(repl, _failing(missing))
    assert display.lines == [error_notice(missing)] * 2
    assert display.lines[0] == "Thread t not found. `hil threads` lists the threads."


# -- what an interrupt asks ----------------------------------------------------------------

SHAPES = ["ask", "batched", "form", "inbox_list", "inbox_single", "json_question", "per_call"]


def shape_interrupts(shape: str) -> list[PendingInterrupt]:
    return interrupts_from_state(recorded_state(f"shape_{shape}"))


@pytest.mark.parametrize("shape", SHAPES)
def test_an_answer_rules_question_searches_the_question_text(shape: str) -> None:
    for interrupt in shape_interrupts(shape):
        text = question_text(interrupt)
        assert text == question_text(classify(interrupt))
        words = json.dumps(re.escape(text.splitlines()[0][:20]))
        rule = parse_rules(f'[[rule]]\nquestion = {words}\ntext = "x"\n')[0]
        assert rule.matches(classify(interrupt)), (shape, text)


def test_the_question_text_of_each_kind() -> None:
    (json_question,) = shape_interrupts("json_question")
    assert question_text(json_question) == "Approve topic cats?"  # the object's `question`
    (form,) = shape_interrupts("form")
    question = classify(form)
    assert isinstance(question, FormQuestion)
    assert question_text(form) == question.text == "Please fill in your booking details."
    (batched,) = shape_interrupts("batched")
    review = classify(batched)
    assert isinstance(review, ReviewRequest)
    assert question_text(batched) == "\n".join(r.description or r.name for r in review.reviews)


@pytest.mark.parametrize("shape", SHAPES)
def test_thread_and_checkpoint_listings_show_the_same_first_question(shape: str) -> None:
    pending = shape_interrupts(shape)
    row = ThreadSummary("t", "interrupted", "", "", "g", [p.to_json() for p in pending])
    assert row.question == first_question(pending, 80) == interrupt_summary(pending[0], 80)
    assert first_question([]) == ""


def test_a_thread_rows_question_reads_the_interrupts_schema() -> None:
    """A form whose value is not a string is a form in a listing as everywhere else (the
    row used to classify its bare value, without the schema, and print it as JSON)."""
    (form,) = shape_interrupts("form")
    form = replace(form, value=["booking", "details"])
    assert isinstance(classify(form), FormQuestion)
    row = ThreadSummary("t", "interrupted", "", "", "g", [form.to_json()])
    assert row.question == interrupt_summary(form, 80) == "form"


def test_an_answer_given_whole_takes_form_defaults_then_is_checked_alike() -> None:
    (form,) = shape_interrupts("form")
    question = classify(form)
    assert isinstance(question, FormQuestion)
    fields = question.schema.get("properties", {})
    required = set(question.schema.get("required", []))
    assert required and set(fields) - required  # the recording has both kinds of field
    typed = {name: _sample(fields[name]) for name in sorted(required)}
    value, problem = checked_answer(question, typed)
    assert problem is None
    assert set(value) == set(typed) | {n for n in fields if "default" in fields[n]}
    # --answer-json (prepared answers) sends exactly that
    given = AnswerSheet(texts=[JsonAnswer(json.dumps(typed), typed)]).answer(form)
    assert given is not None and given.value == value
    # a missing required field is refused the same way everywhere
    _, problem = checked_answer(question, {})
    assert problem is not None
    with pytest.raises(ConfigError, match="does not fit the question"):
        AnswerSheet(texts=[JsonAnswer("{}", {})]).answer(form)


def _sample(schema: Any) -> Any:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return {"integer": 2, "number": 2, "boolean": True}.get(str(kind), "2026-12-01")
