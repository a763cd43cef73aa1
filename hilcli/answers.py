"""Answer rules: a person's answers written down in advance (`--answers FILE.toml`, `--answer`).

A rules file is an ordered list of `[[rule]]` tables. A rule matches a pending interrupt by
any of `node`, `namespace`, `tool`, `question` (a regular expression searched in the question
text) and `key` (a path such as `options[0]` or `$.a.b` that must exist in the value); every
matcher given must match, and a rule without matchers matches everything. It gives one answer:
`text`, `json`, `decision` (approve / reject / respond / edit, with `message` or `args`) or
`fields` (form values; missing fields take the schema's defaults). A `decision` rule only
matches review requests; in a batched review each action is decided by the first rule that
matches it. The first matching rule answers. Pure code: no terminal, no HTTP.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hilcli.decisions import DECISIONS, Decision, ReviewRequest, review_request
from hilcli.errors import ConfigError
from hilcli.events import PendingInterrupt
from hilcli.interrupts import answer_from_text

AnswerKind = Literal["text", "json", "decision", "fields"]
MATCHERS = ("node", "namespace", "tool", "question", "key")
ANSWERS: tuple[AnswerKind, ...] = ("text", "json", "decision", "fields")
_OTHER_KEYS = ("name", "message", "args")
_ALIASES = {"accept": "approve", "ignore": "reject", "response": "respond"}
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]", re.M)
_PATH_PART = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[\"([^\"]*)\"\]|\.(\d+)")
_QUESTION_KEYS = ("question", "message", "prompt", "description", "text", "title")

KeyPath = tuple[str | int, ...]


def parse_key_path(text: str) -> KeyPath:
    """`a.b[0]`, `$.a.b.0` or `a["odd key"]` as a tuple of keys and indexes."""
    rest = text.strip()
    if rest.startswith("$"):
        rest = rest[1:]
    rest = rest.lstrip(".") if rest.startswith(".") else rest
    parts: list[str | int] = []
    pos = 0
    while pos < len(rest):
        found = _PATH_PART.match(rest, pos)
        if found is None or (pos == 0 and rest.startswith(".")):
            raise ValueError(f"cannot read the key path {text!r} at {rest[pos:]!r}")
        name, index, quoted, dotted_index = found.groups()
        if name is not None:
            parts.append(name)
        elif quoted is not None:
            parts.append(quoted)
        else:
            parts.append(int(index if index is not None else dotted_index))
        pos = found.end()
    if not parts:
        raise ValueError(f"the key path {text!r} is empty")
    return tuple(parts)


def has_key_path(value: Any, path: KeyPath) -> bool:
    """True when `path` leads somewhere inside `value`."""
    for part in path:
        if isinstance(value, Mapping) and str(part) in value:
            value = value[str(part)]
        elif isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value):
            value = value[part]
        else:
            return False
    return True


def question_text(interrupt: PendingInterrupt) -> str:
    """The text a `question` regex is searched in.

    A string value is the question; for an object, its first string among `question`,
    `message`, `prompt`, `description`, `text`, `title`; for a review request, the actions'
    descriptions (else their tool names); otherwise the value as JSON.
    """
    value = interrupt.value
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in _QUESTION_KEYS:
            if isinstance(value.get(key), str):
                return str(value[key])
    review = review_request(value, interrupt.response_schema)
    if review is not None:
        return "\n".join(action.description or action.name for action in review.actions)
    return json.dumps(value, ensure_ascii=False, default=str)


def namespace_path(interrupt: PendingInterrupt) -> tuple[str, ...]:
    """The subgraph path of an interrupt as node names (task ids dropped)."""
    return tuple(segment.split(":", 1)[0] for segment in interrupt.ns)


def _namespace_parts(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[/|›]", text) if part.strip())


def schema_problem(value: Any, schema: Mapping[str, Any] | None) -> str | None:
    """Why `value` does not fit the JSON Schema `schema` (None when it fits or no schema)."""
    if not schema:
        return None
    import jsonschema

    try:
        validator_class = jsonschema.validators.validator_for(schema)
        errors = sorted(validator_class(schema).iter_errors(value), key=lambda e: list(e.path))
    except jsonschema.SchemaError:
        return None
    if not errors:
        return None
    first = errors[0]
    where = ".".join(str(part) for part in first.absolute_path)
    return f"{where}: {first.message}" if where else first.message


@dataclass(frozen=True)
class RuleAnswer:
    """What a rule answers: a text, a JSON value, a decision or form fields."""

    kind: AnswerKind
    value: Any = None
    decision: Decision | None = None


@dataclass(frozen=True)
class AnswerRule:
    """One `[[rule]]`: what it matches and the answer it gives."""

    label: str
    answer: RuleAnswer
    node: str | None = None
    namespace: tuple[str, ...] | None = None
    tool: str | None = None
    question: re.Pattern[str] | None = None
    key: KeyPath | None = None

    def matches(self, interrupt: PendingInterrupt, *, tool: str | None = None) -> bool:
        """True when every matcher of the rule fits `interrupt` (and the action `tool`)."""
        review = review_request(interrupt.value, interrupt.response_schema)
        if self.answer.kind == "decision" and review is None:
            return False
        if self.node is not None and interrupt.node != self.node:
            return False
        if self.namespace is not None and namespace_path(interrupt) != self.namespace:
            return False
        if self.tool is not None:
            names = [tool] if tool is not None else [a.name for a in review.actions] if review else []
            if self.tool not in names:
                return False
        if self.question is not None and not self.question.search(question_text(interrupt)):
            return False
        return self.key is None or has_key_path(interrupt.value, self.key)


# -- loading --------------------------------------------------------------------------------


class _RuleReader:
    """Validates one `[[rule]]` table; every error names the rule and its line."""

    def __init__(self, table: Mapping[str, Any], index: int, where: str) -> None:
        self.table = table
        name = table.get("name")
        self.label = f"rule {index}" + (f' ("{name}")' if isinstance(name, str) else "")
        self.where = where

    def fail(self, problem: str) -> ConfigError:
        return ConfigError(f"{self.where}: {self.label}: {problem}")

    def string(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"`{key}` must be a string, not {type(value).__name__}")
        return value

    def rule(self) -> AnswerRule:
        allowed = (*MATCHERS, *ANSWERS, *_OTHER_KEYS)
        unknown = [key for key in self.table if key not in allowed]
        if unknown:
            raise self.fail(f"unknown key `{unknown[0]}` (rules take: {', '.join(allowed)})")
        self.string("name")
        question = self.string("question")
        key = self.string("key")
        namespace = self.string("namespace")
        try:
            pattern = re.compile(question) if question is not None else None
        except re.error as exc:
            raise self.fail(f"`question` is not a valid regular expression: {exc}") from exc
        try:
            path = parse_key_path(key) if key is not None else None
        except ValueError as exc:
            raise self.fail(f"`key`: {exc}") from exc
        return AnswerRule(
            label=self.label,
            answer=self.answer(),
            node=self.string("node"),
            namespace=_namespace_parts(namespace) if namespace is not None else None,
            tool=self.string("tool"),
            question=pattern,
            key=path,
        )

    def answer(self) -> RuleAnswer:
        given = [kind for kind in ANSWERS if kind in self.table]
        if len(given) != 1:
            which = ", ".join(f"`{k}`" for k in given) if given else "none"
            raise self.fail(f"give exactly one answer: text, json, decision or fields ({which})")
        kind = given[0]
        if kind != "decision":
            for key in ("message", "args"):
                if key in self.table:
                    raise self.fail(f"`{key}` goes with `decision`, not `{kind}`")
        if kind == "text":
            return RuleAnswer("text", self.string("text"))
        if kind == "json":
            raw = self.table["json"]
            if isinstance(raw, str):
                try:
                    raw = json.loads(raw)
                except ValueError as exc:
                    raise self.fail(f"`json` is a string but not valid JSON: {exc}") from exc
            return RuleAnswer("json", raw)
        if kind == "fields":
            fields = self.table["fields"]
            if not isinstance(fields, Mapping):
                raise self.fail("`fields` must be a table of form values")
            return RuleAnswer("fields", dict(fields))
        return RuleAnswer("decision", decision=self.decision())

    def decision(self) -> Decision:
        raw = self.string("decision") or ""
        kind = _ALIASES.get(raw, raw)
        if kind not in DECISIONS:
            raise self.fail(f"`decision` must be one of {', '.join(DECISIONS)}, not {raw!r}")
        message = self.string("message")
        args = self.table.get("args")
        if message is not None and kind not in ("reject", "respond"):
            raise self.fail("`message` goes with decision reject or respond")
        if kind == "respond" and message is None:
            raise self.fail("decision respond needs a `message` (the reply the tool returns)")
        if args is not None and kind != "edit":
            raise self.fail("`args` goes with decision edit")
        if kind == "edit" and not isinstance(args, Mapping):
            raise self.fail("decision edit needs `args`, a table of the arguments to change")
        return Decision(kind, message=message, args=dict(args) if args is not None else None)


def _rule_lines(text: str) -> list[int]:
    """The line number of each `[[rule]]` header, in order."""
    return [text.count("\n", 0, found.start()) + 1 for found in _RULE_HEADER.finditer(text)]


def parse_rules(text: str, source: str = "<answers>") -> list[AnswerRule]:
    """The rules of a TOML document; `ConfigError` (exit 2) names the rule that is wrong."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    extra = [key for key in document if key != "rule"]
    if extra:
        raise ConfigError(f"{source}: unknown top-level key `{extra[0]}`; write [[rule]] tables")
    tables = document.get("rule")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{source}: no rules; write one [[rule]] table per answer")
    lines = _rule_lines(text)
    rules = []
    for index, table in enumerate(tables, start=1):
        line = lines[index - 1] if len(lines) == len(tables) else None
        where = f"{source}:{line}" if line else source
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where}: rule {index} must be a table")
        rules.append(_RuleReader(table, index, where).rule())
    return rules


