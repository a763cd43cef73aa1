"""`hil doctor`: check the server, the credentials and the assistant, one verdict per check.

The server is named from `/info` (`hilcli.server_kind`), with one note per feature `hil`
knows it lacks. The health endpoints and `/info` bypass the server's auth (protocol.md §1),
so the credentials are checked with an authenticated request (`POST /assistants/search`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hilcli.client.failures import NotAnAgentServer
from hilcli.config import Settings, insecure_key_warning, redact
from hilcli.errors import AuthError, ExitStatus, HilError, ServerUnreachable, UsageError
from hilcli.server_kind import describe

if TYPE_CHECKING:
    from hilcli.client import AgentClient


#: Assistants listed per request (Aegra refuses a `limit` above 100).
PAGE = 100
#: The most assistants the credentials check lists.
MAX_ASSISTANTS = 1000
#: What to do when the URL answers, but not as an Agent Server.
_CHECK_URL = "Check --url: it should point at a LangGraph Agent Server."


@dataclass(frozen=True)
class Check:
    """The verdict of one check: passed or not, what was found, and what to do."""

    name: str
    passed: bool
    detail: str
    hint: str | None = None
    #: The server cannot be reached or refused the key (exit 5); later checks are skipped.
    fatal: bool = False
    #: Not a verdict but a fact to know (what the server lacks); it never fails the run.
    note: bool = False


def run_checks(client: AgentClient, settings: Settings) -> Iterator[Check]:
    """Each check in turn; stops after a fatal one."""
    warning = insecure_key_warning(settings)
    if warning:
        yield Check("transport", False, warning, "Use an https:// URL for this server.")
    try:
        path = client.health()
    except ServerUnreachable as exc:
        yield Check("server", False, exc.message, exc.hint, fatal=True)
        return
    except NotAnAgentServer as exc:  # its message already says so
        yield Check("server", False, exc.message, _CHECK_URL)
        return
    except HilError as exc:
        yield Check(
            "server",
            False,
            f"{settings.url} did not answer as an Agent Server: {exc.message}",
            _CHECK_URL,
        )
        return
    yield Check("server", True, f"{settings.url} answers {path}")
    yield from _info_checks(client)
    try:
        assistants = _assistants(client)
    except AuthError as exc:
        hint = "Set --api-key or HIL_API_KEY (sent as x-api-key), or a profile's api_key."
        yield Check("credentials", False, exc.message, hint, fatal=True)
        return
    except ServerUnreachable as exc:
        yield Check("credentials", False, exc.message, exc.hint, fatal=True)
        return
    except HilError as exc:
        yield Check("credentials", False, f"Could not list assistants: {exc.message}")
        return
    key = f"API key {redact(settings.api_key)} accepted" if settings.api_key else "no API key"
    yield Check("credentials", True, f"{key}; the server lists {len(assistants)} assistants")
    graphs = sorted({str(a.get("graph_id")) for a in assistants if isinstance(a, dict)})
    yield _assistant_check(settings.assistant, assistants, graphs)
    yield Check("graphs", bool(graphs), ", ".join(graphs) or "no graphs are deployed")


def _assistants(client: AgentClient) -> list[Any]:
    """Every assistant (up to `MAX_ASSISTANTS`), a page of `PAGE` at a time."""
    found: list[Any] = []
    seen: set[str] = set()
    while len(found) < MAX_ASSISTANTS:
        page = client.search_assistants(limit=PAGE, offset=len(found))
        new = [
            item
            for item in page
            if not (isinstance(item, dict) and str(item.get("assistant_id")) in seen)
        ]
        seen.update(str(item.get("assistant_id")) for item in new if isinstance(item, dict))
        found.extend(new)
        if len(page) < PAGE or not new:  # the last page, or a server that ignores offset
            break
    return found


def _info_checks(client: AgentClient) -> Iterator[Check]:
    """The server's name and version, then one note per feature it is known to lack."""
    try:
        info = client.info()
    except HilError as exc:
        yield Check("info", False, f"/info failed: {exc.message}")
        return
    if not isinstance(info, dict):
        yield Check("info", False, "/info did not answer with a JSON object")
        return
    kind = describe(info)
    yield Check("info", True, kind.label)
    for line in kind.lacks():
        yield Check("lacks", True, line, note=True)


def _assistant_check(wanted: str, assistants: list[Any], graphs: list[str]) -> Check:
    for assistant in assistants:
        if isinstance(assistant, dict) and wanted in (
            assistant.get("assistant_id"),
            assistant.get("graph_id"),
        ):
            return Check(
                "assistant",
                True,
                f"{wanted} exists (graph {assistant.get('graph_id')}, "
                f"assistant {assistant.get('assistant_id')})",
            )
    hint = f"Pick one with -a: {', '.join(graphs)}" if graphs else "Deploy a graph first."
    return Check("assistant", False, f"no assistant or graph named {wanted!r}", hint)


def require_assistant(client: AgentClient, name: str) -> list[Any]:
    """`-a NAME` must name an assistant or graph of the server, else a usage error (exit 2).

    For commands that filter by assistant (`hil inbox -a`): a name that does not exist
    would match nothing and look like an empty result. Exit 2, as `hil run -a` gets.
    Returns the server's assistants (`hilcli.threads.owner_filter` reads them).
    """
    assistants = _assistants(client)
    graphs = sorted({str(a.get("graph_id")) for a in assistants if isinstance(a, dict)})
    check = _assistant_check(name, assistants, graphs)
    if not check.passed:
        raise UsageError(f"The server has {check.detail}.", check.hint)
    return assistants


def exit_status(checks: list[Check]) -> ExitStatus:
    """0 when every check passed, 5 when a fatal one failed, else 1."""
    if any(check.fatal for check in checks):
        return ExitStatus.UNREACHABLE
    if all(check.passed for check in checks):
        return ExitStatus.OK
    return ExitStatus.ERROR
