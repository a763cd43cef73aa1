"""Graph `ask_age`: asks in a string and accepts only an int (LangChain's "validate input").

The question is the string `"What is your age?"`; an answer that is not a positive `int`
(the string "42" included) is asked again as `"'<answer>' is not a valid age. What is your
age?"`. A valid age ends with the AI message "You are <age> years old." (`age` in state).
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt


class AgeState(MessagesState):
    age: int


def get_age(state: AgeState) -> dict[str, Any]:
    prompt = "What is your age?"
    while True:
        answer = interrupt(prompt)
        if isinstance(answer, int) and not isinstance(answer, bool) and answer > 0:
            break
        prompt = f"'{answer}' is not a valid age. What is your age?"
    return {"age": answer, "messages": [AIMessage(content=f"You are {answer} years old.")]}


builder = StateGraph(AgeState)
builder.add_node("get_age", get_age)
builder.add_edge(START, "get_age")
graph = builder.compile()
