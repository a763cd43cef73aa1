"""Record what hil and the real server say to each other: tests/recorded/exchanges/NAME.json.

Run: `.venv/bin/python tests/record_exchanges.py [NAME ...]` (all scenarios by default; needs
the `demo` extra). It starts a LocalServer on tests/graphs/langgraph.json (and one on
tests/graphs_auth for the 401), drives hil's own `Session` through each scenario below with
the in-process tests' `ScriptedTerminal` (tests/inprocess/kit.py), and records every HTTP
request hil makes (method, path, query, JSON body, `Last-Event-ID`) with the server's answer
(status, the headers hil reads, the body byte for byte: SSE streams exactly as sent) in the
order the requests were made (a scenario where hil stops reading mid-run, Ctrl-C, records
the stream as far as hil read it). Set-up that is not hil's (a background run that keeps a
thread busy) goes to the server directly and is not recorded.

The legacy scenarios need a server on langgraph < 0.6 (interrupts without `id`), which
cannot share our pins: start one by hand (tests/record_legacy.py says how, e.g. with the
old04 venv) and pass its URL: `tests/record_exchanges.py --legacy URL`.

The in-process tests replay these files with `kit.Replay` (ids and timestamps differ on
every recording; nothing depends on them). Every answer in them came from the real server.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hilcli.client import BASE_STREAM_MODES, AgentClient  # noqa: E402
from hilcli.errors import (  # noqa: E402
    AuthError,
    HilError,
    InvalidRequest,
    NotFound,
    NothingToResume,
    ThreadBusy,
)
from hilcli.server.local import LocalServer  # noqa: E402
from hilcli.session import Session  # noqa: E402
from tests.inprocess.kit import (  # noqa: E402
    EXCHANGES_DIR,
    REPLAY_URL,
    Continue,
    ScriptedTerminal,
    Typed,
    Value,
    command_env,
    ctrl_c_clock,
    lines_written,
    query_of,
    request_json,
    run_main,
)
from tests.support import (  # noqa: E402
    GRAPHS_CONFIG,
    GRAPHS_DIR,
    WEATHER_PROMPT,
    create_thread,
    get_state,
    stream_run,
    user_input,
)

#: Response headers hil reads (`content-type` for SSE and errors, `content-location` for
#: the run id); the rest (dates, lengths, server names) would only make the files differ.
KEPT_HEADERS = ("content-type", "location", "content-location")
#: Request headers that change what the server answers.
KEPT_REQUEST_HEADERS = ("last-event-id",)


class RecordingTransport(httpx.BaseTransport):
    """Passes every request to the real server and keeps the request with its answer."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.exchanges: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        #: Hand streams on as they come (`TeeStream`) instead of whole: for a scenario whose
        #: client stops reading mid-run (Ctrl-C), where a whole read would wait for the end.
        self.streaming = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        entry: dict[str, Any] = {
            "request": {
                "method": request.method,
                "path": request.url.path,
                "query": query_of(request.url),
                "json": request_json(request),
            }
        }
        kept = {k: request.headers[k] for k in KEPT_REQUEST_HEADERS if k in request.headers}
        if kept:
            entry["request"]["headers"] = kept
        with self._lock:  # in the order the requests were made
            self.exchanges.append(entry)
        response = self.inner.handle_request(request)
        if self.streaming and response.headers.get("content-type", "").startswith(
            "text/event-stream"
        ):
            recorded_live: dict[str, Any] = {
                "status": response.status_code,
                "headers": {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers},
                "body": "",
            }
            entry["response"] = recorded_live
            return httpx.Response(
                response.status_code,
                headers=recorded_live["headers"],
                stream=TeeStream(response, recorded_live),
                request=request,
            )
        try:
            # Whole, then handed on: a stream is recorded as the server sent it (decoded from
            # any content-encoding, which the replay does not set).
            content = response.read()
        finally:
            response.close()
        recorded: dict[str, Any] = {
            "status": response.status_code,
            "headers": {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers},
        }
        try:
            recorded["body"] = content.decode("utf-8")
        except UnicodeDecodeError:  # never seen from the Agent Server; kept exact all the same
            import base64

            recorded["body_base64"] = base64.b64encode(content).decode("ascii")
        entry["response"] = recorded
        return httpx.Response(
            response.status_code, headers=recorded["headers"], content=content, request=request
        )

    def close(self) -> None:
        self.inner.close()


class TeeStream(httpx.SyncByteStream):
    """A server's stream handed on chunk by chunk; what the client read by the time it
    closed the stream (all of it, or up to its Ctrl-C) is the recorded body."""

    def __init__(self, response: httpx.Response, recorded: dict[str, Any]) -> None:
        self.response = response
        self.recorded = recorded
        self.chunks: list[bytes] = []

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.response.iter_bytes():
            self.chunks.append(chunk)
            self.recorded["body"] = b"".join(self.chunks).decode("utf-8")
            yield chunk

    def close(self) -> None:
        self.response.close()


