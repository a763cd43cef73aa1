"""What an interrupt asks for, and how an answer becomes its resume value.

Pure code: no terminal, no HTTP. `classify` reads a pending interrupt by shape
(protocol.md section 3, recommendation 5):

- a `{"action_requests", "review_configs"}` value: LangChain HITL middleware, batched mode,
  answered with `{"decisions": [...]}` (one decision per action, in order);
- a `{"type": "tool_approval"}` value: the middleware's per-call mode, answered with one
  decision, checked against the interrupt's `response_schema`;
- an `{"action_request", "config"}` value, alone or in a list: the legacy Agent Inbox
  `HumanInterrupt`, answered with one `HumanResponse` (or a list of them, in order);
- an object `response_schema`: a form, answered with an object that fits the schema;
- a string value: a question answered with a line of text; anything else: free JSON.

A static breakpoint has no interrupt at all; `Breakpoint` describes it, and it is continued
with the run input `null`.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hilcli.errors import NothingToResume, UsageError
from hilcli.events import PendingInterrupt
from hilcli.forms import form_fields, is_form_schema, resolve_ref, value_problem
from hilcli.hints import PLAIN, HilCommand
from hilcli.text import one_line

ReviewStyle = Literal["batched", "tool_approval", "inbox", "inbox_list"]
"""Which review protocol a request speaks (and so which resume value it expects)."""

HITL_DECISIONS = ("approve", "edit", "reject", "respond")
"""Decisions of LangChain's `HumanInTheLoopMiddleware`, in the order they are offered."""

INBOX_DECISIONS = ("accept", "edit", "respond", "ignore")
"""Decisions of an Agent Inbox `HumanInterrupt`, in the order they are offered."""

_INBOX_ALLOWS = {
    "accept": "allow_accept",
    "edit": "allow_edit",
    "respond": "allow_respond",
    "ignore": "allow_ignore",
}
"""The `HumanInterruptConfig` flag that allows each Inbox decision."""


@dataclass(frozen=True)
class TextQuestion:
    """A plain-string question, answered with one line of text."""

    interrupt: PendingInterrupt
    text: str


@dataclass(frozen=True)
class JsonQuestion:
    """Any other value: shown as JSON; the answer is JSON when it parses, else text."""

    interrupt: PendingInterrupt
    value: Any


@dataclass(frozen=True)
class FormQuestion:
    """An interrupt whose `response_schema` is an object schema: one field per property."""

    interrupt: PendingInterrupt
    schema: Mapping[str, Any]

    @property
    def text(self) -> str | None:
        """The question shown above the form, when the value is a string."""
        value = self.interrupt.value
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class ToolCallReview:
    """One proposed tool call (or action) waiting for a decision."""

    name: str
    args: Mapping[str, Any]
    description: str | None
    decisions: tuple[str, ...]
    args_schema: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ReviewRequest:
    """A request to review one or more tool calls; `style` says how to answer it."""

    interrupt: PendingInterrupt
    style: ReviewStyle
    reviews: tuple[ToolCallReview, ...]

    @property
    def inbox(self) -> bool:
        """True for an Agent Inbox request (decisions accept / edit / respond / ignore)."""
        return self.style in ("inbox", "inbox_list")


@dataclass(frozen=True)
class Breakpoint:
    """A static breakpoint (`interrupt_before/after`): nothing to answer, only continue."""

    next_nodes: tuple[str, ...] = ()

    @property
    def run_input(self) -> None:
        """The run input that continues past the breakpoint (`null`)."""
        return None


Question = TextQuestion | JsonQuestion | FormQuestion | ReviewRequest
"""Everything a pending interrupt can ask."""


@dataclass(frozen=True)
class Decision:
    """What the person decided for one tool call: its type, and edited args or a message."""

    type: str
    args: Mapping[str, Any] | None = None
    message: str | None = None


