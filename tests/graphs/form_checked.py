"""Graph `form_checked`: a form whose server-side check is stricter than its JSON Schema.

The Pydantic model's `email` is a plain string in `response_schema`, but a validator
requires an `@`: an answer such as `{"email": "bob"}` passes local validation and is
refused by the server with an in-stream `ValidationError` (nothing is saved), so the same
interrupt can be answered again. The final AI message is "Signed up <email> (<plan>)."
"""

from typing import Any, Literal

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt
from pydantic import BaseModel, Field, field_validator


class Signup(BaseModel):
    """Sign-up details."""

    email: str = Field(description="Your e-mail address")
    plan: Literal["free", "pro"] = Field(default="free", description="Plan")

    @field_validator("email")
    @classmethod
    def _has_at(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError("an e-mail address needs an @")
        return value


def signup(state: MessagesState) -> dict[str, Any]:
    answer = interrupt("Sign up for the newsletter.", response_schema=Signup)
    return {"messages": [AIMessage(content=f"Signed up {answer.email} ({answer.plan}).")]}


builder = StateGraph(MessagesState)
builder.add_node("signup", signup)
builder.add_edge(START, "signup")
graph = builder.compile()
