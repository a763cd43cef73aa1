"""Graph `ask_count`: asks "How many copies?" and reads the answer with `int()`, which raises
`ValueError` on a malformed answer ("three"): the run fails, and the answer is kept among the
checkpoint's pending writes, so every later resume from the latest state fails the same way
(the way back is `hil resume --checkpoint`). A number ends with "Printing N copies."
(`copies` in state); `shelve` then appends "Shelved." (a node after the answer, for
breakpoints and edits: it reads `copies`).
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


class CountState(MessagesState):
    copies: int


def ask_copies(state: CountState) -> dict[str, Any]:
    answer = interrupt("How many copies?")
    return {"copies": int(answer)}


def confirm(state: CountState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"Printing {state['copies']} copies.")]}


def shelve(state: CountState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"Shelved {state['copies']}.")]}


builder = StateGraph(CountState)
builder.add_node("ask_copies", ask_copies)
builder.add_node("confirm", confirm)
builder.add_node("shelve", shelve)
builder.add_edge(START, "ask_copies")
builder.add_edge("ask_copies", "confirm")
builder.add_edge("confirm", "shelve")
graph = builder.compile()
