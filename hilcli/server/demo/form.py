"""Graph `form`: an interrupt that carries a JSON Schema for its answer.

The `book` node calls `interrupt("Please fill in your booking details.",
response_schema=BOOKING_SCHEMA)`. The schema is an object with `name` (string), `nights`
(integer ≥ 1), `breakfast` (boolean, default false) and `room` (one of single / double /
suite, default double). Resume with an object, e.g.
`{"name": "Ada", "nights": 2, "breakfast": true, "room": "suite"}`.

A dict schema is surfaced to the client as-is and is *not* validated by langgraph on
resume, so the node checks the answer itself and asks again if it does not fit.
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

QUESTION = "Please fill in your booking details."
ROOMS = ["single", "double", "suite"]
BOOKING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Booking",
    "properties": {
        "name": {"type": "string", "description": "Name of the guest"},
        "nights": {"type": "integer", "minimum": 1, "description": "Number of nights"},
        "breakfast": {"type": "boolean", "default": False, "description": "Breakfast included"},
        "room": {"type": "string", "enum": ROOMS, "default": "double", "description": "Room"},
    },
    "required": ["name", "nights"],
}


class BookingState(MessagesState):
    booking: dict[str, Any]


def _problem(answer: Any) -> str | None:
    """Why `answer` does not fit `BOOKING_SCHEMA`, or None."""
    if not isinstance(answer, dict):
        return "the answer must be an object"
    if not isinstance(answer.get("name"), str) or not answer["name"].strip():
        return "name is required"
    nights = answer.get("nights")
    if not isinstance(nights, int) or isinstance(nights, bool) or nights < 1:
        return "nights must be an integer of at least 1"
    if not isinstance(answer.get("breakfast", False), bool):
        return "breakfast must be true or false"
    if answer.get("room", "double") not in ROOMS:
        return f"room must be one of {', '.join(ROOMS)}"
    return None


def book(state: BookingState) -> dict[str, Any]:
    question = QUESTION
    while True:  # each interrupt() call in a node is a separate question
        answer = interrupt(question, response_schema=BOOKING_SCHEMA)
        problem = _problem(answer)
        if problem is None:
            break
        question = f"That did not work ({problem}). {QUESTION}"
    booking = {"breakfast": False, "room": "double", **answer}
    nights = booking["nights"]
    summary = (
        f"Booked a {booking['room']} room for {booking['name']}, {nights} "
        f"night{'s' if nights != 1 else ''}, "
        f"{'with' if booking['breakfast'] else 'without'} breakfast."
    )
    return {"booking": booking, "messages": [AIMessage(content=summary)]}


workflow = StateGraph(BookingState)
workflow.add_node("book", book)
workflow.add_edge(START, "book")

graph = workflow.compile()
