"""Our own exceptions, and the one table that maps each to the contract's exit status.

The tree (each class says what happened; `EXIT_STATUSES` alone says how the command ends)::

    HilError                      anything we can explain in a line
    ├── UsageError                bad flags, bad values typed for a schema
    │   ├── ConfigError           bad config file (carries file, line, key)
    │   └── UnknownAssistant      the server has no assistant or graph of that name
    ├── ServerUnreachable         connection refused, DNS, TLS, timeouts
    │   └── RunLost               the run started, but its stream could not be rejoined
    ├── HttpStatusError           the server answered an error status (carries it, and `detail`)
    │   ├── AuthError             401 / 403
    │   ├── NotFound              404: the thread (or checkpoint, run) asked for does not exist
    │   ├── InvalidRequest        422: the server refused what we asked (bad thread id, ...)
    │   └── ServerError           any other error status (400, 5xx, ...)
    ├── NothingToResume           the thread is not waiting for input: nothing was sent
    ├── ThreadBusy                a run is already going on on the thread
    ├── ProtocolError             the server's reply is not what the protocol says
    ├── Cancelled                 Ctrl-C during a run
    ├── NoPreparedAnswer          no answer rule fits an interrupt, and no terminal
    └── AnswerNotSent             an answer could not be sent (ends as its cause does)

`exit_status_of` reads `EXIT_STATUSES` (cli.md "Exit status"); the CLI turns an error into
one or two lines and that status in one place (`cli.main`).
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

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    @property
    def exit_status(self) -> ExitStatus:
        """The status a command ends with on this error (`exit_status_of`)."""
        return exit_status_of(self)


class UsageError(HilError):
    """The command line (or a value typed for it) is not usable."""


class ConfigError(UsageError):
    """The configuration file cannot be used; the message names file, line and key."""


class UnknownAssistant(UsageError):
    """The server has no assistant or graph of the name given (`-a`, config): a usage
    error, whether the server's listing said so or its 404 to a run did."""


class ServerUnreachable(HilError):
    """No HTTP conversation with the server was possible."""


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


class NotFound(HttpStatusError):
    """The server answered 404: what the request named (a thread, a checkpoint, a run) does
    not exist. An assistant the server does not have is an `UnknownAssistant` instead: the
    session tells the two apart where one 404 can mean either (a run's start)."""


class InvalidRequest(HttpStatusError):
    """422: the request built from the command line is invalid (the server's detail says why)."""


class ServerError(HttpStatusError):
    """Any other error status (400, 5xx, ...)."""


class NothingToResume(HilError):
    """The thread is not waiting for input (no question pending, or a run going on): nothing
    was sent."""


class ThreadBusy(HilError):
    """A run is already going on on the thread: the server refused a second one (its 409,
    with multitask strategy `reject`), or hil saw the thread busy before sending one (a
    server that would not refuse it). No HTTP status of its own: `detail` is the server's
    words when it was the server that refused."""

    def __init__(
        self,
        message: str,
        thread_id: str | None = None,
        *,
        hint: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.thread_id = thread_id
        self.detail = detail


class ProtocolError(HilError):
    """The server's reply does not follow the protocol (not an event stream, bad JSON, ...)."""


class Cancelled(HilError):
    """The user pressed Ctrl-C during a run (the run was cancelled or left running)."""


class NoPreparedAnswer(HilError):
    """No answer rule fits a pending interrupt and nobody is at a terminal to ask."""


class AnswerNotSent(HilError):
    """An answer could not be sent; it is kept (`answers`) so it can be offered again. The
    command ends as its `cause` would have."""

    def __init__(self, cause: HilError, answers: dict[str, object]) -> None:
        super().__init__(f"Your answer was not sent: {cause.message}", cause.hint)
        self.cause = cause
        self.answers = answers


#: Every error's exit status (cli.md "Exit status"), the most specific class first; an
#: error none of them is ends with 1 ("another error"). The one place the mapping is made.
EXIT_STATUSES: tuple[tuple[type[HilError], ExitStatus], ...] = (
    (UsageError, ExitStatus.USAGE),  # with ConfigError and UnknownAssistant
    (InvalidRequest, ExitStatus.USAGE),  # what was typed is not what the server takes
    (ServerUnreachable, ExitStatus.UNREACHABLE),  # with RunLost
    (AuthError, ExitStatus.UNREACHABLE),  # "refused the credentials (401/403)"
    # "nothing to resume: the thread is not waiting for input, or does not exist"
    (NothingToResume, ExitStatus.NOTHING_TO_RESUME),
    (NotFound, ExitStatus.NOTHING_TO_RESUME),
    (NoPreparedAnswer, ExitStatus.INTERRUPTED),  # "the run stopped and is waiting for input"
    (Cancelled, ExitStatus.CTRL_C),
)


def exit_status_of(error: HilError) -> ExitStatus:
    """The contract's exit status for `error` (an unsent answer: its cause's)."""
    while isinstance(error, AnswerNotSent):
        error = error.cause
    for kind, status in EXIT_STATUSES:
        if isinstance(error, kind):
            return status
    return ExitStatus.ERROR
