"""Record how real servers replay a run when a client rejoins its stream, into
tests/recorded/rejoin/ (fixtures for tests/inprocess/test_stream_rejoin.py).

Run by hand against a server that serves the `many_events` graph of tests/graphs:

    python tests/record_rejoin.py --url http://127.0.0.1:PORT --label aegra

It records, with plain httpx (raw bytes, exactly as received):

* `drop`: a run of 60 `custom` events is streamed; after about 20 of them the connection is
  closed (a drop), then the run is rejoined, as `hil` does, with `Last-Event-ID` set to the
  id before the last one received (`-1` when there is none): `<label>_drop_first.sse` (the
  bytes before the drop) and `<label>_drop_rejoin.sse`;
* `attach`: another run is left after about 20 events (a detach) and joined again from the
  start (`Last-Event-ID: -1`) while it still runs: `<label>_attach_first.sse`,
  `<label>_attach_join.sse`;
* `finished`: the `drop` run, once over, joined from the start: `<label>_finished_join.sse`;
* `values`: as `drop`, the bytes kept up to the end of the first `values` event (the cut
  falls right after it): `<label>_values_first.sse`, `<label>_values_rejoin.sse`;
* `burst`: as `drop`, with 1,500 events as fast as the graph writes them (several share a
  millisecond, so the in-memory server gives them one id), cut after 500 and rejoined while
  the run goes on: `<label>_burst_first.sse`, `<label>_burst_rejoin.sse`.

`index.json` keeps, per label, the server, the requests and the `Last-Event-ID` sent. The
events a complete stream must deliver are known from the graph: `{"i": 0}` to `{"i": 59}`,
once each, in order, then the final state with "Emitted 60 events.".
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

OUT = Path(__file__).resolve().parent / "recorded" / "rejoin"
MODES = ["updates", "values", "messages-tuple", "custom"]
RUN_INPUT = {"count": 60, "delay": 0.02}
DROP_AFTER = 20  # custom events
BURST_INPUT = {"count": 1500, "delay": 0.0002}
BURST_DROP_AFTER = 500


def events(data: bytes) -> list[tuple[str, str, str]]:
    """(event, data, id) of each complete event in `data`, read with httpx-sse's decoder."""
    lines, decoder, out = SSELineDecoder(), SSEDecoder(), []
    for line in lines.decode(data.decode("utf-8", "replace")):
        sse = decoder.decode(line)
        if sse is not None and sse.data:
            out.append((sse.event, sse.data, sse.id))
    return out


def rejoin_from(received: list[tuple[str, str, str]]) -> str:
    """The id before the last one received (ids compared for equality only), else `-1`."""
    last = prev = None
    for _, _, event_id in received:
        if event_id and event_id != last:
            prev, last = last, event_id
    return prev or "-1"


def start(
    client: httpx.Client, thread_id: str, run_input: dict[str, Any] = RUN_INPUT
) -> tuple[httpx.Response, str | None]:
    body = {
        "assistant_id": "many_events",
        "input": run_input,
        "stream_mode": MODES,
        "stream_subgraphs": True,
        "stream_resumable": True,
        "on_disconnect": "continue",
        "multitask_strategy": "reject",
    }
    request = client.build_request(
        "POST",
        f"/threads/{thread_id}/runs/stream",
        json=body,
        headers={"Accept": "text/event-stream"},
    )
    response = client.send(request, stream=True)
    location = response.headers.get("content-location", "")
    run_id = location.rstrip("/").rsplit("/", 1)[-1] or None
    return response, run_id


def read_until(response: httpx.Response, customs: int) -> bytes:
    """The bytes of the answer until `customs` custom events have arrived; then it is cut."""
    received = b""
    for chunk in response.iter_raw():
        received += chunk
        if received.count(b"event: custom") >= customs:
            break
    response.close()
    return received


def cut_after_values(response: httpx.Response) -> bytes:
    """The bytes of the answer up to the end of its first `values` event; then it is cut."""
    received = b""
    for chunk in response.iter_raw():
        received += chunk
        at = received.find(b"event: values")
        end = received.find(b"\r\n\r\n", at) if at >= 0 else -1
        if end < 0 and at >= 0:
            end = received.find(b"\n\n", at)
            if end >= 0:
                response.close()
                return received[: end + 2]
        if end >= 0:
            response.close()
            return received[: end + 4]
    response.close()
    return received