@dataclass
class Context:
    """What a scenario gets: the servers, a recorded hil client, and an unrecorded one."""

    url: str
    auth_url: str
    legacy_url: str | None
    recorder: RecordingTransport

    def client(self, url: str | None = None, **kwargs: Any) -> AgentClient:
        """hil's client; everything it sends is recorded."""
        return AgentClient(url or self.url, transport=self.recorder, **kwargs)

    def session(self, assistant: str, terminal: ScriptedTerminal, **kwargs: Any) -> Session:
        return Session(
            self.client(kwargs.pop("url", None)),
            assistant,
            terminal,
            stream_modes=list(BASE_STREAM_MODES),
            **kwargs,
        )

    def setup_http(self) -> httpx.Client:
        """A plain client for set-up hil does not do (not recorded)."""
        return httpx.Client(base_url=self.url, timeout=30)


Scenario = Callable[[Context], dict[str, Any]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(func: Scenario) -> Scenario:
    SCENARIOS[func.__name__] = func
    return func


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"recording went wrong: {what}")


def converse(ctx: Context, graph: str, message: str, *script: Any, **kw: Any) -> dict[str, Any]:
    """Send `message` to `graph`, answer with `script`, and say how it ended."""
    terminal = ScriptedTerminal(*script)
    session = ctx.session(graph, terminal, **kw)
    outcome = session.send_message(message)
    terminal.finish()
    return {"message": message, "status": outcome.status, "thread_id": outcome.thread_id}


# -- questions, answered through hil's own prompts -------------------------------------------


@scenario
def agent_text(ctx: Context) -> dict[str, Any]:
    """`agent`: a text question ("Where are you located?"), answered; the run ends."""
    given = converse(ctx, "agent", WEATHER_PROMPT, Typed("san francisco"))
    expect(given["status"] == "done", f"agent ended {given['status']}")
    return given


@scenario
def form(ctx: Context) -> dict[str, Any]:
    """`form`: a `response_schema` form, each field typed (nights 2, breakfast true)."""
    given = converse(ctx, "form", "book", Typed("Ada", "2", "true", "suite"))
    expect(given["status"] == "done", f"form ended {given['status']}")
    return given


@scenario
def form_refused(ctx: Context) -> dict[str, Any]:
    """`form_validated`: the server refuses the first answer (ValidationError: nights 0,
    given whole as a terminal could); hil asks again with that answer as the draft, Enter
    keeps the name, nights becomes 3, and the second answer goes through."""
    script = (Value({"name": "Ada", "nights": 0}), Typed("", "3", "", ""))
    return converse(ctx, "form_validated", "book", *script)


@scenario
def json_question(ctx: Context) -> dict[str, Any]:
    """`json_question`: an object question; the typed line is sent as JSON."""
    return converse(ctx, "json_question", "hi", Typed('{"choice": "maybe"}'))


@scenario
def approval_approve(ctx: Context) -> dict[str, Any]:
    """`approval`: one tool call (send_email) to review; approved."""
    return converse(ctx, "approval", "Mail bob@example.com", Typed("approve"))


@scenario
def approval_edit(ctx: Context) -> dict[str, Any]:
    """`approval`: send_email's arguments edited (a new recipient) before it runs."""
    args = '{"to": "carol@example.com", "subject": "Hi", "body": "hello"}'
    return converse(ctx, "approval", "Mail bob@example.com", Typed("edit", args))


@scenario
def approval_reject(ctx: Context) -> dict[str, Any]:
    """`approval`: two tool calls in one review; send_email approved, delete_file rejected
    with a reason."""
    message = "Mail bob@example.com, then delete the report"
    return converse(ctx, "approval", message, Typed("approve", "reject", "keep that file"))


@scenario
def inbox_respond(ctx: Context) -> dict[str, Any]:
    """`inbox_single`: an Agent Inbox request (accept / respond); answered with a message."""
    return converse(ctx, "inbox_single", "hi", Typed("respond", "use ls -a instead"))


@scenario
def parallel(ctx: Context) -> dict[str, Any]:
    """`parallel`: two questions pending at once, both answered, in one resume."""
    return converse(ctx, "parallel", "hi", Typed("blue"), Typed("pizza"))


@scenario
def breakpoint_continue(ctx: Context) -> dict[str, Any]:
    """`breakpoint`: a static `interrupt_before` pause; the person goes on."""
    return converse(ctx, "breakpoint", "hi", Continue(True))


