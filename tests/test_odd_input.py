"""Odd input from the server or the user gives our own errors (or is tolerated), never a crash."""

from __future__ import annotations

from pathlib import Path

from hilcli.events import PendingInterrupt
from hilcli.forms import form_fields, value_problem
from hilcli.interrupts import classify, interrupt_summary
from tests.support import run_hil as hil


def test_unusable_schema_keywords_do_not_block_an_answer() -> None:
    """A bad regex or a wrongly typed keyword in a response_schema is not the user's fault."""
    assert value_problem({"type": "string", "pattern": "["}, "x") is None
    assert value_problem({"type": "integer", "minimum": "a"}, 3) is None
    assert value_problem({"type": 5}, 3) is None
    assert value_problem({"type": "integer", "minimum": 1}, 0) is not None


def test_required_list_with_odd_items_is_tolerated() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": [{}, "a"]}
    (field,) = form_fields(schema)
    assert field.name == "a"
    assert field.required


def test_review_request_with_odd_lists_still_classifies() -> None:
    value = {"action_requests": [{"name": "send", "args": {}}], "review_configs": 5}
    interrupt = PendingInterrupt(id="i1", value=value)
    classify(interrupt)
    assert interrupt_summary(interrupt)


def test_config_that_is_not_utf8_exits_2(hil_env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b'url = "\xff\xfe"\n')
    result = hil(hil_env, "config", "show", "--config", str(config))
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_non_ascii_api_key_exits_2_without_showing_it(hil_env: dict[str, str]) -> None:
    env = {**hil_env, "HIL_API_KEY": "sk-secret\u00a0tail"}
    result = hil(env, "run", "hi", "--url", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert "non-ASCII" in result.stderr
    assert "secret" not in result.stderr


def test_a_header_without_colon_is_refused_without_echoing_its_value(
    hil_env: dict[str, str],
) -> None:
    result = hil(hil_env, "run", "hi", "-H", "Authorization Bearer sk-hidden", "--url", "x")
    assert result.returncode == 2
    assert "Authorization" in result.stderr
    assert "sk-hidden" not in result.stderr
