"""Graph `form_validated`: like `form`, but the schema is a Pydantic model.

langgraph converts the model to JSON Schema for `response_schema` and validates the resume
value: a bad answer (e.g. `{"name": "Ada", "nights": 0}`) makes the run fail in-stream with
`ValidationError`, nothing is saved, and the same interrupt can be answered again.
"""

from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt
from pydantic import BaseModel, Field


class Booking(BaseModel):
    """Booking details."""

    name: str = Field(description="Name of the guest")
    nights: int = Field(ge=1, description="Number of nights")
    breakfast: bool = Field(default=False, description="Breakfast included")
    room: Literal["single", "double", "suite"] = Field(default="double", description="Room")


def book(state: MessagesState) -> dict[str, Any]:
    booking = interrupt("Please fill in your booking details.", response_schema=Booking)
    text = f"Booked a {booking.room} room for {booking.name}, {booking.nights} night(s)."
    return {"messages": [AIMessage(content=text)]}


builder = StateGraph(MessagesState)
builder.add_node("book", book)
builder.add_edge(START, "book")
graph = builder.compile()
