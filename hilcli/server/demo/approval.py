"""Graph `approval`: a LangChain agent whose tool calls wait for a human's decision.

Built with `langchain.agents.create_agent` and `HumanInTheLoopMiddleware`. For any message
the scripted model proposes `send_email` (to the first e-mail address in the message, else
alice@example.com, with the message as body); if the message mentions "delete" it also
proposes `delete_file`. The middleware interrupts before running them:

* `graph` (batched, the default mode): one interrupt whose value is
  `{"action_requests": [{"name", "args", "description"}, ...],
  "review_configs": [{"action_name", "allowed_decisions"}, ...]}`;
  resume with `{"decisions": [{"type": "approve"}, ...]}`, one per action, in order.
* `per_call_graph` (`interrupt_mode="per_call"`): one interrupt per tool call, value
  `{"type": "tool_approval", "tool_call_id", "name", "args", "description"}` with a
  `response_schema`; resume with `{interrupt_id: {"type": "approve"}, ...}`.

`send_email` allows approve / edit / reject / respond; `delete_file` only approve / reject.
After the tools ran (or were rejected) the model reports what happened.
"""

import re
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware, InterruptOnConfig
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.tools import tool

from hilcli.server.demo._scripted import ScriptedChatModel, call_id, last_turn, tool_results

_ORDER = ["send_email", "delete_file"]
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@tool
def send_email(to: str, subject: str, body: str) -> str:
    """Send an e-mail (demo: nothing is sent)."""
    return f"Email sent to {to} with subject {subject!r}."


@tool
def delete_file(path: str) -> str:
    """Delete a file (demo: nothing is deleted)."""
    return f"Deleted {path}."


def _rank(tool_name: str) -> int:
    return _ORDER.index(tool_name) if tool_name in _ORDER else len(_ORDER)


def script(messages: list[BaseMessage]) -> AIMessage:
    """Propose the tool calls for the last request, then report their results."""
    text, after = last_turn(messages)
    results = tool_results(after)
    if results:
        lines = [
            f"- {name}: {'not run' if message.status == 'error' else 'done'}: {message.text}"
            for name, message in sorted(results.items(), key=lambda item: _rank(item[0]))
        ]
        return AIMessage(content="Here is what happened:\n" + "\n".join(lines))
    match = _EMAIL.search(text)
    calls = [
        {
            "name": "send_email",
            "args": {
                "to": match.group(0) if match else "alice@example.com",
                "subject": "Hello from hil",
                "body": text or "hi",
            },
            "id": call_id(),
        }
    ]
    if "delete" in text.lower():
        calls.append({"name": "delete_file", "args": {"path": "/tmp/report.txt"}, "id": call_id()})
    return AIMessage(content="I will do that with these tools:", tool_calls=calls)


_INTERRUPT_ON: dict[str, bool | InterruptOnConfig] = {
    "send_email": True,
    "delete_file": {"allowed_decisions": ["approve", "reject"]},
}
_PROMPT = "You are a helpful assistant that sends e-mails and tidies files."


def _agent(per_call: bool) -> Any:  # a CompiledStateGraph
    return create_agent(
        ScriptedChatModel(reply=script, token_delay=0.01),
        tools=[send_email, delete_file],
        system_prompt=_PROMPT,
        middleware=[
            HumanInTheLoopMiddleware(
                interrupt_on=_INTERRUPT_ON,
                interrupt_mode="per_call" if per_call else "batched",
            )
        ],
    )


graph = _agent(per_call=False)
per_call_graph = _agent(per_call=True)
