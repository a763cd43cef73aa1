"""Graph `inbox_email`: an Agent Inbox request that allows only respond / ignore, with an
email as a long Markdown `description` (as the email assistant of issue 12 sends).

Node `read` writes "An email from Ada needs your reply."; node `triage` then calls
`interrupt([request])` proposing `reply_email` to ada@example.com. The description is
Markdown (a heading, bold, a numbered list, a quote, a fenced block) of about 2,500
characters; it also carries text that must stay data: Rich markup (`[bold red]…`) and an
escape sequence (ESC `[31m`). Its last line is "Thanks, Ada. END OF EMAIL".

Resume with `[{"type": "response", "args": TEXT}]` (the AI message is then "Replied to
Ada: TEXT") or `[{"type": "ignore", "args": null}]` ("Ignored the email.").
"""

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import interrupt

FILLER = (
    "The appendix lists every regional figure, the assumptions behind the forecast and the "
    "corrections made since the draft of last month, so that the board can check each line. "
)

DESCRIPTION = (
    "# Email from Ada Lovelace\n\n"
    "**Subject:** Quarterly numbers, *please confirm*\n\n"
    "Hi team,\n\n"
    "The quarterly report is attached. Before I send it to the board, please confirm:\n\n"
    "1. The revenue figure of **1.2M** is final.\n"
    "2. The churn table uses the *new* definition.\n"
    "3. Nobody objects to publishing the appendix.\n\n"
    "> The board meets on Friday.\n\n"
    "Kept as typed: [bold red]not markup[/bold red] and \x1b[31mno colour\x1b[0m.\n\n"
    + "\n\n".join(f"Paragraph {n}: {FILLER * 3}" for n in range(1, 6))
    + "\n\n```\ntotal  1,200,000\n```\n\n"
    "Thanks, Ada. END OF EMAIL"
)

REQUEST = {
    "action_request": {
        "action": "reply_email",
        "args": {"to": "ada@example.com", "subject": "Re: Quarterly numbers"},
    },
    "config": {
        "allow_ignore": True,
        "allow_respond": True,
        "allow_edit": False,
        "allow_accept": False,
    },
    "description": DESCRIPTION,
}


def read(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content="An email from Ada needs your reply.")]}


def triage(state: MessagesState) -> dict[str, Any]:
    response = interrupt([REQUEST])
    if isinstance(response, list) and response:
        response = response[0]
    if isinstance(response, dict) and response.get("type") == "response":
        return {"messages": [AIMessage(content=f"Replied to Ada: {response.get('args')}")]}
    if isinstance(response, dict) and response.get("type") == "ignore":
        return {"messages": [AIMessage(content="Ignored the email.")]}
    return {"messages": [AIMessage(content=f"Unexpected answer: {response!r}.")]}


builder = StateGraph(MessagesState)
builder.add_node("read", read)
builder.add_node("triage", triage)
builder.add_edge(START, "read")
builder.add_edge("read", "triage")
graph = builder.compile()
