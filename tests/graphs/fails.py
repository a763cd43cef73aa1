"""Graph `fails`: the node `explode` raises `ValueError("boom")`."""

from typing import Any

from langgraph.graph import START, MessagesState, StateGraph


def explode(state: MessagesState) -> dict[str, Any]:
    raise ValueError("boom")


builder = StateGraph(MessagesState)
builder.add_node("explode", explode)
builder.add_edge(START, "explode")
graph = builder.compile()
