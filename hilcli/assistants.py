"""The server's assistants: listed for `/assistant` in chat, and checked before a thread exists.

A run names its assistant by assistant id or graph id; a name the server does not know is only
refused by the run itself, after hil has created a thread for it. Listing the assistants first
(one `POST /assistants/search`) lets hil refuse a typo with the names that would work, and
create nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hilcli.client.failures import NotAnAgentServer
from hilcli.errors import AuthError, HilError, ServerUnreachable, UnknownAssistant

if TYPE_CHECKING:
    from hilcli.client import AgentClient

#: Assistants listed per request (Aegra refuses a `limit` above 100).
PAGE = 100
#: The most assistants listed.
MAX_ASSISTANTS = 1000


@dataclass(frozen=True)
class Assistant:
    """One assistant as the server lists it."""

    assistant_id: str
    graph_id: str
    name: str
    system: bool
    """Created by the server for its graph (`metadata.created_by == "system"`): the one a
    run naming the graph id uses."""

    @property
    def label(self) -> str:
        """What to call it: its name, else its graph id."""
        return self.name or self.graph_id

    def answers_to(self, wanted: str) -> bool:
        """`wanted` names it: its assistant id, its graph id or its name."""
        return wanted in (self.assistant_id, self.graph_id, self.name)


def server_assistants(client: AgentClient) -> list[Assistant]:
    """Every assistant (up to `MAX_ASSISTANTS`), a page of `PAGE` at a time, in the server's
    order, each once."""
    found: list[Assistant] = []
    seen: set[str] = set()
    while len(found) < MAX_ASSISTANTS:
        page = client.search_assistants(limit=PAGE, offset=len(found))
        new = [item for item in map(_assistant, page) if item and item.assistant_id not in seen]
        seen.update(item.assistant_id for item in new if item)
        found.extend(item for item in new if item)
        if len(page) < PAGE or not new:  # the last page, or a server that ignores offset
            break
    return found


def _assistant(item: Any) -> Assistant | None:
    if not isinstance(item, Mapping) or not isinstance(item.get("assistant_id"), str):
        return None
    metadata = item.get("metadata")
    system = isinstance(metadata, Mapping) and metadata.get("created_by") == "system"
    return Assistant(
        assistant_id=item["assistant_id"],
        graph_id=str(item.get("graph_id") or ""),
        name=str(item.get("name") or ""),
        system=system,
    )


def pick(assistants: Sequence[Assistant], wanted: str) -> Assistant | None:
    """The assistant `wanted` names: by assistant id first, then the graph's own (system)
    assistant, then any other by graph id or name."""
    by_id = [item for item in assistants if item.assistant_id == wanted]
    own = [item for item in assistants if item.system and item.graph_id == wanted]
    named = [item for item in assistants if item.answers_to(wanted)]
    return next(iter(by_id + own + named), None)


def graph_ids(assistants: Sequence[Assistant]) -> list[str]:
    """The graph ids among `assistants`, sorted, each once."""
    return sorted({item.graph_id for item in assistants if item.graph_id})


def unknown_assistant(wanted: str, assistants: Sequence[Assistant]) -> UnknownAssistant:
    """The error for a name no assistant answers to, naming those that would work."""
    names = graph_ids(assistants)
    return UnknownAssistant(
        f"The server has no assistant or graph named {wanted!r}; nothing was created.",
        hint=f"Pick one with -a: {', '.join(names)}" if names else "Deploy a graph first.",
    )


def require_assistant(client: AgentClient, wanted: str) -> None:
    """Raise `UnknownAssistant` (exit 2) when the server lists its assistants and none
    answers to `wanted`.

    A server that cannot be reached, refuses the key or is no Agent Server raises as any
    request would. One that does not list assistants (an error, or an empty list, as a
    server whose auth hides them may give) is not second-guessed: the run will say.
    """
    try:
        assistants = server_assistants(client)
    except (ServerUnreachable, AuthError, NotAnAgentServer):
        raise
    except HilError:
        return
    if assistants and pick(assistants, wanted) is None:
        raise unknown_assistant(wanted, assistants)
