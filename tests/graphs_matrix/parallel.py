"""Graph `parallel`: two nodes run in the same step and each interrupts (two pending at once).

`ask_colour` asks "What is your favourite colour?", `ask_food` asks "What is your favourite
food?"; `summary` then writes "Answers: A, B." with the two answers sorted, so the message does
not depend on the order in which a server lists (and a client answers) the questions.
"""

import operator
from typing import Annotated, Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


class ParallelState(MessagesState, total=False):
    answers: Annotated[list[str], operator.add]


def ask_colour(state: ParallelState) -> dict[str, Any]:
    return {"answers": [str(interrupt("What is your favourite colour?"))]}


def ask_food(state: ParallelState) -> dict[str, Any]:
    return {"answers": [str(interrupt("What is your favourite food?"))]}


def summary(state: ParallelState) -> dict[str, Any]:
    text = "Answers: " + ", ".join(sorted(state["answers"])) + "."
    return {"messages": [AIMessage(content=text)]}


builder = StateGraph(ParallelState)
builder.add_node("ask_colour", ask_colour)
builder.add_node("ask_food", ask_food)
builder.add_node("summary", summary)
builder.add_edge(START, "ask_colour")
builder.add_edge(START, "ask_food")
builder.add_edge(["ask_colour", "ask_food"], "summary")
graph = builder.compile()
