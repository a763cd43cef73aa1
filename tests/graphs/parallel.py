"""Graph `parallel`: two nodes run in the same step and each interrupts (two pending).

`ask_colour` asks "What is your favourite colour?", `ask_food` asks "What is your favourite
food?". Resume with `{interrupt_id: answer, ...}` (a subset leaves the rest pending);
`summary` then writes "Favourite colour: …; favourite food: …".
"""

import operator
from typing import Annotated, Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


class ParallelState(MessagesState):
    answers: Annotated[dict[str, str], operator.or_]


def ask_colour(state: ParallelState) -> dict[str, Any]:
    return {"answers": {"colour": str(interrupt("What is your favourite colour?"))}}


def ask_food(state: ParallelState) -> dict[str, Any]:
    return {"answers": {"food": str(interrupt("What is your favourite food?"))}}


def summary(state: ParallelState) -> dict[str, Any]:
    answers = state["answers"]
    text = f"Favourite colour: {answers['colour']}; favourite food: {answers['food']}."
    return {"messages": [AIMessage(content=text)]}


builder = StateGraph(ParallelState)
builder.add_node("ask_colour", ask_colour)
builder.add_node("ask_food", ask_food)
builder.add_node("summary", summary)
builder.add_edge(START, "ask_colour")
builder.add_edge(START, "ask_food")
builder.add_edge(["ask_colour", "ask_food"], "summary")
graph = builder.compile()
