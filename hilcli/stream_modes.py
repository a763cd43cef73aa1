"""The stream modes `hil` asks a run for: one definition for the client, the session, the
config file's check and template, and the `--stream-mode` check.

A run streams the modes its request lists (protocol.md §1). `hil` always asks for the three
it draws from (interrupts arrive only on `updates` and `values`; model tokens on
`messages-tuple`); a person may add others (`--stream-mode`, a profile's `stream_mode`),
which `--json` prints. A mode the server does not take is refused before anything is sent:
the server would refuse it only after `hil` created a thread. Pure code.
"""

from __future__ import annotations

from collections.abc import Iterable

from hilcli.errors import UsageError

#: Stream modes the server's run endpoints accept (protocol.md §1).
STREAM_MODES = (
    "values",
    "updates",
    "messages",
    "messages-tuple",
    "custom",
    "tasks",
    "checkpoints",
    "events",
    "debug",
)

#: Stream modes `hil` always asks for: interrupts only arrive on `updates`/`values`.
BASE_STREAM_MODES = ("updates", "values", "messages-tuple")


def stream_modes_with(extras: Iterable[str]) -> list[str]:
    """The modes a run asks for: `BASE_STREAM_MODES`, then each extra not already listed
    (a repeated mode would only repeat its events)."""
    return list(dict.fromkeys((*BASE_STREAM_MODES, *extras)))


def unknown_stream_modes(modes: Iterable[str]) -> list[str]:
    """The modes of `modes` the server does not take, in their order."""
    return [mode for mode in modes if mode not in STREAM_MODES]


def check_stream_modes(modes: Iterable[str]) -> None:
    """Refuse (exit 2) a stream mode the server's run endpoints do not take, before anything
    is created or sent: the server would refuse it only after hil created a thread, with a
    schema dump for a reason."""
    unknown = unknown_stream_modes(modes)
    if unknown:
        named = ", ".join(repr(mode) for mode in unknown)
        raise UsageError(
            f"Unknown stream mode {named}; nothing was sent.",
            hint=f"--stream-mode takes: {', '.join(STREAM_MODES)}.",
        )
