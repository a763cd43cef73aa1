"""Graph `loop`: asks N questions in a row, one `interrupt` per round (the server benchmark).

Input `{"n": 10}` (default 10). Round i asks `"Question i of N: what is your answer?"` as a
plain string; each answer is appended to `answers`, and after N rounds the final AI message is
`"Got N answers."`. Each round is a new task, so each interrupt is a new one.

Written for every langgraph the matrix serves (0.2.6x to 1.2.x): only `StateGraph`,
`MessagesState`, `interrupt`, a conditional edge and plain state updates.
"""

import operator
from typing import Annotated, Any

from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.types import interrupt


class LoopState(MessagesState, total=False):
    n: int
    answers: Annotated[list[str], operator.add]


def ask(state: LoopState) -> dict[str, Any]:
    total = state.get("n") or 10
    done = len(state.get("answers") or [])
    answer = interrupt(f"Question {done + 1} of {total}: what is your answer?")
    return {"answers": [str(answer)]}


def report(state: LoopState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"Got {len(state.get('answers') or [])} answers.")]}


def next_step(state: LoopState) -> str:
    return "report" if len(state.get("answers") or []) >= (state.get("n") or 10) else "ask"


builder = StateGraph(LoopState)
builder.add_node("ask", ask)
builder.add_node("report", report)
builder.add_edge(START, "ask")
builder.add_conditional_edges("ask", next_step, ["ask", "report"])
builder.add_edge("report", END)
graph = builder.compile()
