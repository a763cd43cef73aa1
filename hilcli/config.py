"""Settings: where the server URL, assistant, API key and headers come from.

Precedence, highest first (shared/docs/cli.md): command-line flag, environment variable, the
chosen profile of the config file, the built-in default. Every setting remembers its source,
for `hil config show`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hilcli.errors import ConfigError

DEFAULT_URL = "http://127.0.0.1:2024"
DEFAULT_ASSISTANT = "agent"
API_KEY_ENV = ("HIL_API_KEY", "LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY")

#: Keys a profile may hold, with the Python type each must have.
PROFILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "url": str,
    "assistant": str,
    "api_key": str,
    "headers": dict,
    "stream_mode": list,
    "bell": bool,
}
TOP_KEYS = {"default_profile", "profiles"}


@dataclass
class Settings:
    """The effective settings of one command, each with where it came from."""

    url: str = DEFAULT_URL
    assistant: str = DEFAULT_ASSISTANT
    api_key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    stream_modes: list[str] = field(default_factory=list)
    bell: bool = True
    profile: str = "default"
    config_path: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)


def default_config_path(env: Mapping[str, str]) -> Path:
    """`$XDG_CONFIG_HOME/hil/config.toml`, else `~/.config/hil/config.toml`."""
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hil" / "config.toml"


def config_path(flag: str | None, env: Mapping[str, str]) -> Path:
    """The config file in use: `--config`, then `HIL_CONFIG`, then the default path."""
    if flag:
        return Path(flag).expanduser()
    if env.get("HIL_CONFIG"):
        return Path(env["HIL_CONFIG"]).expanduser()
    return default_config_path(env)


def _line_of(text: str, key: str, table: str | None) -> int | None:
    """The line where `key` is set (inside `[table]` when given), for error messages."""
    in_table = table is None
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*$")
    for number, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if match:
            in_table = table is None or match.group(1).replace('"', "") == table
            continue
        if in_table and re.match(rf'^\s*"?{re.escape(key)}"?\s*=', line):
            return number
    return None


def _error(path: Path, text: str, key: str, table: str | None, problem: str) -> ConfigError:
    line = _line_of(text, key, table)
    where = f"{path}:{line}" if line else str(path)
    return ConfigError(f"{where}: {problem}", hint="See config.example.toml for every key.")


def load_config(path: Path) -> dict[str, Any]:
    """Read and check the config file; a missing file is an empty config."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from exc
    for key, value in data.items():
        if key not in TOP_KEYS:
            raise _error(path, text, key, None, f"unknown key {key!r}")
        if key == "default_profile" and not isinstance(value, str):
            raise _error(path, text, key, None, "'default_profile' must be a string")
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise _error(path, text, "profiles", None, "'profiles' must be a table")
    for name, profile in profiles.items():
        table = f"profiles.{name}"
        if not isinstance(profile, dict):
            raise _error(path, text, name, "profiles", f"profile {name!r} must be a table")
        for key, value in dict[str, Any](profile).items():
            expected = PROFILE_KEYS.get(key)
            if expected is None:
                raise _error(path, text, key, table, f"unknown key {key!r} in [{table}]")
            if not isinstance(value, expected):
                kind = expected.__name__ if isinstance(expected, type) else "value"
                raise _error(path, text, key, table, f"{table}.{key} must be a {kind}")
            if isinstance(value, dict) and not all(isinstance(v, str) for v in value.values()):
                raise _error(path, text, key, table, f"{table}.headers values must be strings")
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                raise _error(path, text, key, table, f"{table}.stream_mode must list strings")
    return data


def parse_header(text: str) -> tuple[str, str]:
    """`'Name: value'` → `("Name", "value")`."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise ConfigError(f"Bad header {text!r}: use 'Name: value'.")
    return name.strip(), value.strip()


def resolve(
    *,
    url: str | None = None,
    assistant: str | None = None,
    api_key: str | None = None,
    headers: list[str] | None = None,
    stream_modes: list[str] | None = None,
    config: str | None = None,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """The effective settings: flag > environment > profile > default."""
    env = os.environ if env is None else env
    path = config_path(config, env)
    data = load_config(path)
    settings = Settings(config_path=path)
    chosen = profile or env.get("HIL_PROFILE") or data.get("default_profile") or "default"
    profiles = data.get("profiles", {})
    if chosen not in profiles and (profile or env.get("HIL_PROFILE")):
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(f"{path}: no profile {chosen!r} (profiles: {known})")
    settings.profile = chosen
    prof: dict[str, Any] = profiles.get(chosen, {})
    where = f"profile {chosen} ({path})"

    def pick(name: str, flag: Any, env_names: tuple[str, ...], default: Any) -> Any:
        if flag:
            settings.sources[name] = "flag"
            return flag
        for env_name in env_names:
            if env.get(env_name):
                settings.sources[name] = f"env {env_name}"
                return env[env_name].strip().strip("'\"")
        if name in prof:
            settings.sources[name] = where
            return prof[name]
        settings.sources[name] = "default"
        return default

    settings.url = pick("url", url, ("HIL_URL",), DEFAULT_URL)
    settings.assistant = pick("assistant", assistant, ("HIL_ASSISTANT",), DEFAULT_ASSISTANT)
    settings.api_key = pick("api_key", api_key, API_KEY_ENV, None) or None
    settings.bell = bool(pick("bell", None, (), True))
    settings.headers = dict(prof.get("headers", {}))
    settings.sources["headers"] = where if settings.headers else "default"
    for header in headers or []:
        name, value = parse_header(header)
        settings.headers[name] = value
        settings.sources["headers"] = "flag"
    modes = list(prof.get("stream_mode", []))
    settings.sources["stream_mode"] = where if modes else "default"
    if stream_modes:
        modes += stream_modes
        settings.sources["stream_mode"] = "flag"
    settings.stream_modes = modes
    return settings


def redact(key: str | None) -> str:
    """An API key as it may be shown: at most its last 4 characters."""
    if not key:
        return "(none)"
    return "…" + key[-4:] if len(key) > 8 else "…"
