"""Config through the `hil` command: a bad file stops every command (exit 2, one line),
`hil config show` / `path`, the plain-HTTP key warning (the rules themselves are tested in
process: tests/inprocess/test_config.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from hilcli.errors import ExitStatus
from tests.inprocess.test_config import PROFILES, write
from tests.support import run_hil


def hil(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_hil(env, *args)


def test_bad_config_exits_2_with_one_line(tmp_path: Path, hil_env: dict[str, str]) -> None:
    path = write(tmp_path, '[profiles.default]\nurl = "http://x"\nbell = 3\n')
    result = hil(["config", "show", "--config", str(path)], hil_env)
    assert result.returncode == ExitStatus.USAGE
    assert f"{path}:3: profiles.default.bell must be a bool" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_bad_config_stops_every_command_with_exit_2(
    tmp_path: Path, hil_env: dict[str, str]
) -> None:
    path = write(tmp_path, "[profiles.default\n")
    hil_env["HIL_CONFIG"] = str(path)
    result = hil(["threads"], hil_env)
    assert result.returncode == ExitStatus.USAGE
    assert f"{path}:1: TOML syntax error" in result.stderr


def test_config_show_says_where_each_setting_came_from(
    tmp_path: Path, hil_env: dict[str, str]
) -> None:
    path = write(tmp_path, PROFILES)
    hil_env["HIL_CONFIG"] = str(path)
    hil_env["HIL_ASSISTANT"] = "from_env"
    result = hil(["config", "show", "--url", "http://127.0.0.1:7", "--json"], hil_env)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["url"] == {"value": "http://127.0.0.1:7", "from": "flag"}
    assert shown["assistant"] == {"value": "from_env", "from": "env HIL_ASSISTANT"}
    assert shown["bell"] == {"value": "false", "from": f"profile work ({path})"}
    assert shown["api_key"]["value"] == "…WXYZ"
    assert "work-key" not in result.stdout
    table = hil(["config", "show"], hil_env)
    assert table.returncode == 0
    assert "env HIL_ASSISTANT" in table.stdout
    assert "…WXYZ" in table.stdout
    assert "work-key-0000" not in table.stdout + table.stderr


def test_config_path_prints_the_file_in_use(tmp_path: Path, hil_env: dict[str, str]) -> None:
    result = hil(["config", "path"], hil_env)
    assert result.stdout.strip() == hil_env["HIL_CONFIG"]
    flagged = hil(["config", "path", "--config", str(tmp_path / "x.toml")], hil_env)
    assert flagged.stdout.strip() == str(tmp_path / "x.toml")
    del hil_env["HIL_CONFIG"]
    default = hil(["config", "path"], hil_env)
    assert default.stdout.strip() == str(Path(hil_env["XDG_CONFIG_HOME"]) / "hil" / "config.toml")


def test_plain_http_warning_is_printed(hil_env: dict[str, str]) -> None:
    args = ["config", "show", "--url", "http://agents.example.com", "--api-key", "secret-9876"]
    result = hil(args, hil_env)
    assert result.returncode == 0
    assert "warning: the API key would be sent over plain http://" in result.stderr
    assert "secret-9876" not in result.stderr + result.stdout
