"""`hil doctor`: check the server, the credentials and the assistant, one verdict per check.

`/ok` and `/info` bypass the server's auth (protocol.md §1), so the credentials are checked
with an authenticated request (`POST /assistants/search`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hilcli.config import Settings, insecure_key_warning, redact
from hilcli.errors import AuthError, ExitStatus, HilError, ServerUnreachable

if TYPE_CHECKING:
    from hilcli.client import AgentClient


@dataclass(frozen=True)
class Check:
    """The verdict of one check: passed or not, what was found, and what to do."""

    name: str
    passed: bool
    detail: str
    hint: str | None = None
    #: The server cannot be reached or refused the key (exit 5); later checks are skipped.
    fatal: bool = False


def run_checks(client: AgentClient, settings: Settings) -> Iterator[Check]:
    """Each check in turn; stops after a fatal one."""
    warning = insecure_key_warning(settings)
    if warning:
        yield Check("transport", False, warning, "Use an https:// URL for this server.")
    try:
        client.ok()
    except ServerUnreachable as exc:
        yield Check("server", False, exc.message, exc.hint, fatal=True)
        return
    except HilError as exc:
        yield Check(
            "server",
            False,
            f"{settings.url}/ok did not answer as an Agent Server: {exc.message}",
            "Check --url: it should point at a LangGraph Agent Server.",
        )
        return
    yield Check("server", True, f"{settings.url} answers /ok")
    yield _info_check(client)
    try:
        assistants = client.search_assistants(limit=1000)
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


def _info_check(client: AgentClient) -> Check:
    try:
        info = client.info()
    except HilError as exc:
        return Check("info", False, f"/info failed: {exc.message}")
    if not isinstance(info, dict):
        return Check("info", False, "/info did not answer with a JSON object")
    parts = [f"langgraph-api {info.get('version', '?')}"]
    if info.get("langgraph_py_version"):
        parts.append(f"langgraph {info['langgraph_py_version']}")
    return Check("info", True, ", ".join(parts))


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


def exit_status(checks: list[Check]) -> ExitStatus:
    """0 when every check passed, 5 when a fatal one failed, else 1."""
    if any(check.fatal for check in checks):
        return ExitStatus.UNREACHABLE
    if all(check.passed for check in checks):
        return ExitStatus.OK
    return ExitStatus.ERROR