# -- classification --------------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: Any) -> list[Any]:
    """`value` when it is a list, else nothing (odd server JSON must not break a question)."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _batched_reviews(value: Mapping[str, Any]) -> tuple[ToolCallReview, ...]:
    configs: dict[str, Mapping[str, Any]] = {}
    for config in _sequence(value.get("review_configs")):
        config = _mapping(config)
        if isinstance(config.get("action_name"), str):
            configs.setdefault(config["action_name"], config)
    reviews = []
    for action in _sequence(value.get("action_requests")):
        action = _mapping(action)
        name = str(action.get("name", "?"))
        config = configs.get(name, {})
        allowed = config.get("allowed_decisions")
        decisions = tuple(
            d for d in HITL_DECISIONS if not isinstance(allowed, list) or d in allowed
        )
        schema = config.get("args_schema")
        reviews.append(
            ToolCallReview(
                name=name,
                args=_mapping(action.get("args")),
                description=_text(action.get("description")),
                decisions=decisions,
                args_schema=schema if isinstance(schema, Mapping) else None,
            )
        )
    return tuple(reviews)


def _branches(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    variants = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(variants, list):
        return [resolve_ref(_mapping(v), schema) for v in variants]
    return [resolve_ref(schema, schema)]


def _decision_type(branch: Mapping[str, Any]) -> str | None:
    kind = _mapping(_mapping(branch.get("properties")).get("type"))
    const = kind.get("const")
    if isinstance(const, str):
        return const
    enum = kind.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else None


def tool_args_schema(response_schema: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The edited arguments' schema inside a per-call `response_schema`, with its `$defs`."""
    if not response_schema:
        return None
    for branch in _branches(response_schema):
        if _decision_type(branch) != "edit":
            continue
        edited = _mapping(_mapping(branch.get("properties")).get("edited_action"))
        edited = resolve_ref(edited, response_schema)
        args = _mapping(_mapping(edited.get("properties")).get("args"))
        if not args:
            return None
        defs = response_schema.get("$defs")
        return {**args, "$defs": defs} if isinstance(defs, Mapping) else args
    return None


def _tool_approval_review(
    value: Mapping[str, Any], schema: Mapping[str, Any] | None
) -> ToolCallReview:
    decisions: tuple[str, ...] = HITL_DECISIONS
    if schema:
        allowed = {_decision_type(branch) for branch in _branches(schema)}
        if allowed - {None}:
            decisions = tuple(d for d in HITL_DECISIONS if d in allowed)
    return ToolCallReview(
        name=str(value.get("name", "?")),
        args=_mapping(value.get("args")),
        description=_text(value.get("description")),
        decisions=decisions,
        args_schema=tool_args_schema(schema),
    )


def _is_inbox_item(item: Any) -> bool:
    return isinstance(item, Mapping) and isinstance(item.get("action_request"), Mapping)


def _inbox_review(item: Mapping[str, Any]) -> ToolCallReview:
    action = _mapping(item.get("action_request"))
    config = item.get("config")
    if isinstance(config, Mapping):
        decisions = tuple(d for d in INBOX_DECISIONS if config.get(_INBOX_ALLOWS[d]) is True)
    else:
        decisions = INBOX_DECISIONS
    return ToolCallReview(
        name=str(action.get("action", "?")),
        args=_mapping(action.get("args")),
        description=_text(item.get("description")),
        decisions=decisions or INBOX_DECISIONS,
    )


def classify(interrupt: PendingInterrupt) -> Question:
    """What `interrupt` asks for, read from the shape of its value and its schema."""
    value = interrupt.value
    schema = interrupt.response_schema
    if isinstance(value, Mapping):
        if isinstance(value.get("action_requests"), list):
            return ReviewRequest(interrupt, "batched", _batched_reviews(value))
        if value.get("type") == "tool_approval":
            return ReviewRequest(
                interrupt, "tool_approval", (_tool_approval_review(value, schema),)
            )
        if _is_inbox_item(value):
            return ReviewRequest(interrupt, "inbox", (_inbox_review(value),))
    if isinstance(value, list) and value and all(_is_inbox_item(item) for item in value):
        return ReviewRequest(interrupt, "inbox_list", tuple(_inbox_review(i) for i in value))
    if schema is not None and is_form_schema(schema):
        return FormQuestion(interrupt, schema)
    if isinstance(value, str):
        return TextQuestion(interrupt, value)
    return JsonQuestion(interrupt, value)


# -- resume values ---------------------------------------------------------------------------


def _hitl_decision(review: ToolCallReview, decision: Decision) -> dict[str, Any]:
    wire: dict[str, Any] = {"type": decision.type}
    if decision.type == "edit":
        args = dict(decision.args if decision.args is not None else review.args)
        wire["edited_action"] = {"name": review.name, "args": args}
    elif decision.type in ("reject", "respond") and decision.message is not None:
        wire["message"] = decision.message
    elif decision.type == "respond":
        wire["message"] = ""
    return wire


