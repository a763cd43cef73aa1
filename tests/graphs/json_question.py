"""Graph `json_question`: an interrupt whose value is a JSON object, not a string.

Value: `{"question": "Approve topic cats?", "options": ["yes", "no", "maybe"]}`. Any JSON
answer is accepted; the final AI message is `You answered: <answer as JSON>`.
"""

import json
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

QUESTION = {"question": "Approve topic cats?", "options": ["yes", "no", "maybe"]}


class JsonState(MessagesState):
    answer: Any


def decide(state: JsonState) -> dict[str, Any]:
    answer = interrupt(QUESTION)
    return {
        "answer": answer,
        "messages": [AIMessage(content=f"You answered: {json.dumps(answer)}")],
    }


builder = StateGraph(JsonState)
builder.add_node("decide", decide)
builder.add_edge(START, "decide")
graph = builder.compile()
