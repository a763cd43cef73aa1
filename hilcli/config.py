"""Settings: where the server URL, assistant, API key and headers come from.

Precedence, highest first (shared/docs/cli.md): command-line flag, environment variable, the
chosen profile of the config file, the built-in default. Every setting remembers its source,
for `hil config show`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hilcli.errors import ConfigError, HilError
from hilcli.stream_modes import BASE_STREAM_MODES, STREAM_MODES, unknown_stream_modes
from hilcli.text import shorten

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

    @property
    def assistant_given(self) -> bool:
        """Whether `-a` named the assistant: then it wins over a thread's own assistant."""
        return self.sources.get("assistant") == "flag"


def default_config_path(env: Mapping[str, str]) -> Path:
    """`$XDG_CONFIG_HOME/hil/config.toml`, else `~/.config/hil/config.toml`."""
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    base = env.get("XDG_CONFIG_HOME") or str(home / ".config")
    return Path(base) / "hil" / "config.toml"


def config_path(flag: str | None, env: Mapping[str, str]) -> Path:
    """The config file in use: `--config`, then `HIL_CONFIG`, then the default path."""
    return _config_choice(flag, env)[0]


def _config_choice(flag: str | None, env: Mapping[str, str]) -> tuple[Path, str]:
    """The config file in use and where that choice came from."""
    if flag:
        return Path(flag).expanduser(), "flag"
    if env.get("HIL_CONFIG"):
        return Path(env["HIL_CONFIG"]).expanduser(), "env HIL_CONFIG"
    return default_config_path(env), "default"


