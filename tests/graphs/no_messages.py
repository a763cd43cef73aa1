"""Graph `no_messages`: state without messages; input `{"topic": "cats"}`.

Node `review` interrupts with `{"question": f"Approve topic {topic}?"}` and appends the
answer to `answers`; the final state is `{"topic": ..., "answers": [answer]}`.
"""

import operator
from typing import Annotated, Any, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.types import interrupt


class TopicState(TypedDict):
    topic: str
    answers: Annotated[list[Any], operator.add]


def review(state: TopicState) -> dict[str, Any]:
    answer = interrupt({"question": f"Approve topic {state['topic']}?"})
    return {"answers": [answer]}


builder = StateGraph(TopicState)
builder.add_node("review", review)
builder.add_edge(START, "review")
graph = builder.compile()