def _inbox_response(review: ToolCallReview, decision: Decision) -> dict[str, Any]:
    if decision.type == "edit":
        args = dict(decision.args if decision.args is not None else review.args)
        return {"type": "edit", "args": {"action": review.name, "args": args}}
    if decision.type == "respond":
        return {"type": "response", "args": decision.message or ""}
    return {"type": decision.type, "args": None}


def review_answer(request: ReviewRequest, decisions: Sequence[Decision]) -> Any:
    """The resume value for one decision per reviewed tool call, in order."""
    if len(decisions) != len(request.reviews):
        raise ValueError(f"{len(request.reviews)} decisions needed, got {len(decisions)}")
    for review, decision in zip(request.reviews, decisions, strict=True):
        if decision.type not in review.decisions:
            raise UsageError(
                f"{decision.type!r} is not allowed for {review.name} "
                f"(allowed: {', '.join(review.decisions)})."
            )
    pairs = list(zip(request.reviews, decisions, strict=True))
    if request.style == "batched":
        return {"decisions": [_hitl_decision(r, d) for r, d in pairs]}
    if request.style == "tool_approval":
        return _hitl_decision(*pairs[0])
    responses = [_inbox_response(r, d) for r, d in pairs]
    return responses if request.style == "inbox_list" else responses[0]


def edited_args_problem(review: ToolCallReview, args: Any) -> str | None:
    """Why edited arguments cannot be sent (not an object, or off the tool's schema)."""
    if not isinstance(args, Mapping):
        return "the arguments must be a JSON object."
    if review.args_schema is not None:
        return value_problem(review.args_schema, dict(args))
    return None


_INBOX_WIRE_TYPES = {"accept": "accept", "edit": "edit", "respond": "response", "ignore": "ignore"}
"""The `HumanResponse.type` that carries each Agent Inbox decision."""


def _hitl_decision_problem(review: ToolCallReview, decision: Any) -> str | None:
    """Why `decision` is not a middleware decision (`{"type", ...}`) for `review`."""
    if not isinstance(decision, Mapping):
        return f"the decision for {review.name} must be an object with a `type`"
    kind = decision.get("type")
    if kind not in review.decisions:
        return (
            f"the decision for {review.name} has type {kind!r}; "
            f"allowed: {', '.join(review.decisions)}"
        )
    message = decision.get("message")
    if kind == "respond" and not isinstance(message, str):
        return f"the respond decision for {review.name} needs a `message` string"
    if kind == "reject" and message is not None and not isinstance(message, str):
        return f"the reject decision's `message` for {review.name} must be a string"
    if kind == "edit":
        edited = decision.get("edited_action")
        if not isinstance(edited, Mapping) or not isinstance(edited.get("name"), str):
            return f"the edit decision for {review.name} needs an `edited_action` with a `name`"
        if not isinstance(edited.get("args"), Mapping):
            return f"the edit decision for {review.name} needs `edited_action.args` (an object)"
    return None


def _inbox_response_problem(review: ToolCallReview, response: Any) -> str | None:
    """Why `response` is not an Agent Inbox `HumanResponse` that `review` allows."""
    allowed = {_INBOX_WIRE_TYPES[d]: d for d in review.decisions}
    if not isinstance(response, Mapping):
        return f"the response for {review.name} must be an object with a `type` and `args`"
    kind = response.get("type")
    if kind not in allowed:
        return f"the response for {review.name} has type {kind!r}; allowed: {', '.join(allowed)}"
    args = response.get("args")
    if kind == "response" and not isinstance(args, str):
        return f"the response for {review.name} needs `args`: the reply text"
    if kind == "edit" and not (isinstance(args, Mapping) and isinstance(args.get("args"), Mapping)):
        return f'the edit for {review.name} needs `args`: {{"action", "args": {{...}}}}'
    return None


def review_value_problem(request: ReviewRequest, value: Any) -> str | None:
    """Why `value` cannot answer the review `request`, in its protocol, or None.

    The review protocols read their answer without checking it (a string where
    `{"decisions": [...]}` belongs fails the graph with a `TypeError` and leaves the thread
    in error), so hil checks the shape before anything is sent.
    """
    reviews = request.reviews
    if request.style == "batched":
        decisions = value.get("decisions") if isinstance(value, Mapping) else None
        if not isinstance(decisions, list):
            return 'a review takes {"decisions": [...]}, one decision per tool call'
        if len(decisions) != len(reviews):
            return f"{len(reviews)} decisions needed (one per tool call), got {len(decisions)}"
        problems = (_hitl_decision_problem(r, d) for r, d in zip(reviews, decisions, strict=True))
        return next((p for p in problems if p is not None), None)
    if request.style == "tool_approval":
        return _hitl_decision_problem(reviews[0], value)
    if request.style == "inbox_list":
        if not isinstance(value, list) or len(value) != len(reviews):
            return f"the request takes a list of {len(reviews)} response(s), one per action"
        problems = (_inbox_response_problem(r, v) for r, v in zip(reviews, value, strict=True))
        return next((p for p in problems if p is not None), None)
    if isinstance(value, list) and len(value) == 1:  # the Agent Inbox UI sends lists
        value = value[0]
    return _inbox_response_problem(reviews[0], value)


