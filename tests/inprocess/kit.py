"""What the in-process tests drive hil with: a scripted `Terminal` and a replayed server.

* `ScriptedTerminal` implements the session's `Terminal` protocol (hilcli/session.py). It
  answers from a script, one item per question (`ask`) or breakpoint pause
  (`ask_continue`), records everything the session shows it, and fails clearly
  (`NotScripted`) when it is asked something the script did not foresee. `Typed(...)`
  answers a question the way a person does: the lines go through hil's own answer prompts
  (`hilcli.prompts.answering.InterruptAsker`), so a form's fields are coerced, a review's
  decision is turned into its resume value, and so on, exactly as on a terminal.
* `Replay` is an `httpx.MockTransport` that answers from exchanges RECORDED from the real
  server by tests/record_exchanges.py (tests/recorded/exchanges/NAME.json): never from
  answers written by hand (the developers' guide: "never a hand-invented protocol").
  Which server-tier test proves each replayed scenario live: the table in
  tests/recorded/exchanges/README.md ("Live counterparts").

How `Replay` matches a request to a recorded exchange. Ids are opaque: nothing here parses
one. The client only knows the ids the replayed answers gave it, so a request's path is
compared as a whole (with its query) to the recorded one.

* Writes (every request but a GET and the POST searches: `/search`, `/history`) are answered
  strictly in the recorded order, and their JSON body must equal the recorded one (apart
  from `metadata.hil_request`, a random tag the client makes per run): a recorded answer
  is only the server's answer to the request that was recorded.
* Reads may come fewer or more often than when recorded (the client may read the state one
  time more or less without being wrong): a read is answered by the first recorded read
  of that path (and, for a search, that body) not yet used since the previous write, else
  by the latest one since that write (the server's answer cannot have changed without a
  write). A read of a state the recording never saw fails.
* A network failure can be asked for (`unreachable_writes`): the request fails before it
  reaches the recording, which still waits for it.
* Anything else fails the test at once (`ReplayMismatch`), saying what was asked and what
  the recording expected next. `Replay.finish()` fails when a recorded write was never
  made (the client stopped short of what it did when recorded).

When hil changes what it sends (a new field in a run's body, another write), the replay
says so ("the body differs", "the recording's next write differs"): record again with
`.venv/bin/python tests/record_exchanges.py [NAME ...]` and review the diff.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from hilcli.events import PendingInterrupt, StreamEvent
from hilcli.session import RunOutcome

EXCHANGES_DIR = Path(__file__).resolve().parent.parent / "recorded" / "exchanges"

#: The base URL the in-process clients use: nothing listens there, nothing is resolved.
REPLAY_URL = "http://recorded.invalid"


# -- the scripted terminal -------------------------------------------------------------------


class NotScripted(AssertionError):
    """The session asked something the script did not foresee (or not the way it said)."""


@dataclass(frozen=True)
class Typed:
    """Answer one question by typing these lines at hil's own answer prompts."""

    lines: tuple[str, ...]

    def __init__(self, *lines: str) -> None:
        object.__setattr__(self, "lines", lines)


@dataclass(frozen=True)
class Value:
    """Answer one question with this resume value, as a terminal would return it."""

    value: Any


@dataclass(frozen=True)
class Continue:
    """Answer one breakpoint pause: go on (True) or stop there (False)."""

    go_on: bool = True


@dataclass(frozen=True)
class Raise:
    """Raise this exception where the session asks (Ctrl-C is `KeyboardInterrupt()`)."""

    exc: BaseException


Answerer = Callable[[PendingInterrupt], Any]
ScriptItem = Typed | Value | Continue | Raise | Answerer


class ScriptedReader:
    """A `LineReader` that types the given lines and records each prompt it was shown."""

    interactive = False

    def __init__(self, lines: Sequence[str], about: str) -> None:
        self.lines = list(lines)
        self.about = about
        self.prompts: list[str] = []

    def read(self, prompt: str, *, default: str = "", multiline: bool = False) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise NotScripted(
                f"{self.about}: hil prompted {prompt!r} after every scripted line was typed "
                f"(prompts so far: {self.prompts[:-1]!r})"
            )
        line = self.lines.pop(0)
        return line or default

    def configure_repl(self, *args: object, **kwargs: object) -> None:
        """Nothing: no Tab, no toolbar (every `LineReader` is told the chat's commands)."""


@dataclass
class Asked:
    """One question the session asked."""

    interrupt: PendingInterrupt
    index: int
    total: int
    draft: Any
    answer: Any = None
    prompts: list[str] = field(default_factory=list)