def join(client: httpx.Client, thread_id: str, run_id: str, last_event_id: str | None) -> bytes:
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    params = {"stream_mode": json.dumps(MODES), "cancel_on_disconnect": "false"}
    with client.stream(
        "GET", f"/threads/{thread_id}/runs/{run_id}/stream", headers=headers, params=params
    ) as response:
        return b"".join(response.iter_raw())


def run_id_of(received: bytes, fallback: str | None) -> str:
    for name, data, _ in events(received):
        if name == "metadata":
            value = json.loads(data).get("run_id")
            if isinstance(value, str):
                return value
    assert fallback, "no run id"
    return fallback


def wait_done(client: httpx.Client, thread_id: str, run_id: str) -> None:
    """Return when the run has ended: a join of its stream lasts until then."""
    join(client, thread_id, run_id, "-1")


def _cut_and_rejoin(
    client: httpx.Client,
    label: str,
    name: str,
    run_input: dict[str, Any],
    cut: Callable[[httpx.Response], bytes],
) -> dict[str, Any]:
    """A run cut by `cut`, then rejoined after the id before the last one received."""
    thread = client.post("/threads", json={}).json()["thread_id"]
    response, run_id = start(client, thread, run_input)
    first = cut(response)
    run_id = run_id_of(first, run_id)
    sent = rejoin_from(events(first))
    rejoin = join(client, thread, run_id, sent)
    (OUT / f"{label}_{name}_first.sse").write_bytes(first)
    (OUT / f"{label}_{name}_rejoin.sse").write_bytes(rejoin)
    wait_done(client, thread, run_id)
    return {"thread_id": thread, "run_id": run_id, "last_event_id": sent, "input": run_input}


def _drop(client: httpx.Client, label: str) -> dict[str, Any]:
    notes = _cut_and_rejoin(client, label, "drop", RUN_INPUT, lambda r: read_until(r, DROP_AFTER))
    finished = join(client, notes["thread_id"], notes["run_id"], "-1")
    (OUT / f"{label}_finished_join.sse").write_bytes(finished)
    return notes


def _attach(client: httpx.Client, label: str) -> dict[str, Any]:
    """Detach after about 20 events, then join from the start while the run goes on."""
    thread = client.post("/threads", json={}).json()["thread_id"]
    response, run_id = start(client, thread)
    first = read_until(response, DROP_AFTER)
    run_id = run_id_of(first, run_id)
    attach = join(client, thread, run_id, "-1")
    (OUT / f"{label}_attach_first.sse").write_bytes(first)
    (OUT / f"{label}_attach_join.sse").write_bytes(attach)
    wait_done(client, thread, run_id)
    return {"thread_id": thread, "run_id": run_id, "last_event_id": "-1"}


SCENARIOS: dict[str, Callable[[httpx.Client, str], dict[str, Any]]] = {
    "drop": _drop,
    "attach": _attach,
    "values": lambda client, label: _cut_and_rejoin(
        client, label, "values", RUN_INPUT, cut_after_values
    ),
    "burst": lambda client, label: _cut_and_rejoin(
        client, label, "burst", BURST_INPUT, lambda r: read_until(r, BURST_DROP_AFTER)
    ),
}


def record(url: str, label: str, scenarios: list[str]) -> dict[str, Any]:
    """Record `scenarios` on the server at `url`; the notes for index.json."""
    OUT.mkdir(parents=True, exist_ok=True)
    notes: dict[str, Any] = {"url": url, "input": RUN_INPUT, "stream_mode": MODES}
    with httpx.Client(base_url=url, timeout=30) as client:
        notes["info"] = client.get("/info").json()
        for name in scenarios:
            notes[name] = SCENARIOS[name](client, label)
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS), choices=SCENARIOS)
    args = parser.parse_args()
    notes = record(args.url, args.label, args.scenarios)
    index_path = OUT / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    index[args.label] = {**index.get(args.label, {}), **notes}
    index_path.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    for path in sorted(OUT.glob(f"{args.label}_*.sse")):
        print(path.name, len(events(path.read_bytes())), "events")


if __name__ == "__main__":
    main()
