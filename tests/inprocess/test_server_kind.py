"""Naming a server and what it lacks, over `/info` and health answers recorded from real servers.

The recordings (tests/recorded/servers/, made by tests/record_servers.py) come from langgraph
dev on langgraph-api 0.16.7, langhost (langgraph-api 0.11.1 on Postgres + Redis), Aegra 0.6.0,
and the two older generations (langgraph-api 0.0.48 and 0.2.60).

Against the live servers, tests/test_matrix.py (`test_doctor_passes_and_names_the_server`)
checks the same names and lacks on all five servers of the matrix.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from hilcli.client import AgentClient
from hilcli.errors import ProtocolError, ServerError
from hilcli.server_kind import LACKS, ServerKind, describe, version_tuple
from tests.support import RECORDED_DIR

SERVERS = RECORDED_DIR / "servers"


def recording(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SERVERS / f"{name}.json").read_text())
    return loaded


def recorded_info(name: str) -> Any:
    return recording(name)["health"]["/info"]["body"]


#: What `hil doctor` prints on each server: the info line, then one line per lack.
EXPECTED = {
    "langgraph_dev": ("langgraph-api 0.16.7, langgraph 1.2.24", []),
    "langhost": ("langgraph-api 0.11.1, langgraph 1.2.24", [LACKS["state_response_schema"]]),
    "aegra": (
        "Aegra 0.1.0",
        [
            LACKS["replays_joins"],
            LACKS["response_schema"],
            LACKS["listed_interrupts"],
            LACKS["rejects_busy"],
        ],
    ),
    "old04": (
        "langgraph-api 0.2.60 (langgraph version not reported)",
        [LACKS["replays_joins"]],
    ),
    "old02": ("langgraph-api (version not reported)", [LACKS["replays_joins"]]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_recorded_server_is_named_with_what_it_lacks(name: str) -> None:
    kind = describe(recorded_info(name))
    label, lacks = EXPECTED[name]
    assert kind.recognised
    assert kind.label == label
    assert kind.lacks() == lacks


def test_aegra_capabilities() -> None:
    kind = describe(recorded_info("aegra"))
    assert kind.implementation == "Aegra" and kind.version == "0.1.0"
    assert kind.listed_interrupts is False and kind.rejects_busy is False
    assert kind.replays_joins is False and kind.response_schema is False
    assert kind.interrupt_ids is True


def test_langgraph_api_capabilities_follow_the_declared_versions() -> None:
    current = describe(recorded_info("langgraph_dev"))
    assert current.state_response_schema is True and current.interrupt_ids is True
    assert current.listed_interrupts is True and current.rejects_busy is True
    langhost = describe(recorded_info("langhost"))
    assert langhost.state_response_schema is False and langhost.response_schema is True
    # Neither old generation declares its langgraph: nothing is claimed about ids or schemas.
    for name in ("old02", "old04"):
        old = describe(recorded_info(name))
        assert old.interrupt_ids is None and old.response_schema is None
        assert old.langgraph_version is None
    assert describe(recorded_info("old02")).state_response_schema is None


@pytest.mark.parametrize(
    ("version", "keeps_schema"), [("0.15.9", False), ("0.16.0", True), ("0.16.7", True)]
)
def test_the_state_keeps_response_schema_from_langgraph_api_0_16(
    version: str, keeps_schema: bool
) -> None:
    info = {**recorded_info("langgraph_dev"), "version": version}
    assert describe(info).state_response_schema is keeps_schema


@pytest.mark.parametrize(
    ("version", "replays"),
    [(None, False), ("0.2.60", False), ("0.5.0", None), ("0.11.1", True), ("0.16.7", True)],
)
def test_replaying_joins_follow_the_declared_version(version: str | None, replays: bool) -> None:
    info = {key: value for key, value in recorded_info("langgraph_dev").items() if key != "version"}
    if version is not None:
        info["version"] = version
    assert describe(info).replays_joins is replays


@pytest.mark.parametrize(
    ("langgraph", "has_ids", "lacks_ids"),
    [("0.4.10", False, True), ("0.6.0", True, False), ("1.2.24", True, False)],
)
def test_interrupt_ids_follow_the_declared_langgraph(
    langgraph: str, has_ids: bool, lacks_ids: bool
) -> None:
    info = {**recorded_info("langhost"), "langgraph_py_version": langgraph}
    kind = describe(info)
    assert kind.interrupt_ids is has_ids
    assert (LACKS["interrupt_ids"] in kind.lacks()) is lacks_ids


@pytest.mark.parametrize(
    "info",
    [
        None,
        [],
        "ok",
        {},
        {"name": "Other", "version": "2.0"},
        {"version": "1.0"},  # no flags: not the reference server's shape
    ],
)
def test_an_unknown_server_is_said_so_and_nothing_is_claimed(info: Any) -> None:
    kind = describe(info)
    assert not kind.recognised
    assert kind.label.startswith("unknown implementation")
    assert kind.lacks() == []
    flags = (
        kind.replays_joins,
        kind.response_schema,
        kind.state_response_schema,
        kind.listed_interrupts,
        kind.rejects_busy,
        kind.interrupt_ids,
    )
    assert flags == (None,) * 6


def test_an_unknown_server_keeps_its_declared_name_in_the_label() -> None:
    assert describe({"name": "Other", "version": "2.0"}).label == (
        "unknown implementation (Other 2.0)"
    )
    assert ServerKind().label == "unknown implementation"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("0.11.1", (0, 11, 1)),
        ("0.11.1.post1", (0, 11, 1)),
        ("v1.2.24", (1, 2, 24)),
        ("1.0.0rc1", (1, 0, 0)),
        ("dev", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_declared_versions_are_read_by_their_leading_numbers(text: Any, parsed: Any) -> None:
    assert version_tuple(text) == parsed


def replaying(name: str, overrides: dict[str, int] | None = None) -> httpx.MockTransport:
    """A transport that answers the health paths as the recorded server did."""
    health = recording(name)["health"]

    def handler(request: httpx.Request) -> httpx.Response:
        if overrides and request.url.path in overrides:
            return httpx.Response(overrides[request.url.path], json={"detail": "boom"})
        answer = health.get(request.url.path)
        if answer is None:
            return httpx.Response(404, json={"detail": "Not Found"})
        return httpx.Response(answer["status"], json=answer["body"])

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("aegra", "/health"),
        ("langhost", "/ok"),
        ("langgraph_dev", "/ok"),
        ("old02", "/ok"),
        ("old04", "/ok"),
    ],
)
def test_health_says_which_endpoint_answered(name: str, path: str) -> None:
    assert recording(name)["health"][path]["status"] == 200
    with AgentClient("http://server.test", transport=replaying(name)) as client:
        assert client.health() == path


def test_health_falls_back_to_info() -> None:
    # Aegra's answers with its /health gone as well: /info is the last resort.
    with AgentClient("http://server.test", transport=replaying("aegra", {"/health": 404})) as c:
        assert c.health() == "/info"


def test_health_with_nothing_answering_is_not_an_agent_server() -> None:
    overrides = {"/ok": 404, "/health": 404, "/info": 404}
    with AgentClient("http://server.test", transport=replaying("aegra", overrides)) as client:
        with pytest.raises(ProtocolError, match="answers none of /ok, /health, /info"):
            client.health()


def test_health_stops_at_a_failure_other_than_404() -> None:
    with AgentClient("http://server.test", transport=replaying("aegra", {"/ok": 500})) as c:
        with pytest.raises(ServerError):
            c.health()


def test_every_lack_fits_one_doctor_line() -> None:
    import io

    from rich.console import Console

    from hilcli.render.tables import check_line

    for line in LACKS.values():
        out = io.StringIO()
        Console(file=out, width=100, color_system=None).print(
            check_line(True, "lacks", line, note=True)
        )
        assert out.getvalue().splitlines() == [f"! lacks       {line}"]