class ScriptedTerminal:
    """The session's `Terminal`, answering from a script and recording what it is shown."""

    def __init__(self, *script: ScriptItem) -> None:
        self.script: list[ScriptItem] = list(script)
        #: Everything shown, in order: ("run_started", None), ("event", StreamEvent),
        #: ("notice", str), ("question", Asked), ("pause", RunOutcome),
        #: ("run_finished", RunOutcome).
        self.shown: list[tuple[str, Any]] = []

    # -- what the tests read --------------------------------------------------------------

    @property
    def events(self) -> list[StreamEvent]:
        return [item for kind, item in self.shown if kind == "event"]

    @property
    def notices(self) -> list[str]:
        return [item for kind, item in self.shown if kind == "notice"]

    @property
    def asked(self) -> list[Asked]:
        return [item for kind, item in self.shown if kind == "question"]

    @property
    def questions(self) -> list[PendingInterrupt]:
        return [item.interrupt for item in self.asked]

    @property
    def outcomes(self) -> list[RunOutcome]:
        """How each run the session watched ended, as the terminal was told."""
        return [item for kind, item in self.shown if kind == "run_finished"]

    def finish(self) -> None:
        """Fail when script items were never used (the session asked less than foreseen)."""
        if self.script:
            raise NotScripted(f"never asked for these scripted answers: {self.script!r}")

    # -- the Terminal protocol ------------------------------------------------------------

    def run_started(self) -> None:
        self.shown.append(("run_started", None))

    def show_event(self, event: StreamEvent) -> None:
        self.shown.append(("event", event))

    def run_finished(self, outcome: RunOutcome) -> None:
        self.shown.append(("run_finished", outcome))

    def notice(self, message: str) -> None:
        self.shown.append(("notice", message))

    def ask(self, interrupt: PendingInterrupt, *, index: int, total: int, draft: Any) -> Any:
        asked = Asked(interrupt, index, total, draft)
        self.shown.append(("question", asked))
        about = f"question {index}/{total} ({interrupt.value!r:.80})"
        item = self._next(about)
        if isinstance(item, Continue):
            raise NotScripted(f"{about}: a question came where the script expected a pause")
        if isinstance(item, Raise):
            raise item.exc
        if isinstance(item, Value):
            asked.answer = item.value
        elif isinstance(item, Typed):
            from hilcli.prompts.answering import InterruptAsker

            reader = ScriptedReader(item.lines, about)
            asked.prompts = reader.prompts
            asked.answer = InterruptAsker(reader, editor="").ask(interrupt, draft)
            if reader.lines:
                raise NotScripted(f"{about}: lines left untyped: {reader.lines!r}")
        else:
            asked.answer = item(interrupt)
        return asked.answer

    def ask_continue(self, outcome: RunOutcome) -> bool:
        self.shown.append(("pause", outcome))
        about = f"breakpoint pause before {outcome.next_nodes}"
        item = self._next(about)
        if isinstance(item, Raise):
            raise item.exc
        if not isinstance(item, Continue):
            raise NotScripted(f"{about}: the script has {item!r} for a question here")
        return item.go_on

    def _next(self, about: str) -> ScriptItem:
        if not self.script:
            raise NotScripted(f"not scripted: the session asked {about}")
        return self.script.pop(0)


# -- the replayed server ---------------------------------------------------------------------


class ReplayMismatch(AssertionError):
    """The client sent a request the recording has no answer for."""


#: POST endpoints that only read: their answers may be replayed like a GET's.
READ_POSTS = ("/search", "/history")


def is_read(method: str, path: str) -> bool:
    return method == "GET" or (method == "POST" and path.endswith(READ_POSTS))


def without_request_tag(body: Any) -> Any:
    """`body` without the client's random per-run tag (`metadata.hil_request`)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("metadata"), Mapping):
        return body
    metadata = {k: v for k, v in body["metadata"].items() if k != "hil_request"}
    return {**body, "metadata": metadata}


def request_json(request: httpx.Request) -> Any:
    """The request's JSON body (None when it has none)."""
    content = request.content
    return json.loads(content) if content else None


def query_of(url: httpx.URL) -> list[list[str]]:
    return sorted([key, value] for key, value in url.params.multi_items())


@dataclass
class Received:
    """One request the replay answered."""

    method: str
    path: str
    query: list[list[str]]
    json: Any
    headers: dict[str, str]


