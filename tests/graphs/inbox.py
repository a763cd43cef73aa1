"""Graphs `inbox` and `inbox_single`: Agent Inbox `HumanInterrupt` requests (legacy format).

`inbox` calls `interrupt([request])` (the conventional list form) and reads the first
`HumanResponse` of the reply; `inbox_single` calls `interrupt(request)` with the bare
request and reads one `HumanResponse` (or a one-item list). The request proposes
`run_command` with `{"command": "ls -l"}`; `inbox` allows accept / edit / respond / ignore,
`inbox_single` only accept / respond. The final AI message says what was decided:
"Ran ls -l.", "Ran <edited command>.", "Not run; you said: <text>." or "Ignored.".
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

ACTION = {"action": "run_command", "args": {"command": "ls -l"}}
DESCRIPTION = "The agent wants to run a shell command. Please review it."


def _request(*, allow_edit: bool, allow_ignore: bool) -> dict[str, Any]:
    return {
        "action_request": ACTION,
        "config": {
            "allow_ignore": allow_ignore,
            "allow_respond": True,
            "allow_edit": allow_edit,
            "allow_accept": True,
        },
        "description": DESCRIPTION,
    }


def _outcome(response: Any) -> str:
    if isinstance(response, list) and response:
        response = response[0]
    if not isinstance(response, dict):
        return f"Unexpected answer: {response!r}."
    kind, args = response.get("type"), response.get("args")
    if kind == "accept":
        return f"Ran {ACTION['args']['command']}."
    if kind == "edit" and isinstance(args, dict):
        return f"Ran {args.get('args', {}).get('command')}."
    if kind == "response":
        return f"Not run; you said: {args}."
    if kind == "ignore":
        return "Ignored."
    return f"Unexpected answer: {response!r}."


def review_list(state: MessagesState) -> dict[str, Any]:
    response = interrupt([_request(allow_edit=True, allow_ignore=True)])
    return {"messages": [AIMessage(content=_outcome(response))]}


def review_single(state: MessagesState) -> dict[str, Any]:
    response = interrupt(_request(allow_edit=False, allow_ignore=False))
    return {"messages": [AIMessage(content=_outcome(response))]}


_list_builder = StateGraph(MessagesState)
_list_builder.add_node("review", review_list)
_list_builder.add_edge(START, "review")
graph = _list_builder.compile()

_single_builder = StateGraph(MessagesState)
_single_builder.add_node("review", review_single)
_single_builder.add_edge(START, "review")
single_graph = _single_builder.compile()
