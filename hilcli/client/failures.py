"""How HTTP failures become our own exceptions: error statuses (with the server's `detail`)
and transport errors (`ServerUnreachable`, with a short reason a person can read).

An Agent Server answers its errors in JSON (or, for an unknown route, a short plain text); an
error answered with an HTML page comes from something else at that URL (a web server, a proxy's
error page). That is said as `hil doctor` says it, and the page itself is never shown.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

import httpx

from hilcli.errors import (
    AuthError,
    HilError,
    InvalidRequest,
    NotFound,
    ProtocolError,
    ServerError,
    ServerUnreachable,
    ThreadBusy,
)
from hilcli.hints import PLAIN, HilCommand, busy_message
from hilcli.text import one_line

#: Longest server message shown in an error, in terminal cells.
DETAIL_LIMIT = 240


def _detail(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return one_line(text, DETAIL_LIMIT) if text else None
    if isinstance(body, Mapping):
        for key in ("detail", "message", "error"):
            value = body.get(key)
            if value:
                text = value if isinstance(value, str) else json.dumps(value)
                return one_line(text, DETAIL_LIMIT)
    return None


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_HTML_START = re.compile(r"\s*<(!doctype\s+html|html|head|body|title|h1|p)\b", re.I)


def _is_html(response: httpx.Response) -> bool:
    """The answer is an HTML page (by its content type, or by how its body starts)."""
    if (
        response.headers.get("content-type", "")
        .lower()
        .startswith(("text/html", "application/xhtml"))
    ):
        return True
    return bool(_HTML_START.match(response.text[:200]))


def _page_title(response: httpx.Response) -> str | None:
    """The page's `<title>` as plain text (tags, entities and control characters removed)."""
    match = _TITLE.search(response.text)
    if not match:
        return None
    text = html.unescape(_TAG.sub("", match.group(1)))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return one_line(text, 80) or None


class NotAnAgentServer(ProtocolError):
    """Something other than an Agent Server answered (an HTML page): `--url` is wrong."""


def not_an_agent_server(
    response: httpx.Response, what: str, hints: HilCommand = PLAIN
) -> NotAnAgentServer:
    """The error for an HTML answer: what is at the URL is no Agent Server (as `hil doctor`)."""
    url = response.request.url
    origin = f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
    title = _page_title(response)
    page = f"an HTML page ({response.status_code}" + (f', "{title}")' if title else ")")
    return NotAnAgentServer(
        f"{origin} did not answer as an Agent Server: {what} ({response.request.method} "
        f"{url.path}) got {page}, not the Agent Server's JSON.",
        hint="Check --url (or HIL_URL): it should point at a LangGraph Agent Server; "
        f"`{hints.line('doctor')}` checks it.",
    )


def status_error(
    response: httpx.Response,
    what: str,
    hints: HilCommand = PLAIN,
    thread_id: str | None = None,
) -> HilError:
    """Translate an HTTP error status into our exception, with the server's `detail`.

    An HTML page is no Agent Server's answer: `not_an_agent_server`, whatever its status.
    `hints` spells the commands the hints name (so they reach this server when pasted);
    `thread_id` is the thread the request was about, when it was about one. A 409 is said in
    hil's words: the server's speaks of a "multitask strategy", which is no hil option.
    """
    status = response.status_code
    if _is_html(response):
        return not_an_agent_server(response, what, hints)
    detail = _detail(response)
    shown = f": {detail}" if detail else ""
    if status in (401, 403):
        return AuthError(
            f"The server refused the credentials ({status}){shown}",
            status,
            detail,
            hint="Check --api-key / HIL_API_KEY (sent as x-api-key).",
        )
    if status == 404:
        return NotFound(
            f"{detail.rstrip('.')} (404)." if detail else f"Not found: {what} (404).",
            status,
            detail,
            hint=f"`{hints.line('threads')}` lists the threads."
            if what.startswith("thread")
            else None,
        )
    if status == 409:
        return ThreadBusy(
            busy_message(thread_id),
            thread_id,
            hint=hints.busy_hint(thread_id) if thread_id else "Wait for the run to end.",
            detail=detail,
        )
    if status == 422:
        return InvalidRequest(f"The server refused {what} (422){shown}", status, detail)
    return ServerError(f"The server answered {status} to {what}{shown}", status, detail)


def transport_error(exc: httpx.TransportError, url: str, what: str) -> ServerUnreachable:
    """Translate an httpx transport failure (no HTTP answer) while doing `what` at `url`."""
    if isinstance(exc, httpx.ConnectError):
        why = reason(exc)
        if why.startswith("TLS"):
            hint = "Check the URL's scheme (http or https) and the server's certificate."
        elif why.startswith("unknown host"):
            hint = "Check the host name in --url or HIL_URL."
        else:
            hint = "Is it running? Check --url or HIL_URL."
        return ServerUnreachable(f"Cannot reach the server at {url}: {why}", hint=hint)
    if isinstance(exc, httpx.TimeoutException):
        return ServerUnreachable(f"The server at {url} timed out ({what}).")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ServerUnreachable(f"Not an http(s) URL: {url}")
    return ServerUnreachable(f"The connection to {url} failed ({what}): {reason(exc)}")


def reason(exc: BaseException | None) -> str:
    """Why a connection failed or dropped, in a few words (`None`: it closed cleanly)."""
    if exc is None:
        return "it closed"
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if any(
        marker in text
        for marker in (
            "Name or service not known",
            "nodename nor servname",
            "Temporary failure in name resolution",
            "No address associated",
            "getaddrinfo failed",
        )
    ):
        return "unknown host name (DNS lookup failed)"
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"TLS error ({text})"
    return text
