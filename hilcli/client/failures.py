"""How HTTP failures become our own exceptions: error statuses (with the server's `detail`)
and transport errors (`ServerUnreachable`, with a short reason a person can read)."""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx

from hilcli.errors import (
    AuthError,
    HilError,
    InvalidRequest,
    NotFound,
    ServerError,
    ServerUnreachable,
    ThreadBusy,
)


def _detail(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return _one_line(text) if text else None
    if isinstance(body, Mapping):
        for key in ("detail", "message", "error"):
            value = body.get(key)
            if value:
                text = value if isinstance(value, str) else json.dumps(value)
                return _one_line(text)
    return None


def _one_line(text: str, limit: int = 240) -> str:
    """A server message folded onto one line and cut to `limit` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def status_error(response: httpx.Response, what: str) -> HilError:
    """Translate an HTTP error status into our exception, with the server's `detail`."""
    status = response.status_code
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
            hint="`hil threads` lists the threads." if what.startswith("thread") else None,
        )
    if status == 409:
        return ThreadBusy(
            detail or "The thread is already running a task.",
            status,
            detail,
            hint="Wait for the run to finish, or `hil attach THREAD` to watch it.",
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
