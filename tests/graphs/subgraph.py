"""Graph `subgraph`: the interrupt comes from a node of a child graph.

The parent runs `intro`, then the compiled child graph as node `child` (whose node `quest`
calls `interrupt("What is your quest?")`), then `outro`. With `stream_subgraphs` the child's
events are namespaced `child:<task_id>`; the interrupt also appears at the root.
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


def quest(state: MessagesState) -> dict[str, Any]:
    answer = interrupt("What is your quest?")
    return {"messages": [AIMessage(content=f"Your quest: {answer}")]}


child_builder = StateGraph(MessagesState)
child_builder.add_node("quest", quest)
child_builder.add_edge(START, "quest")
child = child_builder.compile()


def intro(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="Entering the child graph.")]}


def outro(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="Back in the parent graph.")]}


builder = StateGraph(MessagesState)
builder.add_node("intro", intro)
builder.add_node("child", child)
builder.add_node("outro", outro)
builder.add_edge(START, "intro")
builder.add_edge("intro", "child")
builder.add_edge("child", "outro")
graph = builder.compile()
