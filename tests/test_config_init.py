"""`hil config init` (issue 16, point 10): a commented config file that `hil` then loads,
never written over an existing file without `--force`; errors about the config point to it
(an installed `hil` has no config.example.toml).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from hilcli.config import DEFAULT_ASSISTANT, DEFAULT_URL, PROFILE_KEYS, load_config
from hilcli.errors import ExitStatus
from tests.support import run_hil as hil


def _no_named_config(env: dict[str, str]) -> dict[str, str]:
    """`env` without HIL_CONFIG: hil uses the default path under XDG_CONFIG_HOME."""
    return {key: value for key, value in env.items() if key != "HIL_CONFIG"}


def test_init_writes_the_default_config_that_config_show_loads(hil_env: dict[str, str]) -> None:
    env = _no_named_config(hil_env)
    target = Path(env["XDG_CONFIG_HOME"]) / "hil" / "config.toml"
    assert not target.exists()
    done = hil(env, "config", "init")
    assert done.returncode == 0, done.stderr
    assert str(target) in done.stdout
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# ")
    for key in PROFILE_KEYS:
        assert re.search(rf"^#? ?({key} = |\[profiles\.\w+\.{key}\])", text, re.MULTILINE), key
    shown = hil(env, "config", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    settings = json.loads(shown.stdout)
    assert settings["config"]["value"] == str(target)
    assert settings["url"] == {"value": DEFAULT_URL, "from": f"profile default ({target})"}
    assert settings["assistant"]["value"] == DEFAULT_ASSISTANT
    assert settings["assistant"]["from"] == f"profile default ({target})"
    path = hil(env, "config", "path")
    assert path.stdout == f"{target}\n" and path.stderr == ""


def test_every_commented_example_in_the_file_is_valid(
    tmp_path: Path, hil_env: dict[str, str]
) -> None:
    """Uncommenting the file's examples gives a config hil accepts: they are not stale."""
    target = tmp_path / "config.toml"
    assert hil(hil_env, "config", "init", "--path", str(target)).returncode == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    example = re.compile(r"^# (\[profiles\.[\w.]+\]$|[\w-]+ = .+$)")
    uncommented = [line[2:] if example.match(line) else line for line in lines]
    assert sum(1 for a, b in zip(lines, uncommented, strict=True) if a != b) >= 8
    full = tmp_path / "full.toml"
    full.write_text("\n".join(uncommented) + "\n", encoding="utf-8")
    data = load_config(full)
    assert set(data["profiles"]["default"]) == set(PROFILE_KEYS)
    assert data["profiles"]["prod"]["url"].startswith("https://")
    assert tomllib.loads(full.read_text(encoding="utf-8")) == data


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, hil_env: dict[str, str]) -> None:
    target = tmp_path / "mine.toml"
    mine = '[profiles.default]\nurl = "http://127.0.0.1:9999"\n'
    target.write_text(mine, encoding="utf-8")
    done = hil(hil_env, "config", "init", "--path", str(target))
    assert done.returncode == ExitStatus.USAGE
    assert done.stdout == ""
    assert f"{target} already exists" in done.stderr and "--force" in done.stderr
    assert len(done.stderr.splitlines()) == 2
    assert target.read_text(encoding="utf-8") == mine
    forced = hil(hil_env, "config", "init", "--path", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "hil config init" in target.read_text(encoding="utf-8")


def test_init_writes_the_file_hil_config_names(tmp_path: Path, hil_env: dict[str, str]) -> None:
    """With HIL_CONFIG set, that is the file hil reads, so that is the file init writes."""
    target = tmp_path / "sub" / "dir" / "hil.toml"
    env = {**hil_env, "HIL_CONFIG": str(target)}
    done = hil(env, "config", "init")
    assert done.returncode == 0, done.stderr
    assert target.is_file()
    shown = json.loads(hil(env, "config", "show", "--json").stdout)
    assert shown["url"]["from"] == f"profile default ({target})"


def test_init_errors(tmp_path: Path, hil_env: dict[str, str]) -> None:
    directory = hil(hil_env, "config", "init", "--path", str(tmp_path))
    assert directory.returncode == ExitStatus.USAGE
    assert "is a directory" in directory.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    unwritable = hil(hil_env, "config", "init", "--path", str(blocker / "config.toml"))
    assert unwritable.returncode == ExitStatus.ERROR
    assert unwritable.stderr.startswith(f"hil: Cannot write {blocker / 'config.toml'}")
    assert "Traceback" not in unwritable.stderr


def test_config_errors_point_to_config_init(tmp_path: Path, hil_env: dict[str, str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[profiles.default]\ncolour = 'red'\n", encoding="utf-8")
    done = hil({**hil_env, "HIL_CONFIG": str(bad)}, "config", "show")
    assert done.returncode == ExitStatus.USAGE
    assert f"{bad}:2: unknown key 'colour'" in done.stderr
    assert "hil config init" in done.stderr and "config.example.toml" not in done.stderr
    missing = hil(_no_named_config(hil_env), "config", "path")
    assert missing.returncode == 0
    assert "hil config init" in missing.stderr and "config.example.toml" not in missing.stderr
