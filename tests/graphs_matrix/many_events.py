"""Graph `many_events`: a run whose stream carries numbered `custom` events.

Input `{"count": N}` (default 120). Node `emit` writes `{"i": 0} … {"i": N-1}` with the stream
writer (in langgraph since 0.2.6x), then the state gets "Emitted N events.".
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.config import get_stream_writer
from langgraph.graph import START, MessagesState, StateGraph


class ManyState(MessagesState, total=False):
    count: int


def emit(state: ManyState) -> dict[str, Any]:
    count = int(state.get("count") or 120)
    writer = get_stream_writer()
    for i in range(count):
        writer({"i": i})
    return {"messages": [AIMessage(content=f"Emitted {count} events.")]}


builder = StateGraph(ManyState)
builder.add_node("emit", emit)
builder.add_edge(START, "emit")
graph = builder.compile()
