"""The answers prepared for a run: what the rules (and `--answer` texts) send for an interrupt.

Pure code on top of `hilcli.interrupts`: the classifier says what an interrupt asks, and its
builders make the resume value; this module picks the rule and checks the value fits before
anything is sent.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hilcli.errors import ConfigError
from hilcli.events import PendingInterrupt
from hilcli.interrupts import (
    Decision,
    FormQuestion,
    Question,
    ReviewRequest,
    ToolCallReview,
    answer_from_text,
    answer_problem,
    checked_answer,
    classify,
    edited_args_problem,
    form_answer_from_json,
    review_answer,
    review_value_problem,
)
from hilcli.options import JsonAnswer, PreparedAnswer
from hilcli.prepared.rules import DECISION_ALIASES, AnswerRule

_INBOX_NAMES = {"approve": "accept", "reject": "ignore", "respond": "respond", "edit": "edit"}


@dataclass(frozen=True)
class AutoAnswer:
    """An answer given without asking: the resume value, how to show it, and its source."""

    value: Any
    shown: str
    source: str


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _shown_decision(review: ToolCallReview, decision: Decision, given: Decision) -> str:
    """`tool: decision` and its message or the arguments the rule changed."""
    detail = given.message or (json.dumps(dict(given.args)) if given.args else "")
    return f"{review.name}: {decision.type}" + (f" {detail}" if detail else "")


def _decision_for(
    request: ReviewRequest, review: ToolCallReview, rule_decision: Decision
) -> Decision:
    """A rule's decision in the request's own vocabulary, edited args laid over the proposed."""
    kind = rule_decision.type
    if request.inbox:
        kind = "respond" if kind == "reject" and rule_decision.message else _INBOX_NAMES[kind]
    args = rule_decision.args
    if kind == "edit":
        args = {**review.args, **(args or {})}
    return Decision(kind, args=args, message=rule_decision.message)


class AnswerSheet:
    """The answers prepared for a run: rules first, then the `--answer` texts (and
    `--answer-json` values) in order."""

    def __init__(
        self, rules: Iterable[AnswerRule] = (), texts: Iterable[PreparedAnswer] = ()
    ) -> None:
        self.rules = list(rules)
        self.texts: deque[PreparedAnswer] = deque(texts)
        self._given = 0

    def __bool__(self) -> bool:
        return bool(self.rules or self.texts)

    def answer(self, interrupt: PendingInterrupt) -> AutoAnswer | None:
        """The prepared answer for `interrupt`, or None when nothing prepared fits it.

        Raises `ConfigError` when the matching rule's answer cannot be sent (a decision the
        review does not allow, form fields that do not fit the schema): nothing is sent.
        """
        question = classify(interrupt)
        rule = next((r for r in self.rules if r.matches(question)), None)
        if rule is not None:
            return self._from_rule(rule, question)
        if self.texts:
            self._given += 1
            given = self.texts.popleft()
            if isinstance(given, JsonAnswer):
                return self._from_json(given, question)
            return self._from_text(given, question)
        return None

    def _from_json(self, given: JsonAnswer, question: Question) -> AutoAnswer:
        """An `--answer-json` value, sent as it is (a form's missing fields take defaults).

        Raises `ConfigError` when it cannot answer the question: nothing is sent.
        """
        source = f"--answer-json #{self._given}"
        value, problem = checked_answer(question, given.value)
        if problem is not None:
            raise ConfigError(
                f"{source} ({given.text}) does not fit the question: {problem} Nothing was sent."
            )
        return AutoAnswer(value, _shown(value), source)

    def _from_rule(self, rule: AnswerRule, question: Question) -> AutoAnswer | None:
        if isinstance(question, ReviewRequest) and rule.answer.kind == "decision":
            return self._decide(rule, question)
        value, problem = checked_answer(question, rule.answer.value)
        if problem is not None:
            raise ConfigError(
                f"{rule.where}: {rule.label}: its answer does not fit the question: {problem}"
            )
        return AutoAnswer(value, _shown(value), rule.label)

    def _decide(self, first: AnswerRule, request: ReviewRequest) -> AutoAnswer | None:
        decisions: list[Decision] = []
        labels: list[str] = []
        shown: list[str] = []
        for review in request.reviews:
            rule = next((r for r in self.rules if r.matches(request, tool=review.name)), None)
            if rule is None:
                return None
            if rule.answer.decision is None:
                raise ConfigError(
                    f"{rule.where}: {rule.label}: {review.name} is a tool call to review; "
                    "answer it with a `decision`"
                )
            decision = _decision_for(request, review, rule.answer.decision)
            if decision.type not in review.decisions:
                raise ConfigError(
                    f"{rule.where}: {rule.label}: {decision.type} is not allowed for {review.name} "
                    f"(allowed: {', '.join(review.decisions)})"
                )
            if decision.type == "edit" and decision.args:
                problem = edited_args_problem(review, decision.args)
                if problem is not None:
                    raise ConfigError(
                        f"{rule.where}: {rule.label}: the edited arguments do not fit: {problem}"
                    )
            decisions.append(decision)
            labels.append(rule.label)
            shown.append(_shown_decision(review, decision, rule.answer.decision))
        value = review_answer(request, decisions)
        problem = answer_problem(request.interrupt, value)
        if problem is not None:
            raise ConfigError(
                f"{first.where}: {first.label}: its decision does not fit the request: {problem}"
            )
        return AutoAnswer(value, "; ".join(shown), ", ".join(dict.fromkeys(labels)))

    def _from_text(self, text: str, question: Question) -> AutoAnswer:
        source = f"--answer #{self._given}"
        word, _, message = text.partition(":")
        kind = DECISION_ALIASES.get(word.strip().lower(), word.strip().lower())
        if isinstance(question, ReviewRequest) and kind in ("approve", "reject", "respond"):
            rule_decision = Decision(kind, message=message.strip() or None)
            decisions = [_decision_for(question, r, rule_decision) for r in question.reviews]
            return AutoAnswer(review_answer(question, decisions), text, source)
        value = answer_from_text(question.interrupt, text)
        if isinstance(question, ReviewRequest):  # a plain text would break the graph
            problem = review_value_problem(question, value)
            if problem is not None:
                names = ", ".join(review.name for review in question.reviews)
                raise ConfigError(
                    f"{source} ({text!r}) cannot answer the review of {names}: {problem}. "
                    "Give approve, reject[: MESSAGE] or respond: MESSAGE (or the answer's JSON)"
                )
        if isinstance(question, FormQuestion):
            value = form_answer_from_json(question, value)
        return AutoAnswer(value, text, source)