@scenario
def breakpoint_stop(ctx: Context) -> dict[str, Any]:
    """`breakpoint`: the same pause; the person stops there."""
    return converse(ctx, "breakpoint", "hi", Continue(False))


@scenario
def fails(ctx: Context) -> dict[str, Any]:
    """`fails`: the node raises ValueError("boom"): an `error` event, the run fails."""
    return converse(ctx, "fails", "hi")


@scenario
def approval_per_call(ctx: Context) -> dict[str, Any]:
    """`approval_per_call`: one interrupt per tool call (each with its `response_schema`),
    both pending at once; send_email approved, delete_file rejected with a reason."""
    message = "Mail bob@example.com, then delete the report"
    script = (Typed("approve"), Typed("reject", "keep that file"))
    return converse(ctx, "approval_per_call", message, *script)


@scenario
def inbox_edit(ctx: Context) -> dict[str, Any]:
    """`inbox`: an Agent Inbox request in its list form; the command edited."""
    return converse(ctx, "inbox", "hi", Typed("edit", '{"command": "ls -a"}'))


@scenario
def subgraph(ctx: Context) -> dict[str, Any]:
    """`subgraph`: the question comes from a node of a child graph (a namespace)."""
    return converse(ctx, "subgraph", "hi", Typed("the grail"))


@scenario
def breakpoint_runtime(ctx: Context) -> dict[str, Any]:
    """`ask` with a breakpoint hil sets (`interrupt_before: ["greet"]`): the question, the
    pause before greet, then on to the end."""
    terminal = ScriptedTerminal(Typed("Ada"), Continue(True))
    session = ctx.session("ask", terminal)
    session.interrupt_before = ["greet"]
    outcome = session.send_message("hi")
    terminal.finish()
    return {"message": "hi", "status": outcome.status, "interrupt_before": ["greet"]}


@scenario
def stale_answer(ctx: Context) -> dict[str, Any]:
    """`ask`: hil reads the pending question; someone else answers it (directly, not
    recorded); hil's answer is then refused before anything is sent (NothingToResume)."""
    thread_id = waiting_thread(ctx, "ask", "hi")
    session = ctx.session("ask", ScriptedTerminal(), thread_id=thread_id)
    [pending] = session.pending()
    with ctx.setup_http() as http:
        stream_run(http, thread_id, "ask", resume={pending.id: "someone else"})
    given = refused(lambda: session.resume({pending.id: "Ada"}), NothingToResume)
    return {"thread_id": thread_id, "interrupt_id": pending.id, **given}


@scenario
def session_reads(ctx: Context) -> dict[str, Any]:
    """`ask`: a thread waits (started directly, not recorded); the reads the chat, the inbox
    and the commands make through `Session`: the thread, its state, the ten most recent
    threads, the assistants, the owner filter of `-a ask` and the inbox's first page."""
    from hilcli.inbox import waiting_query

    thread_id = waiting_thread(ctx, "ask", "hi")
    with ctx.session("ask", ScriptedTerminal()) as session:
        session.require_thread(thread_id)
        session.state_of(thread_id)
        session.recent_threads(10)
        session.assistants()
        owner = session.owner_filter("ask")
        session.thread_page(waiting_query(owner), 0, 20)
    return {"thread_id": thread_id, "owner": owner}


# -- what the server refuses -----------------------------------------------------------------


def refused(run: Callable[[], Any], expected: type[HilError]) -> dict[str, Any]:
    try:
        run()
    except expected as exc:
        return {"error": type(exc).__name__, "message": exc.message}
    raise SystemExit(f"recording went wrong: no {expected.__name__}")


@scenario
def thread_404(ctx: Context) -> dict[str, Any]:
    """A thread id the server does not know: `GET /threads/{id}` is a 404."""
    missing = str(uuid.uuid4())
    session = ctx.session("agent", ScriptedTerminal())
    return {"thread_id": missing, **refused(lambda: session.open_thread(missing), NotFound)}


@scenario
def thread_422(ctx: Context) -> dict[str, Any]:
    """A thread id that is no UUID: the server answers 422 with its detail."""
    session = ctx.session("agent", ScriptedTerminal())
    return {
        "thread_id": "not-a-uuid",
        **refused(lambda: session.open_thread("not-a-uuid"), InvalidRequest),
    }


