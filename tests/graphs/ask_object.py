"""Graph `ask_object`: asks in a string and reads `response["type"]` (the LangChain docs'
"review tool calls" shape).

The question is `"Send the email? Answer with {"type": "accept"} or {"type": "cancel"}."`;
a string answer fails the run with `TypeError` (as the docs' graph does). The AI message is
"Sent." for `accept`, else "Cancelled.".
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

QUESTION = 'Send the email? Answer with {"type": "accept"} or {"type": "cancel"}.'


def review(state: MessagesState) -> dict[str, Any]:
    response = interrupt(QUESTION)
    done = "Sent." if response["type"] == "accept" else "Cancelled."
    return {"messages": [AIMessage(content=done)]}


builder = StateGraph(MessagesState)
builder.add_node("review", review)
builder.add_edge(START, "review")
graph = builder.compile()