class Replay:
    """An `httpx.MockTransport` answering from one recorded scenario (see the module doc)."""

    def __init__(self, scenario: str, *, unreachable_writes: Sequence[int] = ()) -> None:
        """`unreachable_writes`: the attempts at a write (1 for the first write the client
        tries, counting every try) that fail as if the server could not be reached
        (`httpx.ConnectError`, nothing arrives): a network failure, not a server answer."""
        path = EXCHANGES_DIR / f"{scenario}.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        self.scenario = scenario
        self.given: dict[str, Any] = document.get("given", {})
        self.exchanges: list[dict[str, Any]] = document["exchanges"]
        self.used = [False] * len(self.exchanges)
        #: Index of the first exchange after the last write made.
        self.cursor = 0
        self.received: list[Received] = []
        self.unreachable_writes = set(unreachable_writes)
        self.write_attempts = 0
        self.transport = httpx.MockTransport(self._handle)

    # -- what the tests read --------------------------------------------------------------

    def bodies(self, method: str, path_end: str) -> list[Any]:
        """The JSON bodies of the requests received whose path ends with `path_end`."""
        return [r.json for r in self.received if r.method == method and r.path.endswith(path_end)]

    @property
    def run_bodies(self) -> list[Any]:
        """The bodies of the runs started (`POST .../runs/stream`), in order."""
        return self.bodies("POST", "/runs/stream")

    def writes(self) -> list[tuple[str, str]]:
        """(method, path) of every write received, in order."""
        return [(r.method, r.path) for r in self.received if not is_read(r.method, r.path)]

    def finish(self) -> None:
        """Fail when a recorded write was never made."""
        left = [
            _describe(exchange)
            for exchange, used in zip(self.exchanges, self.used, strict=True)
            if not used and not _is_read_exchange(exchange)
        ]
        if left:
            raise ReplayMismatch(f"[{self.scenario}] recorded writes never made: {left}")

    # -- answering --------------------------------------------------------------------------

    def _handle(self, request: httpx.Request) -> httpx.Response:
        method, path, query = request.method, request.url.path, query_of(request.url)
        if not is_read(method, path):
            self.write_attempts += 1
            if self.write_attempts in self.unreachable_writes:
                raise httpx.ConnectError("[replay] the server cannot be reached", request=request)
        body = request_json(request)
        self.received.append(
            Received(method, path, query, body, {k.lower(): v for k, v in request.headers.items()})
        )
        index = self._match(method, path, query, body)
        self.used[index] = True
        return _response(self.exchanges[index]["response"])

    def _match(self, method: str, path: str, query: list[list[str]], body: Any) -> int:
        same = [
            i
            for i, exchange in enumerate(self.exchanges)
            if exchange["request"]["method"] == method
            and exchange["request"]["path"] == path
            and exchange["request"].get("query", []) == query
        ]
        next_write = next(
            (
                i
                for i in range(self.cursor, len(self.exchanges))
                if not _is_read_exchange(self.exchanges[i])
            ),
            len(self.exchanges),
        )
        if is_read(method, path):
            # A search is answered for what it asked (its body), not only where it asked.
            same = [i for i in same if self.exchanges[i]["request"].get("json") == body]
            fresh = [i for i in same if self.cursor <= i < next_write and not self.used[i]]
            if fresh:
                return fresh[0]
            earlier = [i for i in same if self._since_last_write(i) and i < next_write]
            if earlier:
                return earlier[-1]
            self._mismatch(method, path, query, "no recorded read of it at this point", next_write)
        if next_write >= len(self.exchanges) or next_write not in same:
            self._mismatch(method, path, query, "the recording's next write differs", next_write)
        recorded = self.exchanges[next_write]["request"].get("json")
        if without_request_tag(recorded) != without_request_tag(body):
            raise ReplayMismatch(
                f"[{self.scenario}] {method} {path}: the body differs from the recorded one\n"
                f"  sent:     {json.dumps(without_request_tag(body), sort_keys=True)}\n"
                f"  recorded: {json.dumps(without_request_tag(recorded), sort_keys=True)}"
            )
        self.cursor = next_write + 1
        return next_write

    def _since_last_write(self, index: int) -> bool:
        """`index` lies between the last write made and the next one (or is that write)."""
        last_write = max(
            (
                i
                for i in range(self.cursor)
                if self.used[i] and not _is_read_exchange(self.exchanges[i])
            ),
            default=-1,
        )
        return index > last_write

    def _mismatch(
        self, method: str, path: str, query: list[list[str]], why: str, next_write: int
    ) -> None:
        upcoming = [_describe(e) for e in self.exchanges[self.cursor : next_write + 1]]
        raise ReplayMismatch(
            f"[{self.scenario}] no recorded answer for {method} {path} {query or ''}: {why}.\n"
            f"  recorded from here on: {upcoming}"
        )


def _is_read_exchange(exchange: Mapping[str, Any]) -> bool:
    request = exchange["request"]
    return is_read(request["method"], request["path"])


def _describe(exchange: Mapping[str, Any]) -> str:
    request = exchange["request"]
    return f"{request['method']} {request['path']} -> {exchange['response']['status']}"