def _line_of(text: str, key: str, table: str | None) -> int | None:
    """The line where `key` is set (inside `[table]` when given), for error messages.

    A key written as its own table (`[table.key]`) is found by its header line.
    """
    in_table = table is None
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(#.*)?$")
    own_table = f"{table}.{key}" if table else key
    for number, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if match:
            name = re.sub(r"\s*\.\s*", ".", match.group(1).replace('"', "").replace("'", ""))
            if name == own_table:
                return number
            in_table = table is None or name == table
            continue
        if in_table and re.match(rf'^\s*["\']?{re.escape(key)}["\']?\s*=', line):
            return number
    return None


def _error(path: Path, text: str, key: str, table: str | None, problem: str) -> ConfigError:
    line = _line_of(text, key, table)
    where = f"{path}:{line}" if line else str(path)
    return ConfigError(f"{where}: {problem}", hint=TEMPLATE_HINT)


#: Where an error about the file points: an installed `hil` has no config.example.toml.
TEMPLATE_HINT = "Every key is described in the file 'hil config init --path FILE' writes."

#: What `hil config init` writes: every key, explained; the defaults active, the rest
#: commented out. (config.example.toml in the repository shows a filled-in example.)
CONFIG_TEMPLATE = f"""\
# hil's configuration file, written by `hil config init`.
#
# hil reads the file named by --config PATH, else $HIL_CONFIG, else
# $XDG_CONFIG_HOME/hil/config.toml (else ~/.config/hil/config.toml).
# `hil config path` prints the one in use.
#
# Each setting comes from, highest first: the command-line flag, the environment variable,
# the chosen profile below, the built-in default.  `hil config show` prints the effective
# settings and where each came from (the API key redacted).
#
# An unknown key, a value of the wrong type or a TOML syntax error is reported with the
# file, the line and the key, and the command exits with status 2.

# The profile used when neither --profile/-p nor $HIL_PROFILE names one.
# default_profile = "default"

# One table per profile: [profiles.NAME].  Every key is optional.
[profiles.default]
# The Agent Server URL.  Flag --url, env HIL_URL.  Default: {DEFAULT_URL}
url = "{DEFAULT_URL}"
# The assistant id or graph name runs use.  Flag --assistant/-a, env HIL_ASSISTANT.
# Default: "{DEFAULT_ASSISTANT}".
assistant = "{DEFAULT_ASSISTANT}"
# The API key, sent as the x-api-key header.  Flag --api-key; env {API_KEY_ENV[0]}, then
# {", ".join(API_KEY_ENV[1:])}.  Default: none.
#  hil never prints it (at most its last 4 characters) and warns when it
# would be sent over plain http:// to another machine.  Prefer the environment for secrets.
# api_key = "lsv2_..."
# Stream modes to ask for on top of the ones hil always requests
# ({", ".join(BASE_STREAM_MODES)}).  Flag --stream-mode (repeatable, added to these).  One of:
# {", ".join(STREAM_MODES)}.
# stream_mode = ["custom"]
# Ring the terminal bell when a question arrives after a run streamed for more than a
# few seconds.  true or false.  Default: true.
# bell = true

# Extra HTTP headers sent with every request.  Flag --header/-H 'Name: value' (repeatable;
# a flag wins over the same header here).  Values must be strings.
# [profiles.default.headers]
# X-Tenant-Id = "my-team"

# Another profile, chosen with --profile prod (or HIL_PROFILE=prod, or default_profile):
# [profiles.prod]
# url = "https://my-deployment.example.com"
# assistant = "support_agent"
"""


def write_template(path: Path, *, force: bool = False) -> None:
    """`hil config init`: write `CONFIG_TEMPLATE` to `path`, never over a file unless `force`.

    An existing file is refused (exit 2) so a configured profile is not lost by a retyped
    command; a path that cannot be written is an error (exit 1) naming the reason.
    """
    if path.is_dir():
        raise ConfigError(f"{path} is a directory; name the file, e.g. {path / 'config.toml'}")
    if path.exists() and not force:
        raise ConfigError(
            f"{path} already exists; nothing was written.",
            hint="Add --force to replace it, or --path FILE to write another file.",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    except OSError as exc:
        raise HilError(f"Cannot write {path}: {exc.strerror or exc}") from exc


def load_config(path: Path) -> dict[str, Any]:
    """Read and check the config file; a missing file is an empty config."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        where = f"{path}:{found.group(1)}" if found else str(path)
        raise ConfigError(f"{where}: TOML syntax error: {problem}", hint=TEMPLATE_HINT) from exc
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
            wrong = _value_problem(key, value)
            if wrong:
                raise _error(path, text, key, table, f"{table}.{key} {wrong}")
    default = data.get("default_profile")
    if default is not None and default != "default" and default not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise _error(
            path,
            text,
            "default_profile",
            None,
            f"default_profile names a profile that does not exist: {default!r} (profiles: {known})",
        )
    return data


def _value_problem(key: str, value: Any) -> str | None:
    """What is wrong with a well-typed profile value, if anything."""
    if key == "url" and not re.match(r"^https?://[^/\s]+", value):
        return f"must be an http:// or https:// URL, not {value!r}"
    if key == "stream_mode":
        unknown = unknown_stream_modes(value)
        if unknown:
            return f"has unknown stream modes {unknown} (known: {', '.join(STREAM_MODES)})"
    return None


def parse_header(text: str) -> tuple[str, str]:
    """`'Name: value'` → `("Name", "value")`."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        shown = text.split()[0] if text.split() else ""  # never echo a value: it may be a secret
        raise ConfigError(f"Bad header starting {shorten(shown, 30)!r}: use 'Name: value'.")
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
    env: Mapping[str, str],
) -> Settings:
    """The effective settings: flag > environment variable (in `env`) > profile > default."""
    path, path_source = _config_choice(config, env)
    data = load_config(path)
    settings = Settings(config_path=path, sources={"config": path_source})
    profiles = data.get("profiles", {})
    if profile:
        chosen, settings.sources["profile"] = profile, "flag"
    elif env.get("HIL_PROFILE"):
        chosen, settings.sources["profile"] = env["HIL_PROFILE"], "env HIL_PROFILE"
    elif data.get("default_profile"):
        chosen, settings.sources["profile"] = data["default_profile"], f"default_profile ({path})"
    else:
        chosen, settings.sources["profile"] = "default", "default"
    if chosen not in profiles and chosen != "default":
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(
            f"{path}: no profile {chosen!r} (profiles: {known})",
            hint="Add a [profiles.NAME] table, or pick another with --profile / HIL_PROFILE.",
        )
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
        settings.sources["stream_mode"] = f"{where} + flag" if modes != stream_modes else "flag"
    settings.stream_modes = modes
    _check_sendable(settings)
    _check_url(settings)
    return settings


def _check_url(settings: Settings) -> None:
    """A URL without http:// or https:// is a typo (exit 2), not an unreachable server (5).

    `127.0.0.1:2024` would otherwise reach the client and fail as "cannot connect"; the
    likely fix is printed. (A profile's `url` is checked with the file, in `load_config`.)
    """
    if re.match(r"^https?://[^/\s]+", settings.url, re.IGNORECASE):
        return
    source = settings.sources.get("url", "")
    origin = {"flag": "--url", "env HIL_URL": "HIL_URL"}.get(source, source)
    hint = "Use an http:// or https:// URL, e.g. http://127.0.0.1:2024."
    if "://" not in settings.url and settings.url.strip():
        fixed = f"http://{settings.url.strip()}"
        spelled = {"--url": f"--url {fixed}", "HIL_URL": f"HIL_URL={fixed}"}.get(origin, fixed)
        hint = f"Did you mean: {spelled}"
    raise ConfigError(f"{origin} is not an http:// or https:// URL: {settings.url!r}", hint=hint)


def require_named_config(settings: Settings) -> None:
    """A config file named by `--config` or `HIL_CONFIG` must exist (exit 2).

    Only the default path may be missing (then there is no config). A typo in a named path
    would otherwise be ignored in silence and every setting would quietly fall back.
    `resolve` itself reads a missing file as empty, so it can be used without one.
    """
    path = settings.config_path
    source = settings.sources.get("config", "default")
    if path is None or source == "default" or path.exists():
        return
    origin = "--config" if source == "flag" else "HIL_CONFIG"
    raise ConfigError(
        f"{origin} names a config file that does not exist: {path}",
        hint="Check the path, or leave it out to use the default config file (if any).",
    )


def _check_sendable(settings: Settings) -> None:
    """HTTP headers carry ASCII only: say which setting is not, without showing its value."""
    if settings.api_key and not settings.api_key.isascii():
        source = settings.sources.get("api_key", "")
        raise ConfigError(
            f"The API key ({source}) has a non-ASCII character; check for a pasted space or quote."
        )
    for name, value in settings.headers.items():
        if not (name.isascii() and value.isascii()):
            raise ConfigError(f"Header {name!r} has a non-ASCII character; headers must be ASCII.")


def redact(key: str | None) -> str:
    """An API key as it may be shown: at most its last 4 characters."""
    if not key:
        return "(none)"
    return "…" + key[-4:] if len(key) > 8 else "…"


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def insecure_key_warning(settings: Settings) -> str | None:
    """A warning when the API key would travel unencrypted to another machine."""
    from urllib.parse import urlsplit

    if not settings.api_key:
        return None
    parts = urlsplit(settings.url)
    if parts.scheme != "http" or is_loopback(parts.hostname or ""):
        return None
    return (
        f"warning: the API key would be sent over plain http:// to {parts.hostname}; "
        "anyone on the network can read it. Use https://."
    )


def settings_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """`(setting, value, source)` for `hil config show`, the API key redacted."""
    headers = ", ".join(
        f"{name}: {redact(value) if _secret_header(name) else value}"
        for name, value in settings.headers.items()
    )
    sources = settings.sources
    return [
        ("config", str(settings.config_path), sources.get("config", "default")),
        ("profile", settings.profile, sources.get("profile", "default")),
        ("url", settings.url, sources.get("url", "default")),
        ("assistant", settings.assistant, sources.get("assistant", "default")),
        ("api_key", redact(settings.api_key), sources.get("api_key", "default")),
        ("headers", headers or "(none)", sources.get("headers", "default")),
        (
            "stream_mode",
            ", ".join(settings.stream_modes) or "(none added)",
            sources.get("stream_mode", "default"),
        ),
        ("bell", "true" if settings.bell else "false", sources.get("bell", "default")),
    ]


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in ("auth", "key", "token", "secret", "cookie"))
