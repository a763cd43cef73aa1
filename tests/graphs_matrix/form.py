"""Graph `form`: a question with a JSON Schema for its answer (a hotel booking).

Where the installed langgraph's `interrupt` takes `response_schema=` (found by its signature,
not its version), the schema goes with the question; elsewhere the same question is asked
without it. The answer `{"nights": N}` is reported as "Booked N nights.".
"""

import inspect
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

QUESTION = "How many nights?"
SCHEMA = {
    "type": "object",
    "properties": {
        "nights": {"type": "integer", "minimum": 1, "description": "Nights to book"},
    },
    "required": ["nights"],
}
HAS_SCHEMA = "response_schema" in inspect.signature(interrupt).parameters


def ask(state: MessagesState) -> dict[str, Any]:
    if HAS_SCHEMA:
        answer = interrupt(QUESTION, response_schema=SCHEMA)
    else:
        answer = interrupt(QUESTION)
    nights = answer.get("nights") if isinstance(answer, dict) else answer
    return {"messages": [AIMessage(content=f"Booked {nights} nights.")]}


builder = StateGraph(MessagesState)
builder.add_node("ask", ask)
builder.add_edge(START, "ask")
graph = builder.compile()