def _response(recorded: Mapping[str, Any]) -> httpx.Response:
    if "body_base64" in recorded:
        content = base64.b64decode(recorded["body_base64"])
    else:
        content = recorded.get("body", "").encode("utf-8")
    return httpx.Response(recorded["status"], headers=recorded.get("headers", {}), content=content)


def replayed_client(replay: Replay, **kwargs: Any) -> Any:
    """A `hilcli.client.AgentClient` whose every request is answered by `replay`."""
    from hilcli.client import AgentClient

    return AgentClient(REPLAY_URL, transport=replay.transport, **kwargs)


def scenario_names() -> Iterator[str]:
    """The recorded scenarios (tests/recorded/exchanges/*.json)."""
    return (path.stem for path in sorted(EXCHANGES_DIR.glob("*.json")))


@dataclass
class Played:
    """A conversation replayed in process: what was sent, shown and how it ended."""

    replay: Replay
    terminal: ScriptedTerminal
    session: Any  # hilcli.session.Session
    outcome: RunOutcome


def play(
    scenario: str,
    assistant: str,
    message: str,
    *script: ScriptItem,
    interrupt_before: Sequence[str] = (),
) -> Played:
    """Send `message` to `assistant` on a new thread through `Session`, answering with
    `script`, against the recorded `scenario`; every recorded write must have been made
    and every scripted answer used. `interrupt_before`: the session's breakpoints."""
    from hilcli.client import BASE_STREAM_MODES
    from hilcli.session import Session

    replay = Replay(scenario)
    terminal = ScriptedTerminal(*script)
    session = Session(
        replayed_client(replay), assistant, terminal, stream_modes=list(BASE_STREAM_MODES)
    )
    session.interrupt_before = list(interrupt_before)
    outcome = session.send_message(message)
    replay.finish()
    terminal.finish()
    return Played(replay, terminal, session, outcome)


# -- commands in process ---------------------------------------------------------------------


@dataclass
class Ran:
    """What one `hil` command did in process: its exit status and what it printed."""

    status: int
    stdout: str
    stderr: str

    @property
    def json_lines(self) -> list[Any]:
        """`--json` output of `run` / `resume`: one JSON document per line."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    @property
    def json(self) -> Any:
        """`--json` output of `show` / `threads` / `history`: one JSON document."""
        return json.loads(self.stdout)


def command_env(
    transport: httpx.BaseTransport | None, home: Path, *, url: str = REPLAY_URL, stdin: str = ""
) -> Any:
    """An `hilcli.environment.Environment` for one command: `io.StringIO` streams (none a
    terminal), no colour, an empty config file and state directories under `home`, the
    server at `url` (`HIL_URL`) reached through `transport`."""
    import io

    from hilcli.environment import Environment

    home.mkdir(parents=True, exist_ok=True)
    config = home / "empty-config.toml"
    config.write_text("", encoding="utf-8")
    variables = {
        "NO_COLOR": "1",
        "HIL_URL": url,
        "HIL_CONFIG": str(config),
        "XDG_CONFIG_HOME": str(home / "xdg-config"),
        "XDG_STATE_HOME": str(home / "xdg-state"),
        "COLUMNS": "100",
    }
    return Environment(
        stdin=io.StringIO(stdin),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        variables=variables,
        transport=transport,
    )


def ctrl_c_clock(ready: Callable[[], bool]) -> Any:
    """An `Environment` clock that presses Ctrl-C once: the first time it is read on the main
    thread once `ready()` is true, it raises `KeyboardInterrupt` (as the signal would, in
    the middle of whatever reads it), then tells the time as usual.

    Ctrl-C is a local event, so it is scripted here while the server's bytes stay recorded.
    `ready` says when, from what hil printed: the displays read the clock after each event
    they show (`JsonDisplay.event`), so "after the Nth line" is the same point in the run
    on every replay, and was when it was recorded. Other threads (the stream's end probe)
    read the time unharmed."""
    import threading
    import time

    from hilcli.environment import Clock

    pressed = False

    def monotonic() -> float:
        nonlocal pressed
        if not pressed and threading.current_thread() is threading.main_thread() and ready():
            pressed = True
            raise KeyboardInterrupt
        return time.monotonic()

    return Clock(monotonic, time.sleep)


def lines_written(stream: Any, count: int) -> Callable[[], bool]:
    """`ctrl_c_clock`'s `ready`: `stream` (an `io.StringIO`) holds `count` lines or more."""
    return lambda: stream.getvalue().count("\n") >= count


def run_main(argv: Sequence[str], env: Any) -> Ran:
    """`hil ARGV` through `hilcli.cli.main` in this process, with `env`."""
    from hilcli.cli import main

    try:
        main(list(argv), env)
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - main always exits
        code = 0
    status = int(code) if isinstance(code, int) else (0 if code is None else 1)
    return Ran(status, env.stdout.getvalue(), env.stderr.getvalue())
