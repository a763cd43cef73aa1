"""Graph `review`: a tool-call review shaped like LangChain's `HumanInTheLoopMiddleware`.

The interrupt value is the middleware's batched request, `{"action_requests": [...],
"review_configs": [...]}`, for one `book_hotel` call; the answer is `{"decisions": [...]}`.
Node `act` then reports what it did: "Booked Hotel Sol for 2 nights." on approve,
"Not booked: <message>" on reject, "Booked <hotel> for <n> nights." on edit.

Hand-built (not the real middleware) because langchain 1.x is not installable beside the
older langgraph generations of the matrix, and one graph must run unchanged on all of them.
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

ARGS = {"hotel": "Hotel Sol", "nights": 2}


def act(state: MessagesState) -> dict[str, Any]:
    request = {
        "action_requests": [
            {
                "name": "book_hotel",
                "args": dict(ARGS),
                "description": "Tool execution requires approval",
            }
        ],
        "review_configs": [
            {"action_name": "book_hotel", "allowed_decisions": ["approve", "edit", "reject"]}
        ],
    }
    answer = interrupt(request)
    decisions = answer.get("decisions", []) if isinstance(answer, dict) else []
    decision = decisions[0] if decisions and isinstance(decisions[0], dict) else {}
    kind = decision.get("type")
    if kind == "approve":
        text = f"Booked {ARGS['hotel']} for {ARGS['nights']} nights."
    elif kind == "edit":
        args = decision.get("edited_action", {}).get("args", {})
        text = f"Booked {args.get('hotel')} for {args.get('nights')} nights."
    elif kind == "reject":
        text = f"Not booked: {decision.get('message', '')}"
    else:
        text = f"Unexpected answer: {answer!r}"
    return {"messages": [AIMessage(content=text)]}


builder = StateGraph(MessagesState)
builder.add_node("act", act)
builder.add_edge(START, "act")
graph = builder.compile()
