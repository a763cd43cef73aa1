"""The `hil` commands that hints print, built so that each one works when pasted.

A hint such as "answer with: hil resume T --approve" is only worth printing if pasting it
reaches the same server, through the same config file and profile, as the command that
printed it. The pasted command reads the environment and the config file again by itself; what
it cannot know is what was typed on the command line. `HilCommand` is built once per command
from the resolved settings, keeps those typed flags (`--config`, `--profile`, `--url`, `-H`,
`-a`), and renders every hint's command with each word shell-quoted. It is the one place
that knows how to spell "hil, talking to this server", so every layer that prints a command
(the client's error hints, the session, the one-shot commands, the chat) asks it.

Secrets are never put in a hint: an `--api-key` typed on the command line, or a header that
looks like a credential, is left out (the pasted command then needs it given again, as the
person did the first time).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hilcli.config import Settings

#: The commands that take `-a/--assistant` (for the others the flag would be a usage error).
_TAKE_ASSISTANT = frozenset({"chat", "run", "resume", "attach", "inbox", "doctor"})
#: The commands that take no connection flags at all.
_NO_CONNECTION = frozenset({"demo"})
#: Header names that carry credentials: never printed.
_SECRET_WORDS = ("auth", "key", "token", "secret", "cookie")


@dataclass(frozen=True)
class HilCommand:
    """How to spell a `hil` command that talks to the same server as this one.

    `connection` is the flags, as words, that the pasted command needs to pick up the same
    config file, profile, URL and headers; `assistant` is the `-a` value typed, if any.
    The default value is plain `hil` (everything from the environment and the defaults).
    """

    connection: tuple[str, ...] = ()
    assistant: str | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> HilCommand:
        """The prefix for `settings`: only what came from command-line flags is repeated.

        A setting from the environment or the config file is read again by the pasted command
        (in the same shell), so repeating it would only make the hint longer. When `-H` was
        typed, the headers in effect are repeated (a profile's among them: the same value
        again changes nothing), except those naming credentials.
        """
        sources = settings.sources
        words: list[str] = []
        if sources.get("config") == "flag" and settings.config_path is not None:
            words += ["--config", str(settings.config_path)]
        if sources.get("profile") == "flag":
            words += ["--profile", settings.profile]
        if sources.get("url") == "flag":
            words += ["--url", settings.url]
        if sources.get("headers") == "flag":
            for name, value in settings.headers.items():
                if not any(word in name.lower() for word in _SECRET_WORDS):
                    words += ["-H", f"{name}: {value}"]
        assistant = settings.assistant if sources.get("assistant") == "flag" else None
        return cls(tuple(words), assistant)

    def line(self, command: str, *args: str, then: str = "") -> str:
        """`hil COMMAND ARGS... FLAGS...`, every word shell-quoted.

        `command` may be two words (`config show`). `then` is appended as it is, unquoted:
        the answer flags of a resume hint, which show alternatives (`--approve | --reject`)
        and are read by a person, not pasted whole.
        """
        words = ["hil", *command.split(), *args]
        name = command.split()[0] if command.split() else ""
        if name not in _NO_CONNECTION:
            words += self.connection
            if self.assistant and name in _TAKE_ASSISTANT:
                words += ["-a", self.assistant]
        text = shlex.join(words)
        return f"{text} {then}" if then else text

    def using(self, assistant: str) -> HilCommand:
        """This prefix with `-a` now naming `assistant`, if `-a` was typed at all (a chat
        that switched assistants: the typed one is no longer the one in use)."""
        return replace(self, assistant=assistant) if self.assistant else self

    def busy_hint(self, thread_id: str) -> str:
        """What to do about a thread that is running a run: the commands hil offers."""
        return (
            f"Wait for it to end, or watch it with `{self.line('attach', thread_id)}` "
            "(Ctrl-C there cancels it)."
        )


#: The prefix when nothing was typed: every setting from the environment or the defaults.
PLAIN = HilCommand()


def busy_message(thread_id: str | None) -> str:
    """A busy thread, in hil's words (the server's speaks of multitask strategies)."""
    which = f"Thread {thread_id}" if thread_id else "The thread"
    return f"{which} is busy: a run is still running on it, and hil starts no second one."
