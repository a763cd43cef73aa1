"""Graph `ask`: the seed how-to. Asks `interrupt("Where are you located?")`, then answers
"It's sunny in <place>!" (no LLM).

Written for every langgraph the matrix serves (0.2.6x to 1.2.x): only `StateGraph`,
`MessagesState`, `interrupt` and plain state updates.
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


class AskState(MessagesState, total=False):
    location: str


def ask_human(state: AskState) -> dict[str, Any]:
    return {"location": str(interrupt("Where are you located?"))}


def weather(state: AskState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"It's sunny in {state['location']}!")]}


builder = StateGraph(AskState)
builder.add_node("ask_human", ask_human)
builder.add_node("weather", weather)
builder.add_edge(START, "ask_human")
builder.add_edge("ask_human", "weather")
graph = builder.compile()
