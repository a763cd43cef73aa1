"""Graph `slow`: ticks for a while, then ends with a final message.

Input `{"seconds": S}` (default 4). Node `work` writes `{"tick": i}` custom events about every
0.25 s for S seconds and ends with the AI message "Done after N ticks.". For detach/attach,
Ctrl-C cancel and busy-thread tests: the run is still running while they act on it.
"""

import asyncio
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.config import get_stream_writer
from langgraph.graph import START, MessagesState, StateGraph


class SlowState(MessagesState, total=False):
    seconds: float


async def work(state: SlowState) -> dict[str, Any]:
    writer = get_stream_writer()
    steps = max(1, int(float(state.get("seconds") or 4.0) / 0.25))
    for i in range(steps):
        writer({"tick": i})
        await asyncio.sleep(0.25)  # the work being slow, not synchronisation
    return {"messages": [AIMessage(content=f"Done after {steps} ticks.")]}


builder = StateGraph(SlowState)
builder.add_node("work", work)
builder.add_edge(START, "work")
graph = builder.compile()
