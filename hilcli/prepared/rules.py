"""Answer rules: a person's answers written down in advance (`--answers FILE.toml`, `--answer`).

A rules file is an ordered list of `[[rule]]` tables. A rule matches a pending interrupt by
any of `node`, `namespace`, `tool`, `question` (a regular expression searched in the question
text) and `key` (a path such as `options[0]` or `$.a.b` that must exist in the value); every
matcher given must match, and a rule without matchers matches everything. It gives one answer:
`text`, `json`, `decision` (approve / reject / respond / edit, with `message` or `args`) or
`fields` (form values; missing fields take the schema's defaults). A `decision` rule only
matches review requests; in a batched review each action is decided by the first rule that
matches it. The first matching rule answers (see `hilcli.prepared.choosing`). Pure code.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hilcli.errors import ConfigError
from hilcli.events import namespace_path
from hilcli.interrupts import Decision, Question, ReviewRequest, question_text

AnswerKind = Literal["text", "json", "decision", "fields"]
MATCHERS = ("node", "namespace", "tool", "question", "key")
ANSWERS: tuple[AnswerKind, ...] = ("text", "json", "decision", "fields")
_OTHER_KEYS = ("name", "message", "args")
DECISIONS = ("approve", "reject", "respond", "edit")
#: Agent Inbox names accepted for the middleware's decisions.
DECISION_ALIASES = {"accept": "approve", "ignore": "reject", "response": "respond"}
_RULE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*rule[ \t]*\]\]", re.M)
_PATH_PART = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[\"([^\"]*)\"\]|\.(\d+)")

KeyPath = tuple[str | int, ...]


def parse_key_path(text: str) -> KeyPath:
    """`a.b[0]`, `$.a.b.0` or `a["odd key"]` as a tuple of keys and indexes."""
    rest = text.strip().removeprefix("$")
    rest = rest.removeprefix(".") if not rest.startswith("..") else rest
    parts: list[str | int] = []
    pos = 0
    while pos < len(rest):
        found = _PATH_PART.match(rest, pos)
        if found is None:
            raise ValueError(f"cannot read the key path {text!r} at {rest[pos:]!r}")
        name, index, quoted, dotted_index = found.groups()
        if name is not None and pos > 0 and rest[pos] != ".":
            raise ValueError(f"cannot read the key path {text!r} at {rest[pos:]!r}")
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


def _namespace_parts(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[/|›]", text) if part.strip())


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
    where: str = "<answers>"
    node: str | None = None
    namespace: tuple[str, ...] | None = None
    tool: str | None = None
    question: re.Pattern[str] | None = None
    key: KeyPath | None = None

    def matches(self, question: Question, *, tool: str | None = None) -> bool:
        """True when every matcher of the rule fits the (classified) interrupt and action `tool`."""
        interrupt = question.interrupt
        review = question if isinstance(question, ReviewRequest) else None
        if self.answer.kind == "decision" and review is None:
            return False
        if self.node is not None and interrupt.node != self.node:
            return False
        if self.namespace is not None and namespace_path(interrupt.ns) != self.namespace:
            return False
        if self.tool is not None:
            names = (
                [tool] if tool is not None else [r.name for r in review.reviews] if review else []
            )
            if self.tool not in names:
                return False
        if self.question is not None and not self.question.search(question_text(question)):
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
            where=self.where,
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
        kind = DECISION_ALIASES.get(raw, raw)
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