def load_rules(path: Path) -> list[AnswerRule]:
    """The rules of the file at `path` (`ConfigError` when unreadable or wrong)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the answers file {path}: {exc}") from exc
    return parse_rules(text, str(path))


# -- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AutoAnswer:
    """An answer given without asking: the resume value, how to show it, and its source."""

    value: Any
    shown: str
    source: str


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _shown_decisions(review: ReviewRequest, decisions: Sequence[Decision]) -> str:
    parts = []
    for action, decision in zip(review.actions, decisions, strict=True):
        detail = decision.message or (json.dumps(decision.args) if decision.args else "")
        parts.append(f"{action.name}: {decision.type}" + (f" {detail}" if detail else ""))
    return "; ".join(parts)


class AnswerSheet:
    """The answers prepared for a run: rules first, then the `--answer` texts in order."""

    def __init__(self, rules: Iterable[AnswerRule] = (), texts: Iterable[str] = ()) -> None:
        self.rules = list(rules)
        self.texts: deque[str] = deque(texts)
        self._given = 0

    def __bool__(self) -> bool:
        return bool(self.rules or self.texts)

    def answer(self, interrupt: PendingInterrupt) -> AutoAnswer | None:
        """The prepared answer for `interrupt`, or None when nothing prepared fits it.

        Raises `ConfigError` when the matching rule's answer cannot be sent (a decision the
        review does not allow, form fields that do not fit the schema).
        """
        rule = next((r for r in self.rules if r.matches(interrupt)), None)
        if rule is not None:
            return self._from_rule(rule, interrupt)
        if self.texts:
            self._given += 1
            return self._from_text(self.texts.popleft(), interrupt)
        return None

    def _from_rule(self, rule: AnswerRule, interrupt: PendingInterrupt) -> AutoAnswer | None:
        answer = rule.answer
        if answer.kind == "decision":
            return self._decide(rule, interrupt)
        value = answer.value
        if answer.kind == "fields":
            value = _with_defaults(value, interrupt.response_schema)
        problem = schema_problem(value, interrupt.response_schema)
        if problem is not None:
            raise ConfigError(f"{rule.label}: its answer does not fit the question: {problem}")
        return AutoAnswer(value, _shown(value), rule.label)

    def _decide(self, first: AnswerRule, interrupt: PendingInterrupt) -> AutoAnswer | None:
        review = review_request(interrupt.value, interrupt.response_schema)
        assert review is not None
        decisions: list[Decision] = []
        labels: list[str] = []
        for action in review.actions:
            rule = next((r for r in self.rules if r.matches(interrupt, tool=action.name)), None)
            if rule is None:
                return None
            decision = rule.answer.decision
            if decision is None:
                raise ConfigError(
                    f"{rule.label}: {action.name} is a tool call to review; "
                    "answer it with a `decision`"
                )
            if decision.type not in action.allowed:
                allowed = ", ".join(k for k in DECISIONS if k in action.allowed) or "nothing"
                raise ConfigError(
                    f"{rule.label}: {decision.type} is not allowed for {action.name} "
                    f"(allowed: {allowed})"
                )
            decisions.append(decision)
            labels.append(rule.label)
        from hilcli.decisions import review_resume_value

        value = review_resume_value(review, decisions)
        problem = schema_problem(value, interrupt.response_schema)
        if problem is not None:
            raise ConfigError(f"{first.label}: its decision does not fit the request: {problem}")
        return AutoAnswer(
            value, _shown_decisions(review, decisions), ", ".join(dict.fromkeys(labels))
        )

    def _from_text(self, text: str, interrupt: PendingInterrupt) -> AutoAnswer:
        source = f"--answer #{self._given}"
        review = review_request(interrupt.value, interrupt.response_schema)
        word, _, message = text.partition(":")
        kind = _ALIASES.get(word.strip().lower(), word.strip().lower())
        if review is not None and kind in ("approve", "reject", "respond"):
            decision = Decision(kind, message=message.strip() or None)
            decisions = [decision] * len(review.actions)
            from hilcli.decisions import review_resume_value

            value = review_resume_value(review, decisions)
            return AutoAnswer(value, text, source)
        return AutoAnswer(answer_from_text(interrupt, text), text, source)


def _with_defaults(fields: Mapping[str, Any], schema: Mapping[str, Any] | None) -> dict[str, Any]:
    """Form values with the schema's defaults filled in for the fields not given."""
    out = dict(fields)
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if isinstance(properties, Mapping):
        for name, spec in properties.items():
            if name not in out and isinstance(spec, Mapping) and "default" in spec:
                out[name] = spec["default"]
    return out
