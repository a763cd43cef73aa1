"""Graph `slow_ask`: works for a while (streaming progress), then asks a question.

Input `{"seconds": S}` (default 4). Node `work` writes the custom events `{"progress": i}`
about every 0.5 s for S seconds, then `ask` calls `interrupt("Still there?")` and stores the
answer in `answer`. Used to check the terminal bell after a long run.
"""

import asyncio
from typing import Any, TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import START, StateGraph
from langgraph.types import interrupt


class SlowState(TypedDict, total=False):
    seconds: float
    answer: str


async def work(state: SlowState) -> dict[str, Any]:
    writer = get_stream_writer()
    seconds = float(state.get("seconds") or 4.0)
    steps = max(1, int(seconds / 0.5))
    for i in range(steps):
        writer({"progress": i})
        await asyncio.sleep(seconds / steps)  # the work being slow, not synchronisation
    return {}


def ask(state: SlowState) -> dict[str, Any]:
    return {"answer": str(interrupt("Still there?"))}


builder = StateGraph(SlowState)
builder.add_node("work", work)
builder.add_node("ask", ask)
builder.add_edge(START, "work")
builder.add_edge("work", "ask")
graph = builder.compile()