@scenario
def thread_busy(ctx: Context) -> dict[str, Any]:
    """A thread with a long run going on (started by someone else): hil's run is refused
    (409), and `outcome_now` sees the run and says the thread is busy."""
    with ctx.setup_http() as http:
        thread_id = http.post("/threads", json={}).json()["thread_id"]
        run = http.post(
            f"/threads/{thread_id}/runs",
            json={"assistant_id": "many_events", "input": {"count": 2000, "delay": 0.05}},
        ).json()
        try:
            session = ctx.session("ask", ScriptedTerminal(), thread_id=thread_id)
            given = refused(lambda: session.send_message("hi"), ThreadBusy)
            now = refused(session.outcome_now, ThreadBusy)
        finally:
            http.post(f"/threads/{thread_id}/runs/{run['run_id']}/cancel", params={"wait": "1"})
    return {"thread_id": thread_id, **given, "outcome_now": now}


@scenario
def unauthorized(ctx: Context) -> dict[str, Any]:
    """A server with custom auth, no API key: the first request is a 401."""
    session = ctx.session("ask", ScriptedTerminal(), url=ctx.auth_url)
    return refused(lambda: session.send_message("hi"), AuthError)


# -- commands: `hil ARGV` through hilcli.cli.main, in process ----------------------------------


