"""Graph `tokens`: a scripted chat model that streams many tokens, tool output or an echo.

What the model answers depends on the last human message:

- `tokens N`: a Markdown answer of exactly N streamed tokens (words), in paragraphs of 40
  words (each starting `Paragraph K:`), with a heading, a list and a fenced code block every
  few paragraphs;
- `tool N`: calls the tool `lines` (which returns N numbered lines), then says
  "The tool returned N lines.";
- anything else: "You said: TEXT", streamed word by word (so a message with escape sequences
  or Rich markup comes back as model output).

An input key `payload` (any JSON) is copied into the state by the node `payload` first, so a
large or deeply nested value shows up in an `updates` event; `big: N` makes that payload a
string of N characters, `deep: N` a value nested N levels deep (both built by the server).
"""

import re
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from hilcli.server.demo._scripted import ScriptedChatModel, last_turn, tool_call, tool_results

_WORDS = (
    "the agent streams words one by one while the terminal keeps up without re-rendering "
    "what it has already shown so the cost stays linear in the length of the answer"
).split()


_TOKEN = re.compile(r"\s*\S+")


class TokensState(MessagesState, total=False):
    payload: Any
    big: int
    deep: int


def _block(index: int) -> str:
    if index % 5 == 1:
        return f"## Section {index}"
    if index % 5 == 3:
        return "- first item\n- second item"
    if index % 5 == 4:
        return "```python\nprint('a code block')\n```"
    words = (_WORDS[(index + i) % len(_WORDS)] for i in range(38))
    return f"Paragraph {index}: " + " ".join(words)


def markdown_tokens(count: int) -> str:
    """A Markdown text of exactly `count` streamed tokens (a word and the space before it)."""
    blocks: list[str] = []
    words = 0
    while words < count:
        blocks.append(_block(len(blocks)))
        words += len(blocks[-1].split())
    return "".join(_TOKEN.findall("\n\n".join(blocks))[:count])


@tool
def lines(n: int) -> str:
    """Return n numbered lines."""
    return "\n".join(f"line {i}" for i in range(1, n + 1))


def script(messages: list[BaseMessage]) -> AIMessage:
    """The model's next message, given the conversation."""
    text, after = last_turn(messages)
    results = tool_results(after)
    if "lines" in results:
        count = len(str(results["lines"].content).splitlines())
        return AIMessage(content=f"The tool returned {count} lines.")
    command, _, argument = text.strip().partition(" ")
    if command == "tokens" and argument.isdigit():
        return AIMessage(content=markdown_tokens(int(argument)))
    if command == "tool" and argument.isdigit():
        return tool_call("lines", {"n": int(argument)})
    return AIMessage(content=f"You said: {text}")


model = ScriptedChatModel(reply=script).bind_tools([lines])


def copy_payload(state: TokensState) -> dict[str, Any]:
    payload = state.get("payload")
    if state.get("big"):
        payload = "x" * int(state["big"])
    if state.get("deep"):
        payload = "bottom"
        for _ in range(int(state["deep"])):
            payload = {"k": payload}
    return {"payload": payload}


def call_model(state: TokensState) -> dict[str, list[BaseMessage]]:
    return {"messages": [model.invoke(state["messages"])]}


def after_start(state: TokensState) -> str:
    wanted = state.get("payload") is not None or state.get("big") or state.get("deep")
    return "payload" if wanted else "agent"


def after_model(state: TokensState) -> str:
    last = state["messages"][-1]
    return "tools" if isinstance(last, AIMessage) and last.tool_calls else END


builder = StateGraph(TokensState)
builder.add_node("payload", copy_payload)
builder.add_node("agent", call_model)
builder.add_node("tools", ToolNode([lines]))
builder.add_conditional_edges(START, after_start, ["payload", "agent"])
builder.add_edge("payload", "agent")
builder.add_conditional_edges("agent", after_model, ["tools", END])
builder.add_edge("tools", "agent")
graph = builder.compile()
