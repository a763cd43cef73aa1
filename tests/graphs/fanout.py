"""Graph `fanout`: plan approval, then three writers streaming at once (`Send`), as the
research agent of issue 12 does.

Node `plan` writes "Plan: Introduction, Method, Conclusion." and asks, in a string,
"Approve the plan? Answer true or false." (it approves only on the boolean `true`; any
other answer ends the run with "Plan rejected."). On `true` it sends one `write_section`
task per title with `Send`; the three run in the same step and stream their text at once:
each waits until all three have started (an `asyncio.Barrier`), then streams its tokens,
giving way to the others after every token, so the token events of the three sections
interleave on the stream.

Each section is written by a `GenericFakeChatModel` (langchain_core's scripted chat model),
streaming a Markdown text split on whitespace: "## TITLE", a blank line, then "TITLE
paragraph one: …", a blank line, "TITLE paragraph two: … End of TITLE." Its chunks carry
the message's own id ("section-TITLE-…") and no closing mark, so langchain_core ends the
message with an empty closing chunk under another id (its run id), as provider models
whose chunks carry their own ids do. The writers store `{"title", "characters"}` in
`sections` (not the text: the streamed message is the only place the text appears).
Node `report` then writes "Report: 3 sections written.".
"""

import asyncio
import operator
import re
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, TypedDict

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.types import Send, interrupt

TITLES = ("Introduction", "Method", "Conclusion")
QUESTION = "Approve the plan? Answer true or false."


def section_text(title: str) -> str:
    """The Markdown a writer streams for `title`."""
    one = " ".join(f"{title} sentence {n} of paragraph one." for n in range(1, 5))
    two = " ".join(f"{title} sentence {n} of paragraph two." for n in range(1, 4))
    end = f"End of {title}."
    return f"## {title}\n\n{title} paragraph one: {one}\n\n{title} paragraph two: {two} {end}"


class TurnTakingFakeChatModel(GenericFakeChatModel):
    """`GenericFakeChatModel` streaming asynchronously, yielding to other tasks after each
    token (so writers running at once interleave), its chunks under the message's own id."""

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        message = self._generate(messages, stop=stop).generations[0].message
        for token in re.split(r"(\s)", str(message.content)):
            if token:
                yield ChatGenerationChunk(message=AIMessageChunk(content=token, id=message.id))
                await asyncio.sleep(0)  # give way to the other writers


class ReportState(MessagesState):
    approved: bool
    sections: Annotated[list[dict[str, Any]], operator.add]


class SectionTask(TypedDict):
    title: str


_barriers: dict[str, asyncio.Barrier] = {}


async def _all_started(config: RunnableConfig) -> None:
    """Wait until every writer of this step has started (one barrier per thread and step)."""
    configurable = config.get("configurable") or {}
    metadata = config.get("metadata") or {}
    key = f"{configurable.get('thread_id')}:{metadata.get('langgraph_step')}"
    barrier = _barriers.setdefault(key, asyncio.Barrier(len(TITLES)))
    await barrier.wait()
    _barriers.pop(key, None)


def plan(state: ReportState) -> dict[str, Any]:
    approved = interrupt(QUESTION)
    return {"approved": approved is True}


def plan_message(state: ReportState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"Plan: {', '.join(TITLES)}.")]}


def fan_out(state: ReportState) -> Any:
    if not state.get("approved"):
        return "rejected"
    return [Send("write_section", {"title": title}) for title in TITLES]


async def write_section(task: SectionTask, config: RunnableConfig) -> dict[str, Any]:
    title = task["title"]
    message = AIMessage(content=section_text(title), id=f"section-{title}-{uuid.uuid4().hex[:8]}")
    model = TurnTakingFakeChatModel(messages=iter([message]))
    await _all_started(config)
    written = await model.ainvoke(f"Write the section {title}.", config)
    return {"sections": [{"title": title, "characters": len(str(written.content))}]}


def rejected(state: ReportState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="Plan rejected.")]}


def report(state: ReportState) -> dict[str, Any]:
    count = len(state.get("sections") or [])
    return {"messages": [AIMessage(content=f"Report: {count} sections written.")]}


builder = StateGraph(ReportState)
builder.add_node("plan_message", plan_message)
builder.add_node("plan", plan)
builder.add_node("write_section", write_section)
builder.add_node("rejected", rejected)
builder.add_node("report", report)
builder.add_edge(START, "plan_message")
builder.add_edge("plan_message", "plan")
builder.add_conditional_edges("plan", fan_out, ["write_section", "rejected"])
builder.add_edge("write_section", "report")
builder.add_edge("rejected", END)
builder.add_edge("report", END)
graph = builder.compile()
