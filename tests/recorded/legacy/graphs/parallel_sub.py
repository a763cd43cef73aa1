"""Two subgraph nodes in parallel, each asking one question (two id-less interrupts there)."""

import operator
from typing import Annotated, Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


class S(MessagesState):
    answers: Annotated[dict[str, str], operator.or_]


def make_child(key: str, question: str) -> Any:
    def ask(state: S) -> dict[str, Any]:
        return {"answers": {key: str(interrupt(question))}}

    b = StateGraph(S)
    b.add_node("ask", ask)
    b.add_edge(START, "ask")
    return b.compile()


def summary(state: S) -> dict[str, Any]:
    a = state["answers"]
    return {"messages": [AIMessage(content=f"Colour {a['colour']}; food {a['food']}.")]}


builder = StateGraph(S)
builder.add_node("colour", make_child("colour", "What is your favourite colour?"))
builder.add_node("food", make_child("food", "What is your favourite food?"))
builder.add_node("summary", summary)
builder.add_edge(START, "colour")
builder.add_edge(START, "food")
builder.add_edge(["colour", "food"], "summary")
graph = builder.compile()