def answer_problem(interrupt: PendingInterrupt, value: Any) -> str | None:
    """Why `value` cannot answer `interrupt`, or None.

    A review request's answer must be one of its protocol's (`review_value_problem`); any
    answer must fit the interrupt's `response_schema`, when it has one.
    """
    question = classify(interrupt)
    if isinstance(question, ReviewRequest):
        problem = review_value_problem(question, value)
        if problem is not None:
            return problem
    if interrupt.response_schema is None:
        return None
    return value_problem(interrupt.response_schema, value)


def approve_all(request: ReviewRequest) -> list[Decision]:
    """Approve (or accept) every tool call of a review request."""
    kind = "accept" if request.inbox else "approve"
    return [Decision(kind) for _ in request.reviews]


def reject_all(request: ReviewRequest, message: str | None) -> list[Decision]:
    """Reject every tool call: `reject` for the middleware; `respond` or `ignore` for the Inbox.

    An Agent Inbox request has no `reject`: with a message it is answered with `respond`,
    without one with `ignore`.
    """
    if not request.inbox:
        return [Decision("reject", message=message) for _ in request.reviews]
    kind = "respond" if message is not None else "ignore"
    return [Decision(kind, message=message) for _ in request.reviews]


# -- answers from text -----------------------------------------------------------------------


def answer_from_text(interrupt: PendingInterrupt, text: str) -> Any:
    """The resume value for a typed answer.

    A plain-string question takes the text as it is; for any other value the text is sent as
    JSON when it parses as JSON, else as a string. With a `response_schema`, whichever of
    the two fits the schema wins (`3` for an integer schema, `"3"` for a string one).
    """
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    if interrupt.response_schema is not None:
        if answer_problem(interrupt, parsed) is None:
            return parsed
        if answer_problem(interrupt, text) is None:
            return text
        return parsed
    return text if isinstance(interrupt.value, str) else parsed


def form_answer_from_json(question: FormQuestion, value: Any) -> Any:
    """A form's answer given whole as JSON, with schema defaults filled in for missing fields."""
    if not isinstance(value, Mapping):
        return value
    filled = dict(value)
    for form_field in form_fields(question.schema):
        if form_field.name not in filled and form_field.has_default:
            filled[form_field.name] = form_field.default
    return filled


def checked_answer(question: Question, value: Any) -> tuple[Any, str | None]:
    """What an answer given whole (`/json`, `--answer-json`, a rule's `text`, `json` or
    `fields`) sends to `question`, and why it cannot answer it (None when it can).

    A form's missing fields take their schema defaults before the answer is checked.
    """
    if isinstance(question, FormQuestion):
        value = form_answer_from_json(question, value)
    return value, answer_problem(question.interrupt, value)


