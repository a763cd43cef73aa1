"""Graph `gated_batch`: one model turn proposes three gated tool calls, reviewed in one batch.

Built with `langchain.agents.create_agent` and `HumanInTheLoopMiddleware` (batched mode), as
deepagents' `interrupt_on` does. For any message the scripted model says "I will write the
report, mail it, then tidy up." and proposes, in order:

1. `write_file` with `path` "report.md" and a `content` of about 1,500 characters whose
   last words are "END OF REPORT" (approve / edit / reject / respond);
2. `send_email` to bob@example.com (approve / edit / reject);
3. `delete_file` of "draft.md" (approve / reject).

The interrupt's value is `{"action_requests": [3], "review_configs": [3]}`; resume with
`{"decisions": [d1, d2, d3]}`. After the tools ran (or were rejected) the model writes
"Here is what happened:" with one line per tool: "- NAME: done: …" or "- NAME: not run: …".
"""

from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware, InterruptOnConfig
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.tools import tool

from hilcli.server.demo._scripted import ScriptedChatModel, call_id, last_turn, tool_results

ORDER = ["write_file", "send_email", "delete_file"]
REPORT = (
    "# Quarterly report\n\n"
    + " ".join(f"Line {n} of the report says what changed in region {n}." for n in range(1, 27))
    + "\n\nEND OF REPORT"
)


@tool
def write_file(path: str, content: str) -> str:
    """Write a file (test graph: nothing is written)."""
    return f"Wrote {len(content)} characters to {path}."


@tool
def send_email(to: str, subject: str, body: str) -> str:
    """Send an e-mail (test graph: nothing is sent)."""
    return f"Email sent to {to}."


@tool
def delete_file(path: str) -> str:
    """Delete a file (test graph: nothing is deleted)."""
    return f"Deleted {path}."


def script(messages: list[BaseMessage]) -> AIMessage:
    """Propose the three calls, then report what became of them."""
    _, after = last_turn(messages)
    results = tool_results(after)
    if results:
        lines = [
            f"- {name}: {'not run' if message.status == 'error' else 'done'}: {message.text}"
            for name, message in sorted(results.items(), key=lambda item: ORDER.index(item[0]))
        ]
        return AIMessage(content="Here is what happened:\n" + "\n".join(lines))
    calls = [
        {"name": "write_file", "args": {"path": "report.md", "content": REPORT}},
        {
            "name": "send_email",
            "args": {"to": "bob@example.com", "subject": "Report", "body": "See report.md."},
        },
        {"name": "delete_file", "args": {"path": "draft.md"}},
    ]
    return AIMessage(
        content="I will write the report, mail it, then tidy up.",
        tool_calls=[{**call, "id": call_id()} for call in calls],
    )


INTERRUPT_ON: dict[str, bool | InterruptOnConfig] = {
    "write_file": True,
    "send_email": {"allowed_decisions": ["approve", "edit", "reject"]},
    "delete_file": {"allowed_decisions": ["approve", "reject"]},
}

graph: Any = create_agent(
    ScriptedChatModel(reply=script),
    tools=[write_file, send_email, delete_file],
    middleware=[HumanInTheLoopMiddleware(interrupt_on=INTERRUPT_ON)],
)
