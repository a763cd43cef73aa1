"""Odd input from the server or the user gives our own errors (or is tolerated), never a crash."""

from __future__ import annotations

from pathlib import Path

from tests.support import run_hil as hil


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
