"""Review requests seen as a list of tool actions, and decisions turned into resume values.

Pure code for the three review shapes of protocol.md section 3: LangChain's
`HumanInTheLoopMiddleware` batched request (`action_requests` + `review_configs`), its
per-call `tool_approval` request, and the legacy Agent Inbox `HumanInterrupt` (alone or in a
list). Decisions are named the middleware's way (approve / reject / respond / edit); the Agent
Inbox equivalents are accept / ignore / response / edit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

ReviewKind = Literal["batched", "per_call", "inbox_list", "inbox"]
DECISIONS = ("approve", "reject", "respond", "edit")
_ALL = frozenset(DECISIONS)
_INBOX_TYPES = {"approve": "accept", "reject": "ignore", "respond": "response", "edit": "edit"}
_INBOX_FLAGS = {
    "approve": "allow_accept",
    "reject": "allow_ignore",
    "respond": "allow_respond",
    "edit": "allow_edit",
}


@dataclass(frozen=True)
class ReviewAction:
    """One tool call a review request asks about, with the decisions it allows."""

    name: str
    args: Mapping[str, Any]
    allowed: frozenset[str]
    description: str | None = None


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one action: its type, and a message or edited arguments."""

    type: str
    message: str | None = None
    args: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ReviewRequest:
    """An interrupt value that asks a person to review tool calls."""

    kind: ReviewKind
    actions: tuple[ReviewAction, ...]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _args(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _batched(value: Mapping[str, Any]) -> ReviewRequest | None:
    requests = value.get("action_requests")
    if not isinstance(requests, list) or not requests:
        return None
    configs = value.get("review_configs")
    allowed_by_name: dict[str, frozenset[str]] = {}
    for config in configs if isinstance(configs, list) else ():
        if isinstance(config, Mapping) and isinstance(config.get("action_name"), str):
            kinds = config.get("allowed_decisions")
            allowed_by_name[config["action_name"]] = (
                frozenset(k for k in kinds if isinstance(k, str))
                if isinstance(kinds, list)
                else _ALL
            )
    actions = []
    for request in requests:
        if not isinstance(request, Mapping) or not isinstance(request.get("name"), str):
            return None
        name = request["name"]
        actions.append(
            ReviewAction(
                name=name,
                args=_args(request.get("args")),
                allowed=allowed_by_name.get(name, _ALL),
                description=_str(request.get("description")),
            )
        )
    return ReviewRequest("batched", tuple(actions))


def _schema_decisions(schema: Mapping[str, Any] | None) -> frozenset[str]:
    """The decision types a per-call `response_schema` (a `oneOf` of decisions) allows."""
    if not isinstance(schema, Mapping) or not isinstance(schema.get("oneOf"), list):
        return _ALL
    found = set()
    for branch in schema["oneOf"]:
        type_schema = _args(_args(_args(branch).get("properties")).get("type"))
        const = type_schema.get("const")
        if isinstance(const, str):
            found.add(const)
        elif isinstance(type_schema.get("enum"), list):
            found.update(k for k in type_schema["enum"] if isinstance(k, str))
    return frozenset(found) or _ALL


def _inbox_action(item: Any) -> ReviewAction | None:
    if not isinstance(item, Mapping):
        return None
    request = item.get("action_request")
    if not isinstance(request, Mapping) or not isinstance(request.get("action"), str):
        return None
    config = _args(item.get("config"))
    allowed = frozenset(k for k, flag in _INBOX_FLAGS.items() if config.get(flag, False))
    return ReviewAction(
        name=request["action"],
        args=_args(request.get("args")),
        allowed=allowed,
        description=_str(item.get("description")),
    )


def review_request(value: Any, schema: Mapping[str, Any] | None = None) -> ReviewRequest | None:
    """The review request in an interrupt value, or None when the value is not one."""
    if isinstance(value, Mapping):
        if "action_requests" in value:
            return _batched(value)
        if value.get("type") == "tool_approval" and isinstance(value.get("name"), str):
            action = ReviewAction(
                name=value["name"],
                args=_args(value.get("args")),
                allowed=_schema_decisions(schema),
                description=_str(value.get("description")),
            )
            return ReviewRequest("per_call", (action,))
        single = _inbox_action(value)
        return ReviewRequest("inbox", (single,)) if single else None
    if isinstance(value, list) and value:
        actions = [_inbox_action(item) for item in value]
        if all(action is not None for action in actions):
            return ReviewRequest("inbox_list", tuple(a for a in actions if a is not None))
    return None


def _middleware_decision(action: ReviewAction, decision: Decision) -> dict[str, Any]:
    if decision.type == "edit":
        args = {**action.args, **(decision.args or {})}
        return {"type": "edit", "edited_action": {"name": action.name, "args": args}}
    out: dict[str, Any] = {"type": decision.type}
    if decision.type in ("reject", "respond") and decision.message is not None:
        out["message"] = decision.message
    return out


def _inbox_response(action: ReviewAction, decision: Decision) -> dict[str, Any]:
    kind = _INBOX_TYPES[decision.type]
    if decision.type == "edit":
        args = {**action.args, **(decision.args or {})}
        return {"type": kind, "args": {"action": action.name, "args": args}}
    if decision.type == "respond":
        return {"type": kind, "args": decision.message or ""}
    return {"type": kind, "args": None}


def review_resume_value(request: ReviewRequest, decisions: Sequence[Decision]) -> Any:
    """The resume value carrying one decision per action, in the shape the request expects.

    An `edit` decision's `args` are laid over the proposed arguments (keys not given stay).
    """
    if len(decisions) != len(request.actions):
        raise ValueError(f"{len(request.actions)} actions need as many decisions")
    pairs = list(zip(request.actions, decisions, strict=True))
    if request.kind == "batched":
        return {"decisions": [_middleware_decision(a, d) for a, d in pairs]}
    if request.kind == "per_call":
        return _middleware_decision(*pairs[0])
    responses = [_inbox_response(a, d) for a, d in pairs]
    return responses if request.kind == "inbox_list" else responses[0]
