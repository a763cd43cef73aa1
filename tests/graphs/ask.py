"""Graph `ask`: no LLM; asks `interrupt("What is your name?")` and greets the person.

Resume with a plain string; the final AI message is "Hello, {name}! Nice to meet you."
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


class AskState(MessagesState):
    name: str


def ask_name(state: AskState) -> dict[str, Any]:
    name = interrupt("What is your name?")
    return {"name": str(name)}


def greet(state: AskState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"Hello, {state['name']}! Nice to meet you.")]}


builder = StateGraph(AskState)
builder.add_node("ask_name", ask_name)
builder.add_node("greet", greet)
builder.add_edge(START, "ask_name")
builder.add_edge("ask_name", "greet")
graph = builder.compile()
