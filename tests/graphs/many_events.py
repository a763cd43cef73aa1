"""Graph `many_events`: emits many `custom` events, then one update per batch.

Input `{"count": N, "delay": seconds}` (defaults 200 and 0). Node `emit` writes the custom
events `{"i": 0} … {"i": N-1}` with the stream writer, sleeping `delay` between them; the
state ends with `emitted == N` and an AI message "Emitted N events.".
"""

import asyncio
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.config import get_stream_writer
from langgraph.graph import START, MessagesState, StateGraph


class ManyState(MessagesState, total=False):
    count: int
    delay: float
    emitted: int


async def emit(state: ManyState) -> dict[str, Any]:
    count = int(state.get("count") or 200)
    delay = float(state.get("delay") or 0.0)
    writer = get_stream_writer()
    for i in range(count):
        writer({"i": i})
        if delay:
            await asyncio.sleep(delay)  # pacing the stream, not synchronisation
    return {"emitted": count, "messages": [AIMessage(content=f"Emitted {count} events.")]}


builder = StateGraph(ManyState)
builder.add_node("emit", emit)
builder.add_edge(START, "emit")
graph = builder.compile()
