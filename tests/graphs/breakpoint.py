"""Graph `breakpoint`: a static breakpoint (`interrupt_before=["finish"]`), no `interrupt()`.

The run stops after `prepare` with `status: "interrupted"`, no interrupts and
`next: ["finish"]`; continue it with `"input": null`.
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph


def prepare(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="Prepared; stopping at the breakpoint.")]}


def finish(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="Finished after the breakpoint.")]}


builder = StateGraph(MessagesState)
builder.add_node("prepare", prepare)
builder.add_node("finish", finish)
builder.add_edge(START, "prepare")
builder.add_edge("prepare", "finish")
graph = builder.compile(interrupt_before=["finish"])