def one_shot_answer(
    interrupt: PendingInterrupt,
    *,
    text: str | None = None,
    json_value: Any = None,
    approve: bool = False,
    reject: bool = False,
    message: str | None = None,
    thread_id: str | None = None,
    hints: HilCommand = PLAIN,
) -> Any:
    """The resume value for `hil resume`'s `--value/--value-json/--approve/--reject`.

    Raises `UsageError` (nothing is sent) when the answer does not suit the interrupt:
    `--approve/--reject` on something that is not a review request, a decision the request
    does not allow, a value that is no answer to a review (a plain `--value yes`), or a
    value that does not fit the interrupt's `response_schema`. The hints name `thread_id`
    (when given) in commands spelled by `hints`, so that they work when pasted.
    """
    question = classify(interrupt)
    if approve or reject:
        if not isinstance(question, ReviewRequest):
            raise UsageError(
                "--approve/--reject need a review request; this interrupt is not one.",
                hint="Answer it with --value TEXT or --value-json JSON.",
            )
        problem = flag_problem(question, approve=approve, message=message)
        if problem is not None:  # the flags it takes are said; the caller adds the command
            raise UsageError(
                f"{problem.rstrip('.')} (it takes {answer_flags(interrupt)}). Nothing was sent."
            )
        decisions = approve_all(question) if approve else reject_all(question, message)
        value = review_answer(question, decisions)
    elif text is not None:
        value = text
    else:
        value = json_value
        if isinstance(question, FormQuestion):
            value = form_answer_from_json(question, value)
    if isinstance(question, ReviewRequest):
        problem = review_value_problem(question, value)
        if problem is not None:
            names = ", ".join(review.name for review in question.reviews)
            raise UsageError(
                f"Interrupt {interrupt.id} is a review of {names}, and this answer is not "
                f"one: {problem}. Nothing was sent.",
                hint="Answer it with: "
                + (
                    hints.line("resume", thread_id, then=answer_flags(interrupt))
                    if thread_id
                    else answer_flags(interrupt)
                ),
            )
    # The review check is done above (with its own message): only the schema is left.
    schema = interrupt.response_schema
    problem = None if schema is None else value_problem(schema, value)
    if problem is not None:
        raise UsageError(
            f"The answer does not fit the interrupt's schema: {problem.rstrip('.')}. "
            "Nothing was sent.",
            hint=(
                f"`{hints.line('show', thread_id, '--json')}` shows the schema of interrupt "
                f"{interrupt.id}."
                if thread_id
                else None
            ),
        )
    return value


#: Keys whose string says what an object value asks, in the order they are looked for.
QUESTION_KEYS = ("question", "message", "prompt", "description", "text", "title")


def question_text(asked: PendingInterrupt | Question) -> str:
    """The words of what an interrupt asks (what an answer rule's `question` searches).

    A string value (also a form's) is the question; for a review request, the tool calls'
    descriptions (else their names), one a line; for an object, its first string among
    `QUESTION_KEYS`; otherwise the value as JSON.
    """
    question = classify(asked) if isinstance(asked, PendingInterrupt) else asked
    if isinstance(question, TextQuestion):
        return question.text
    if isinstance(question, ReviewRequest):
        return "\n".join(review.description or review.name for review in question.reviews)
    value = question.interrupt.value
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in QUESTION_KEYS:
            if isinstance(value.get(key), str):
                return str(value[key])
    return json.dumps(value, ensure_ascii=False, default=str)


def first_question(pending: Sequence[PendingInterrupt], limit: int = 60) -> str:
    """The one-line summary (`interrupt_summary`) of the first of `pending`, or "" when
    nothing is pending: what a listing of threads or checkpoints shows."""
    return interrupt_summary(pending[0], limit) if pending else ""


def interrupt_summary(interrupt: PendingInterrupt, limit: int = 60) -> str:
    """A few words saying what `interrupt` asks, for one-line listings."""
    question = classify(interrupt)
    if isinstance(question, ReviewRequest):
        names = ", ".join(review.name for review in question.reviews)
        text = f"review {names}"
    elif isinstance(question, TextQuestion):
        text = question.text
    elif isinstance(question, FormQuestion):
        text = question.text or "form"
    else:
        text = json.dumps(question.value, ensure_ascii=False, default=str)
    return one_line(text, limit)


def common_decisions(request: ReviewRequest) -> set[str]:
    """The decisions every reviewed call of `request` allows (what `--approve/--reject`,
    which decide them all alike, can send)."""
    if not request.reviews:
        return set()
    return set.intersection(*(set(review.decisions) for review in request.reviews))


def review_flags(request: ReviewRequest) -> list[str]:
    """The `hil resume` flags that answer `request`, only those it allows.

    An Agent Inbox request has no reject: `--reject --message M` sends a `response` (when it
    allows respond), `--reject` alone an `ignore`; `--approve` is `accept`. Decisions that
    differ per call, edits and responses to the middleware go as `--value-json`.
    """
    allowed = common_decisions(request)
    flags = []
    if request.inbox:
        if "accept" in allowed:
            flags.append("--approve")
        if "respond" in allowed:
            flags.append("--reject --message M")
        elif "ignore" in allowed:
            flags.append("--reject")
    else:
        if "approve" in allowed:
            flags.append("--approve")
        if "reject" in allowed:
            flags.append("--reject [--message M]")
    flags.append("--value-json JSON")
    return flags


