"""Config: precedence flag > env > profile > default, errors with file:line:key, redaction
(in process; what `hil config` prints is tests/test_config_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hilcli.config import (
    PROFILE_KEYS,
    insecure_key_warning,
    load_config,
    redact,
    resolve,
    settings_rows,
)
from hilcli.errors import ConfigError, ExitStatus
from tests.support import REPO_ROOT

PROFILES = """\
default_profile = "work"

[profiles.work]
url = "http://work.example:2024"
assistant = "work_agent"
api_key = "work-key-0000-WXYZ"
stream_mode = ["custom"]
bell = false

[profiles.work.headers]
X-Team = "blue"

[profiles.home]
url = "http://127.0.0.1:9999"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- precedence ------------------------------------------------------------------------------


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    settings = resolve(env={"HIL_CONFIG": str(tmp_path / "missing.toml")})
    assert (settings.url, settings.assistant, settings.api_key) == (
        "http://127.0.0.1:2024",
        "agent",
        None,
    )
    assert settings.bell is True
    assert settings.sources["url"] == "default"
    assert settings.sources["config"] == "env HIL_CONFIG"


def test_default_profile_applies(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    settings = resolve(env={"HIL_CONFIG": str(path)})
    assert settings.profile == "work"
    assert settings.url == "http://work.example:2024"
    assert settings.assistant == "work_agent"
    assert settings.api_key == "work-key-0000-WXYZ"
    assert settings.headers == {"X-Team": "blue"}
    assert settings.stream_modes == ["custom"]
    assert settings.bell is False
    assert settings.sources["url"] == f"profile work ({path})"
    assert settings.sources["profile"] == f"default_profile ({path})"


def test_env_beats_profile_and_flag_beats_env(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    env = {
        "HIL_CONFIG": str(path),
        "HIL_URL": "http://env.example:1",
        "HIL_ASSISTANT": "env_agent",
        "LANGSMITH_API_KEY": "env-key-1111",
    }
    settings = resolve(env=env)
    assert settings.url == "http://env.example:1"
    assert settings.assistant == "env_agent"
    assert settings.api_key == "env-key-1111"
    assert settings.sources["api_key"] == "env LANGSMITH_API_KEY"
    flagged = resolve(url="http://flag.example:2", assistant="flag_agent", api_key="k", env=env)
    assert (flagged.url, flagged.assistant, flagged.api_key) == (
        "http://flag.example:2",
        "flag_agent",
        "k",
    )
    assert flagged.sources["url"] == flagged.sources["assistant"] == "flag"


def test_api_key_environment_order(tmp_path: Path) -> None:
    env = {
        "HIL_CONFIG": str(tmp_path / "missing.toml"),
        "LANGCHAIN_API_KEY": "langchain",
        "LANGSMITH_API_KEY": "langsmith",
        "LANGGRAPH_API_KEY": "langgraph",
    }
    assert resolve(env=env).api_key == "langgraph"
    assert resolve(env={**env, "HIL_API_KEY": "hil"}).api_key == "hil"
    del env["LANGGRAPH_API_KEY"]
    assert resolve(env=env).api_key == "langsmith"


def test_profile_choice_flag_beats_env_beats_default_profile(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    env = {"HIL_CONFIG": str(path), "HIL_PROFILE": "home"}
    assert resolve(env=env).url == "http://127.0.0.1:9999"
    assert resolve(env=env).sources["profile"] == "env HIL_PROFILE"
    assert resolve(profile="work", env=env).url == "http://work.example:2024"
    # A profile without a key falls through to the default.
    assert resolve(env=env).assistant == "agent"


def test_config_flag_beats_hil_config(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    settings = resolve(config=str(path), env={"HIL_CONFIG": str(tmp_path / "other.toml")})
    assert settings.config_path == path
    assert settings.url == "http://work.example:2024"
    assert settings.sources["config"] == "flag"


def test_default_path_follows_xdg_config_home(tmp_path: Path) -> None:
    settings = resolve(env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert settings.config_path == tmp_path / "hil" / "config.toml"


def test_headers_and_stream_modes_add_to_the_profile(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    settings = resolve(
        headers=["X-Team: red", "X-Extra: 1"], stream_modes=["debug"], env={"HIL_CONFIG": str(path)}
    )
    assert settings.headers == {"X-Team": "red", "X-Extra": "1"}
    assert settings.stream_modes == ["custom", "debug"]


# -- errors: file, line and key --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[profiles.a]\nurl = "http://x"\ncolour = "red"\n', 3, ["colour", "profiles.a"]),
        ('[profiles.a]\nbell = "yes"\n', 2, ["bell", "bool"]),
        ('verbose = true\n[profiles.a]\nurl = "http://x"\n', 1, ["verbose"]),
        ('[profiles.a]\nurl = "http://x"\nurl = = 3\n', 3, ["TOML syntax error"]),
        ('[profiles.a]\nassistant = "x"\n[profiles.a.headers]\nX-N = 3\n', 3, ["headers"]),
        ('[profiles.a]\n\nstream_mode = ["values", "nope"]\n', 3, ["stream_mode", "nope"]),
        ('[profiles.a]\nurl = "ftp://x"\n', 2, ["url", "http"]),
        ('default_profile = "ghost"\n[profiles.a]\nurl = "http://x"\n', 1, ["ghost"]),
    ],
)
def test_config_errors_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, words: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = caught.value.message
    assert message.startswith(f"{path}:{line}: "), message
    for word in words:
        assert word in message
    assert caught.value.exit_status == ExitStatus.USAGE


def test_unknown_profile_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    with pytest.raises(ConfigError, match="no profile 'nope' \\(profiles: home, work\\)"):
        resolve(profile="nope", env={"HIL_CONFIG": str(path)})


# -- hil config show / path ------------------------------------------------------------------


def test_api_key_is_redacted() -> None:
    assert redact("sk-1234567890abcd") == "…abcd"
    assert redact("short") == "…"
    assert redact(None) == "(none)"


# -- plain http warning ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://agents.example.com:2024", True),
        ("http://10.0.0.5", True),
        ("https://agents.example.com", False),
        ("http://127.0.0.1:2024", False),
        ("http://localhost:2024", False),
        ("http://[::1]:2024", False),
    ],
)
def test_plain_http_api_key_warning(tmp_path: Path, url: str, warned: bool) -> None:
    settings = resolve(url=url, api_key="k-1234", env={"HIL_CONFIG": str(tmp_path / "no.toml")})
    warning = insecure_key_warning(settings)
    assert (warning is not None) == warned
    if warning:
        assert "http://" in warning and "k-1234" not in warning
    keyless = resolve(url=url, env={"HIL_CONFIG": str(tmp_path / "no.toml")})
    assert insecure_key_warning(keyless) is None


# -- the example file ------------------------------------------------------------------------


def test_example_config_documents_every_key_and_loads() -> None:
    path = REPO_ROOT / "config.example.toml"
    data = load_config(path)
    text = path.read_text(encoding="utf-8")
    assert "default_profile" in data
    seen = {key for profile in data["profiles"].values() for key in profile}
    assert seen == set(PROFILE_KEYS)
    for env_name in ("HIL_URL", "HIL_ASSISTANT", "HIL_API_KEY", "HIL_PROFILE", "HIL_CONFIG"):
        assert env_name in text
    rows = {name: source for name, _, source in settings_rows(resolve(config=str(path), env={}))}
    assert rows["profile"].startswith("default_profile")


def test_config_show_redacts_secret_headers(tmp_path: Path) -> None:
    settings = resolve(
        headers=["Authorization: Bearer token-abcdefgh5678", "X-Team: blue"],
        env={"HIL_CONFIG": str(tmp_path / "none.toml")},
    )
    shown = {name: value for name, value, _ in settings_rows(settings)}
    assert shown["headers"] == "Authorization: …5678, X-Team: blue"
