"""Graph `agent`: wait for user input using `interrupt` (the LangGraph how-to, scripted).

Try: "Ask the user where they are, then look up the weather there".

1. The model calls the `AskHuman` tool ("Where are you located?").
2. The `ask_human` node calls `interrupt("Where are you located?")`; the client resumes it
   with the location as a plain string (`{"command": {"resume": "san francisco"}}`), which
   becomes the `AskHuman` tool result.
3. The model calls `search` with the location; the tool answers as in the how-to.
4. The model answers "Based on the search results, it's currently sunny in San Francisco…".

Any message that does not mention weather or location gets a short reply with that hint,
and no interrupt.
"""

import re
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.types import interrupt
from pydantic import BaseModel

from hilcli.server.demo._scripted import ScriptedChatModel, last_turn, tool_call, tool_results

TRY_THIS = "Ask the user where they are, then look up the weather there"
_ABOUT_WEATHER = re.compile(r"weather|where|locat|forecast|temperature|sunny|rain", re.I)


class AskHuman(BaseModel):
    """Ask the human a question."""

    question: str


@tool
def search(query: str) -> str:
    """Call to surf the web."""
    # A placeholder for a real search, as in the how-to (don't tell the model 😊).
    place = re.sub(r"^\s*weather in\s+", "", query, flags=re.I)
    return (
        f"I looked up: {query}. Result: It's sunny in {place}, "
        "but you better look out if you're a Gemini 😈."
    )


def _place(location: str) -> str:
    """The location as the user typed it, capitalised if they typed it all in lowercase."""
    place = location.strip() or "an undisclosed location"
    return place.title() if place.islower() else place


def script(messages: list[BaseMessage]) -> AIMessage:
    """What the weather agent's model says next, given the conversation."""
    text, after = last_turn(messages)
    results = tool_results(after)
    if "search" in results and "AskHuman" in results:
        place = _place(str(results["AskHuman"].content))
        return AIMessage(
            content=(
                f"Based on the search results, it's currently sunny in {place}. "
                "The search result also warns Geminis to look out 😈."
            )
        )
    if "AskHuman" in results:
        place = _place(str(results["AskHuman"].content))
        return tool_call("search", {"query": f"weather in {place}"})
    if _ABOUT_WEATHER.search(text):
        return tool_call("AskHuman", {"question": "Where are you located?"})
    return AIMessage(
        content=(
            f'You said: "{text}". I am a scripted demo agent that only knows one trick. '
            f'Try: "{TRY_THIS}".'
        )
    )


model = ScriptedChatModel(reply=script, token_delay=0.01).bind_tools([search, AskHuman])


def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
    return {"messages": [model.invoke(state["messages"])]}


def ask_human(state: MessagesState) -> dict[str, list[dict[str, Any]]]:
    last = state["messages"][-1]
    assert isinstance(last, AIMessage)
    call = last.tool_calls[0]
    ask = AskHuman.model_validate(call["args"])
    location = interrupt(ask.question)
    content = location if isinstance(location, str) else str(location)
    tool_message = {"tool_call_id": call["id"], "type": "tool", "name": "AskHuman"}
    return {"messages": [{**tool_message, "content": content}]}


def should_continue(state: MessagesState) -> str:
    last = state["messages"][-1]
    if not isinstance(last, AIMessage) or not last.tool_calls:
        return END
    if last.tool_calls[0]["name"] == "AskHuman":
        return "ask_human"
    return "action"


workflow = StateGraph(MessagesState)
workflow.add_node("agent", call_model)
workflow.add_node("action", ToolNode([search]))
workflow.add_node("ask_human", ask_human)
workflow.add_edge(START, "agent")
workflow.add_conditional_edges("agent", should_continue, ["ask_human", "action", END])
workflow.add_edge("action", "agent")
workflow.add_edge("ask_human", "agent")

graph = workflow.compile()
