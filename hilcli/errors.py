"""Our own exceptions, and the exit status each one maps to.

The tree::

    HilError                      exit 1  anything we can explain in a line
    ├── UsageError                exit 2  bad flags, bad values typed for a schema
    │   └── ConfigError           exit 2  bad config file (carries file, line, key)
    ├── ServerUnreachable         exit 5  connection refused, DNS, TLS, timeouts
    │   └── RunLost               exit 5  the run started, but its stream could not be rejoined
    ├── AuthError                 exit 5  401 / 403
    ├── NothingToResume           exit 4  thread not waiting for input, or not found
    │   └── NotFound              exit 4  404 from the server
    ├── ThreadBusy                exit 1  409: the thread already runs a task
    ├── InvalidRequest            exit 2  422: the server refused what we asked (bad thread id, ...)
    ├── ServerError               exit 1  any other HTTP error status (400, 5xx, ...)
    ├── ProtocolError             exit 1  the server's reply is not what the protocol says
    └── NoPreparedAnswer          exit 3  no answer rule fits an interrupt, and no terminal

The CLI turns these into one or two lines and an exit status in one place (`cli.main`).
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes of the command-line contract."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 3
    NOTHING_TO_RESUME = 4
    UNREACHABLE = 5
    CTRL_C = 130


class HilError(Exception):
    """An error we can explain to a person in one or two lines."""

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(HilError):
    """The command line (or a value typed for it) is not usable."""

    exit_status = ExitStatus.USAGE


class ConfigError(UsageError):
    """The configuration file cannot be used; the message names file, line and key."""


class ServerUnreachable(HilError):
    """No HTTP conversation with the server was possible."""

    exit_status = ExitStatus.UNREACHABLE


class RunLost(ServerUnreachable):
    """The run was created (it goes on on the server), but its stream could not be rejoined."""

    def __init__(self, message: str, run_id: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.run_id = run_id


class HttpStatusError(HilError):
    """The server answered with an error status; carries it and the server's `detail`."""

    def __init__(
        self, message: str, status: int, detail: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint)
        self.status = status
        self.detail = detail


class AuthError(HttpStatusError):
    """The server refused the credentials (401 or 403)."""

    exit_status = ExitStatus.UNREACHABLE


class NothingToResume(HilError):
    """The thread is not waiting for input (or does not exist): nothing was sent."""

    exit_status = ExitStatus.NOTHING_TO_RESUME


class NotFound(HttpStatusError, NothingToResume):
    """The server answered 404 for a thread, assistant or run."""

    exit_status = ExitStatus.NOTHING_TO_RESUME


class ThreadBusy(HttpStatusError):
    """The thread already runs a task (409 with multitask strategy `reject`)."""


class InvalidRequest(HttpStatusError):
    """422: the request built from the command line is invalid (the server's detail says why)."""

    exit_status = ExitStatus.USAGE


class ServerError(HttpStatusError):
    """Any other error status (400, 5xx, ...)."""


class ProtocolError(HilError):
    """The server's reply does not follow the protocol (not an event stream, bad JSON, ...)."""


class Cancelled(HilError):
    """The user pressed Ctrl-C during a run (the run was cancelled or left running)."""

    exit_status = ExitStatus.CTRL_C


class NoPreparedAnswer(HilError):
    """No answer rule fits a pending interrupt and nobody is at a terminal to ask."""

    exit_status = ExitStatus.INTERRUPTED


class AnswerNotSent(HilError):
    """An answer could not be sent; it is kept (`answers`) so it can be offered again."""

    def __init__(self, cause: HilError, answers: dict[str, object]) -> None:
        super().__init__(f"Your answer was not sent: {cause.message}", cause.hint)
        self.cause = cause
        self.answers = answers
        self.exit_status = cause.exit_status