def flag_problem(request: ReviewRequest, *, approve: bool, message: str | None) -> str | None:
    """Why `--approve` or `--reject [--message M]` cannot answer `request`, in the flags'
    words (never naming a decision the person did not type), or None."""
    allowed = common_decisions(request)
    names = ", ".join(review.name for review in request.reviews)
    if approve:
        kind = "accept" if request.inbox else "approve"
        if kind not in allowed:
            return f"--approve cannot answer this request: {names} cannot be approved."
        return None
    if not request.inbox:
        if "reject" not in allowed:
            return f"--reject cannot answer this request: {names} cannot be rejected."
        return None
    if message is not None and "respond" not in allowed:
        return f"--message cannot go with this request: {names} takes no reply."
    if message is None and "ignore" not in allowed:
        if "respond" in allowed:
            return f"--reject needs --message M here: {names} takes a reply, not a dismissal."
        return f"--reject cannot answer this request: {names} cannot be dismissed."
    return None


def answer_flags(interrupt: PendingInterrupt) -> str:
    """The `hil resume` flags that answer `interrupt`, for the "answer with:" hint: only the
    ones it allows, alternatives separated by ` | `."""
    question = classify(interrupt)
    if isinstance(question, ReviewRequest):
        return " | ".join(review_flags(question))
    if isinstance(question, TextQuestion) and interrupt.response_schema is None:
        return "--value TEXT | --value-json JSON"
    return "--value-json JSON"


# -- the resume command ----------------------------------------------------------------------


def resume_map_key(interrupt: PendingInterrupt) -> str | None:
    """The key that names `interrupt` in a resume map, or None when the server has none.

    An interrupt with a server id is named by it. One without id is named the way its
    server's langgraph expects (`interrupt.resume_by`, found out on langgraph 0.2.76 and
    0.4.10): by the interrupted task's id before 0.4 (only for a task at the root: a map
    does not reach interrupts inside subgraphs there), else by the interrupt's own
    `interrupt_id`, which langgraph 0.4/0.5 compute as `xxh3_128("|".join(ns))` and never
    send. hil's local key is never sent.
    """
    if not interrupt.local_key:
        return interrupt.id
    if interrupt.resume_by == "task":
        return interrupt.task_id
    if not interrupt.server_ns:
        return None
    import xxhash  # only id-less interrupts of langgraph 0.4/0.5 need it

    return xxhash.xxh3_128_hexdigest("|".join(interrupt.server_ns).encode())


def resume_value(answers: Mapping[str, Any], pending: Sequence[PendingInterrupt]) -> Any:
    """The `command.resume` value that sends `answers` (keyed by interrupt key).

    Interrupts with ids are answered with the map `{id: answer}`. A single pending interrupt
    without id is answered with the plain value, as the LangGraph how-to does; several are
    answered with a map keyed as `resume_map_key` says. Raises `UsageError` (nothing is sent)
    when the server offers no way to name an answered interrupt.
    """
    by_key = {item.id: item for item in pending}
    answered = [by_key[key] for key in answers if key in by_key]
    if not any(item.local_key for item in answered):
        return dict(answers)
    if len(answers) == 1 and len(pending) == 1 and len(answered) == 1:
        return next(iter(answers.values()))
    resume: dict[str, Any] = {}
    for item in answered:
        key = resume_map_key(item)
        if key is None:
            raise UsageError(
                f"The server cannot take an answer for {item.where or 'the root'} alone: "
                "its langgraph (before 0.4) names questions without ids, and cannot resume "
                "one of several inside subgraphs. Nothing was sent.",
                hint="Upgrade the server's langgraph to 0.4 or later.",
            )
        resume[key] = answers[item.id]
    return resume


def choose_pending(
    pending: Sequence[PendingInterrupt], interrupt_id: str | None, where: str
) -> PendingInterrupt:
    """The one interrupt a one-shot answer (`hil resume`) answers: the one `--interrupt-id`
    names, else the only one pending. `where` says where they are pending ("on thread T",
    "at checkpoint C") in the errors: an id that is not pending (nothing to resume), or several
    pending and none named (a usage error that lists them to pick from)."""
    if interrupt_id is not None:
        for item in pending:
            if item.id == interrupt_id:
                return item
        raise NothingToResume(
            f"Interrupt {interrupt_id} is not pending {where}; "
            f"pending: {', '.join(shlex.quote(item.id) for item in pending)}. Nothing was sent."
        )
    if len(pending) > 1:
        listing = "; ".join(
            f"{shlex.quote(item.id)} ({item.where or 'root'}: {interrupt_summary(item)})"
            for item in pending
        )
        raise UsageError(
            f"{len(pending)} interrupts are pending {where}; pick one with --interrupt-id: "
            f"{listing}"
        )
    return pending[0]