def hil(
    ctx: Context,
    argv: list[str],
    *,
    url: str | None = None,
    stdin: str = "",
    ctrl_c_after_lines: int | None = None,
) -> dict[str, Any]:
    """Run `hil ARGV` in this process against the server (recorded); what the in-process
    tests need to run it again: the arguments, stdin, and how it ended. `ctrl_c_after_lines`:
    Ctrl-C once standard output holds that many lines (`kit.ctrl_c_clock`)."""
    home = Path(tempfile.mkdtemp(prefix="hil-record-"))
    try:
        env = command_env(ctx.recorder, home, url=url or ctx.url, stdin=stdin)
        if ctrl_c_after_lines is not None:
            clock = ctrl_c_clock(lines_written(env.stdout, ctrl_c_after_lines))
            env = dataclasses.replace(env, clock=clock)
        ran = run_main(argv, env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    given: dict[str, Any] = {"argv": argv, "status": ran.status}
    if stdin:
        given["stdin"] = stdin
    if ctrl_c_after_lines is not None:
        given["ctrl_c_after_lines"] = ctrl_c_after_lines
    if ran.stderr:
        given["stderr_when_recorded"] = ran.stderr.replace(url or ctx.url, REPLAY_URL)
    return given


def waiting_thread(ctx: Context, graph: str, message: str) -> str:
    """A thread whose run (started directly, not recorded) waits for an answer."""
    with ctx.setup_http() as http:
        thread_id = create_thread(http)
        stream_run(http, thread_id, graph, input=user_input(message))
    return thread_id


@scenario
def cmd_run_question(ctx: Context) -> dict[str, Any]:
    """`hil run -a agent --json PROMPT`: the run asks; exit 3."""
    return hil(ctx, ["run", "-a", "agent", "--json", WEATHER_PROMPT])


@scenario
def cmd_run_piped(ctx: Context) -> dict[str, Any]:
    """`echo hello | hil run -a ask --json`: the message comes from standard input."""
    return hil(ctx, ["run", "-a", "ask", "--json"], stdin="hello\n")


@scenario
def cmd_run_answered(ctx: Context) -> dict[str, Any]:
    """`hil run -a agent --answer 'san francisco' --json PROMPT`: answered, exit 0."""
    return hil(ctx, ["run", "-a", "agent", "--answer", "san francisco", "--json", WEATHER_PROMPT])


@scenario
def cmd_run_error(ctx: Context) -> dict[str, Any]:
    """`hil run -a fails --json hi`: the run fails; exit 1."""
    return hil(ctx, ["run", "-a", "fails", "--json", "hi"])


@scenario
def cmd_run_breakpoint(ctx: Context) -> dict[str, Any]:
    """`hil run -a breakpoint --json hi`: paused at the breakpoint; exit 3."""
    return hil(ctx, ["run", "-a", "breakpoint", "--json", "hi"])


@scenario
def cmd_run_unauthorized(ctx: Context) -> dict[str, Any]:
    """`hil run -a ask hi` on a server with custom auth, no key: 401, exit 5."""
    return hil(ctx, ["run", "-a", "ask", "hi"], url=ctx.auth_url)


@scenario
def cmd_run_busy(ctx: Context) -> dict[str, Any]:
    """`hil run --thread BUSY -a ask hi`: a run goes on there; refused (409), exit 1."""
    with ctx.setup_http() as http:
        thread_id = create_thread(http)
        run = http.post(
            f"/threads/{thread_id}/runs",
            json={"assistant_id": "many_events", "input": {"count": 2000, "delay": 0.05}},
        ).json()
        try:
            given = hil(ctx, ["run", "--thread", thread_id, "-a", "ask", "hi"])
            given["resume"] = hil(ctx, ["resume", thread_id, "--value", "x"])
        finally:
            http.post(f"/threads/{thread_id}/runs/{run['run_id']}/cancel", params={"wait": "1"})
    return {"thread_id": thread_id, **given}


@scenario
def cmd_resume_text(ctx: Context) -> dict[str, Any]:
    """`hil resume THREAD --value 'san francisco' --json` on `agent`'s question: exit 0."""
    thread_id = waiting_thread(ctx, "agent", WEATHER_PROMPT)
    argv = ["resume", thread_id, "--value", "san francisco", "--json"]
    return {"thread_id": thread_id, **hil(ctx, argv)}


@scenario
def cmd_resume_approve(ctx: Context) -> dict[str, Any]:
    """`hil resume THREAD --approve --json`: every tool call of the review approved."""
    thread_id = waiting_thread(ctx, "approval", "Mail bob@example.com, then delete the report")
    return {"thread_id": thread_id, **hil(ctx, ["resume", thread_id, "--approve", "--json"])}


@scenario
def cmd_resume_reject(ctx: Context) -> dict[str, Any]:
    """`hil resume THREAD --reject --message 'not now' --json`: every call rejected."""
    thread_id = waiting_thread(ctx, "approval", "Mail bob@example.com, then delete the report")
    argv = ["resume", thread_id, "--reject", "--message", "not now", "--json"]
    return {"thread_id": thread_id, **hil(ctx, argv)}


@scenario
def cmd_resume_form(ctx: Context) -> dict[str, Any]:
    """`hil resume THREAD --value-json '{"name": "Ada", "nights": 2}' --json` on a form."""
    thread_id = waiting_thread(ctx, "form", "book")
    argv = ["resume", thread_id, "--value-json", '{"name": "Ada", "nights": 2}', "--json"]
    return {"thread_id": thread_id, **hil(ctx, argv)}


@scenario
def cmd_resume_several(ctx: Context) -> dict[str, Any]:
    """Two questions pending: `--value` alone is refused (exit 2, nothing sent); with
    `--interrupt-id` one is answered and the other still waits (exit 3)."""
    thread_id = waiting_thread(ctx, "parallel", "hi")
    with ctx.setup_http() as http:
        pending = get_state(http, thread_id)["interrupts"]
    colour = next(i["id"] for i in pending if "colour" in i["value"])
    refused_ = hil(ctx, ["resume", thread_id, "--value", "blue", "--json"])
    argv = ["resume", thread_id, "--interrupt-id", colour, "--value", "blue", "--json"]
    return {"thread_id": thread_id, "colour_id": colour, "ambiguous": refused_, **hil(ctx, argv)}


@scenario
def cmd_resume_breakpoint(ctx: Context) -> dict[str, Any]:
    """`hil resume THREAD --value-json null --json` at a breakpoint: the run goes on."""
    thread_id = waiting_thread(ctx, "breakpoint", "hi")
    argv = ["resume", thread_id, "--value-json", "null", "--json"]
    return {"thread_id": thread_id, **hil(ctx, argv)}


@scenario
def cmd_resume_not_waiting(ctx: Context) -> dict[str, Any]:
    """`hil resume THREAD --value x` on a thread whose run failed: nothing to answer, exit 4."""
    thread_id = waiting_thread(ctx, "fails", "hi")
    return {"thread_id": thread_id, **hil(ctx, ["resume", thread_id, "--value", "x"])}


@scenario
def cmd_resume_unknown(ctx: Context) -> dict[str, Any]:
    """`hil resume UNKNOWN --value x` (404, exit 4) and `hil resume not-a-uuid` (422, exit 2)."""
    missing = str(uuid.uuid4())
    given = {"thread_id": missing, **hil(ctx, ["resume", missing, "--value", "x"])}
    given["not_a_uuid"] = hil(ctx, ["resume", "not-a-uuid", "--value", "x"])
    return given


@scenario
def cmd_show(ctx: Context) -> dict[str, Any]:
    """`hil show THREAD --json`, then `hil show THREAD`, on `agent`'s question."""
    thread_id = waiting_thread(ctx, "agent", WEATHER_PROMPT)
    given = {"thread_id": thread_id, **hil(ctx, ["show", thread_id, "--json"])}
    given["plain"] = hil(ctx, ["show", thread_id])
    return given


@scenario
def cmd_threads(ctx: Context) -> dict[str, Any]:
    """`hil threads -a agent --limit 3 --json`, then the same as a table."""
    waiting_thread(ctx, "agent", WEATHER_PROMPT)
    given = hil(ctx, ["threads", "-a", "agent", "--limit", "3", "--json"])
    given["plain"] = hil(ctx, ["threads", "-a", "agent", "--limit", "3"])
    return given


@scenario
def cmd_history(ctx: Context) -> dict[str, Any]:
    """`hil history THREAD --json` on an `agent` thread answered once (several checkpoints)."""
    thread_id = waiting_thread(ctx, "agent", WEATHER_PROMPT)
    with ctx.setup_http() as http:
        [pending] = get_state(http, thread_id)["interrupts"]
        stream_run(http, thread_id, "agent", resume={pending["id"]: "san francisco"})
    return {"thread_id": thread_id, **hil(ctx, ["history", thread_id, "--json"])}


@scenario
def cmd_resume_continue(ctx: Context) -> dict[str, Any]:
    """`hil resume THREAD --continue --json` at a breakpoint: the run goes on to its end."""
    thread_id = waiting_thread(ctx, "breakpoint", "hi")
    return {"thread_id": thread_id, **hil(ctx, ["resume", thread_id, "--continue", "--json"])}


@scenario
def cmd_chat(ctx: Context) -> dict[str, Any]:
    """`hil chat -a agent` with its lines piped in: the message, then the answer; the end
    of input ends the chat."""
    return hil(ctx, ["chat", "-a", "agent"], stdin=f"{WEATHER_PROMPT}\nsan francisco\n")


@scenario
def cmd_doctor(ctx: Context) -> dict[str, Any]:
    """`hil doctor -a agent`: every check passes on the test server."""
    return hil(ctx, ["doctor", "-a", "agent"])


@scenario
def cmd_inbox(ctx: Context) -> dict[str, Any]:
    """Two `ask_age` threads wait: `hil inbox -a ask_age --json` lists both; `hil inbox -a
    ask_age` with its lines piped in picks the first (the newest), answers `/json 42`, and
    the end of input leaves with the other still waiting."""
    older = waiting_thread(ctx, "ask_age", "hi")
    newer = waiting_thread(ctx, "ask_age", "hello")
    given: dict[str, Any] = {"older": older, "newer": newer}
    given["json"] = hil(ctx, ["inbox", "-a", "ask_age", "--json"])
    given.update(hil(ctx, ["inbox", "-a", "ask_age"], stdin="1\n/json 42\n"))
    return given


# -- attach, edit, time travel, Ctrl-C ------------------------------------------------------


def running_thread(ctx: Context, count: int, delay: float) -> tuple[str, str]:
    """A thread with a `many_events` run going on (started directly, not recorded), whose
    stream can be joined from its start: (thread id, run id)."""
    with ctx.setup_http() as http:
        thread_id = create_thread(http)
        run = http.post(
            f"/threads/{thread_id}/runs",
            json={
                "assistant_id": "many_events",
                "input": {"count": count, "delay": delay},
                "stream_mode": list(BASE_STREAM_MODES) + ["custom"],
                "stream_resumable": True,
            },
        )
        run.raise_for_status()
    return thread_id, str(run.json()["run_id"])


def checkpoints_of(ctx: Context, thread_id: str) -> list[dict[str, Any]]:
    """The thread's checkpoints, newest first (read directly, not recorded)."""
    with ctx.setup_http() as http:
        response = http.post(f"/threads/{thread_id}/history", json={"limit": 100})
        response.raise_for_status()
        states: list[dict[str, Any]] = response.json()
    return states


def answered_ask_thread(ctx: Context, name: str) -> str:
    """An `ask` thread asked its question and answered `name` (directly, not recorded)."""
    thread_id = waiting_thread(ctx, "ask", "hi")
    with ctx.setup_http() as http:
        [pending] = get_state(http, thread_id)["interrupts"]
        stream_run(http, thread_id, "ask", resume={pending["id"]: name})
    return thread_id


@scenario
def cmd_attach(ctx: Context) -> dict[str, Any]:
    """`hil attach THREAD --stream-mode custom` while a `many_events` run (30 events) goes on
    there: hil joins it, replayed from its start, watches it to its end, then the chat reads
    its (empty) input and ends."""
    thread_id, run_id = running_thread(ctx, 30, 0.05)
    argv = ["attach", thread_id, "-a", "many_events", "--stream-mode", "custom"]
    return {"thread_id": thread_id, "run_id": run_id, **hil(ctx, argv)}


@scenario
def cmd_attach_idle(ctx: Context) -> dict[str, Any]:
    """`hil attach THREAD` on an `ask` thread that waits (no run to join): hil says so, asks
    the pending question, and the piped line "Ada" answers it."""
    thread_id = waiting_thread(ctx, "ask", "hi")
    return {"thread_id": thread_id, **hil(ctx, ["attach", thread_id], stdin="Ada\n")}


@scenario
def cmd_edit(ctx: Context) -> dict[str, Any]:
    """On an `ask` thread that waits: `hil edit THREAD --set-json '{"name": "Zed"}' --as-node
    ask_name` (a new checkpoint, before greet), then the same with `{"name": "Early"}` from
    the thread's first checkpoint (`--checkpoint FIRST`: a branch)."""
    thread_id = waiting_thread(ctx, "ask", "hi")
    first = checkpoints_of(ctx, thread_id)[-1]["checkpoint"]["checkpoint_id"]
    given: dict[str, Any] = {"thread_id": thread_id, "first": first}
    argv = ["edit", thread_id, "--set-json", '{"name": "Zed"}', "--as-node", "ask_name"]
    given.update(hil(ctx, argv))
    argv = ["edit", thread_id, "--set-json", '{"name": "Early"}', "--as-node", "ask_name"]
    given["branch"] = hil(ctx, [*argv, "--checkpoint", first])
    return given


@scenario
def cmd_edit_refused(ctx: Context) -> dict[str, Any]:
    """On an `ask` thread that waits: `hil edit THREAD --set-json ... --as-node no_such_node`
    is refused by the server (400, exit 2); `--checkpoint nothere1` names no checkpoint
    (exit 4)."""
    thread_id = waiting_thread(ctx, "ask", "hi")
    values = ["--set-json", '{"name": "x"}']
    given: dict[str, Any] = {"thread_id": thread_id}
    given.update(hil(ctx, ["edit", thread_id, *values, "--as-node", "no_such_node"]))
    given["no_checkpoint"] = hil(ctx, ["edit", thread_id, *values, "--checkpoint", "nothere1"])
    return given


@scenario
def cmd_run_checkpoint(ctx: Context) -> dict[str, Any]:
    """An `ask` thread answered "Bob": `hil run --thread T --checkpoint C --json` from the
    checkpoint before greet replays greet (exit 0); `hil run again --thread T --checkpoint
    DONE --json` from its last checkpoint is a new branch that asks again (exit 3)."""
    thread_id = answered_ask_thread(ctx, "Bob")
    states = checkpoints_of(ctx, thread_id)
    before_greet = next(s for s in states if s["next"] == ["greet"])["checkpoint"]
    done = states[0]["checkpoint"]["checkpoint_id"]
    given: dict[str, Any] = {
        "thread_id": thread_id,
        "before_greet": before_greet["checkpoint_id"],
        "done": done,
    }
    argv = ["run", "--thread", thread_id, "--checkpoint", before_greet["checkpoint_id"]]
    given.update(hil(ctx, [*argv, "--json"]))
    argv = ["run", "again", "--thread", thread_id, "--checkpoint", done, "--json"]
    given["branch"] = hil(ctx, argv)
    return given


@scenario
def cmd_resume_checkpoint(ctx: Context) -> dict[str, Any]:
    """An `ask` thread answered "Bob": `hil resume T --checkpoint Q --value Alice --json`,
    Q the checkpoint that asked the name, answers it again on a new branch (exit 0)."""
    thread_id = answered_ask_thread(ctx, "Bob")
    asked = [
        s["checkpoint"]["checkpoint_id"]
        for s in checkpoints_of(ctx, thread_id)
        if [i.get("value") for i in s.get("interrupts") or []] == ["What is your name?"]
    ]
    expect(len(asked) == 1, f"the question was asked at {asked}")
    argv = ["resume", thread_id, "--checkpoint", asked[0], "--value", "Alice", "--json"]
    return {"thread_id": thread_id, "asked_at": asked[0], **hil(ctx, argv)}


@scenario
def cmd_history_page(ctx: Context) -> dict[str, Any]:
    """An `ask` thread answered "Bob" (several checkpoints): `hil history T --limit 2
    --json`, `hil history T --limit 2 --before C --json` (C the second of that page), and
    `hil history T --limit 2` as a table."""
    thread_id = answered_ask_thread(ctx, "Bob")
    states = checkpoints_of(ctx, thread_id)
    second = states[1]["checkpoint"]["checkpoint_id"]
    given: dict[str, Any] = {
        "thread_id": thread_id,
        "second": second,
        "checkpoints": [s["checkpoint"]["checkpoint_id"] for s in states],
    }
    given.update(hil(ctx, ["history", thread_id, "--limit", "2", "--json"]))
    argv = ["history", thread_id, "--limit", "2", "--before", second, "--json"]
    given["before"] = hil(ctx, argv)
    given["table"] = hil(ctx, ["history", thread_id, "--limit", "2"])
    return given


LONG_RUN = json.dumps({"count": 4000, "delay": 0.05})


def cancel_left_running(ctx: Context) -> None:
    """Cancel what a scenario left running (directly, not recorded): the thread hil made."""
    made = [
        e
        for e in ctx.recorder.exchanges
        if e["request"]["method"] == "POST" and e["request"]["path"] == "/threads"
    ]
    with ctx.setup_http() as http:
        for exchange in made:
            thread_id = json.loads(exchange["response"]["body"])["thread_id"]
            for run in http.get(f"/threads/{thread_id}/runs").json():
                if run["status"] in ("pending", "running"):
                    http.post(
                        f"/threads/{thread_id}/runs/{run['run_id']}/cancel", params={"wait": "1"}
                    )


@scenario
def cmd_run_ctrl_c(ctx: Context) -> dict[str, Any]:
    """`hil run -a many_events --json --stream-mode custom --input-json LONG` (4000 events,
    0.05 s apart): Ctrl-C once 4 lines are printed (the scripted clock); hil cancels the run
    on the server (`--on-ctrl-c cancel`, the default), ends with the `result` line, exit 130.
    The stream is recorded as far as hil had read it."""
    argv = ["run", "-a", "many_events", "--json", "--stream-mode", "custom"]
    argv += ["--input-json", LONG_RUN]
    ctx.recorder.streaming = True
    try:
        given = hil(ctx, argv, ctrl_c_after_lines=4)
    finally:
        ctx.recorder.streaming = False
        cancel_left_running(ctx)
    return given


@scenario
def cmd_run_ctrl_c_detach(ctx: Context) -> dict[str, Any]:
    """The same with `--on-ctrl-c detach`: hil stops watching and leaves the run going on
    (nothing cancelled), exit 130, the hint names `hil attach THREAD`. (The run is cancelled
    afterwards, directly, not recorded.)"""
    argv = ["run", "-a", "many_events", "--json", "--stream-mode", "custom"]
    argv += ["--input-json", LONG_RUN, "--on-ctrl-c", "detach"]
    ctx.recorder.streaming = True
    try:
        given = hil(ctx, argv, ctrl_c_after_lines=4)
    finally:
        ctx.recorder.streaming = False
        cancel_left_running(ctx)
    return given


# -- a server on langgraph < 0.6: interrupts without id --------------------------------------


@scenario
def legacy_ask(ctx: Context) -> dict[str, Any]:
    """langgraph-api 0.2.60 / langgraph 0.4 (tests/recorded/legacy/graphs): a question
    without `id`, answered; the resume names no id."""
    expect(ctx.legacy_url is not None, "legacy_ask needs --legacy URL")
    return converse(ctx, "ask", "Where is it sunny?", Typed("san francisco"), url=ctx.legacy_url)


@scenario
def legacy_parallel(ctx: Context) -> dict[str, Any]:
    """The same old server: two questions without id pending at once, both answered."""
    expect(ctx.legacy_url is not None, "legacy_parallel needs --legacy URL")
    return converse(ctx, "parallel", "go", Typed("blue"), Typed("pizza"), url=ctx.legacy_url)


LEGACY = ("legacy_ask", "legacy_parallel")


def server_version(url: str) -> str:
    info = httpx.get(f"{url}/info", timeout=10).json()
    langgraph = info.get("langgraph_py_version", "not said")
    return f"langgraph-api {info.get('version', '?')} (langgraph {langgraph})"


def record(name: str, ctx: Context, server: str) -> None:
    ctx.recorder.exchanges = []
    given = SCENARIOS[name](ctx)
    document = {
        "scenario": name,
        "about": " ".join((SCENARIOS[name].__doc__ or "").split()),
        "recorded_by": "tests/record_exchanges.py",
        "server": server,
        "given": given,
        "exchanges": ctx.recorder.exchanges,
    }
    EXCHANGES_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    (EXCHANGES_DIR / f"{name}.json").write_text(text, encoding="utf-8")
    print(f"recorded {name}: {len(ctx.recorder.exchanges)} exchanges, {given}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenarios to record (default: all)")
    parser.add_argument("--legacy", metavar="URL", help="a langgraph < 0.6 server (by hand)")
    args = parser.parse_args()
    names = args.names or [n for n in SCENARIOS if n not in LEGACY or args.legacy]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenarios: {unknown}; known: {list(SCENARIOS)}")
    recorder = RecordingTransport()
    auth_config = GRAPHS_DIR.parent / "graphs_auth" / "langgraph.json"
    with LocalServer(GRAPHS_CONFIG, jobs=8) as server, LocalServer(auth_config) as auth:
        ctx = Context(server.url, auth.url, args.legacy, recorder)
        for name in names:
            version = server_version(args.legacy if name in LEGACY else server.url)
            if name == "unauthorized":
                version += ", on tests/graphs_auth (custom auth)"
            record(name, ctx, version)
    recorder.close()


if __name__ == "__main__":
    main()
