"""The settings a hint repeats, in process: only those typed, every word quoted (hints pasted
and run against the real server: tests/test_hints_pasted.py)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path


def test_only_typed_settings_are_repeated_and_every_word_is_quoted(tmp_path: Path) -> None:
    from hilcli.config import resolve
    from hilcli.hints import HilCommand

    config = tmp_path / "a dir" / "c.toml"
    config.parent.mkdir()
    config.write_text('[profiles.p]\nurl = "http://127.0.0.1:9"\n', encoding="utf-8")
    typed = resolve(
        url="http://127.0.0.1:7/x y",
        assistant="my graph",
        api_key="sk-secret-value",
        headers=["X-Tenant: a b", "Authorization: Bearer secret-token"],
        config=str(config),
        profile="p",
        env={},
    )
    hints = HilCommand.for_settings(typed)
    value = json.dumps({"text": "it's $HOME; `x`"})
    line = hints.line("resume", "t 1", "--value-json", value)
    words = shlex.split(line)
    assert words[:3] == ["hil", "resume", "t 1"]
    assert words[words.index("--value-json") + 1] == value
    assert words[words.index("--url") + 1] == "http://127.0.0.1:7/x y"
    assert words[words.index("--config") + 1] == str(config)
    assert words[words.index("--profile") + 1] == "p"
    assert words[words.index("-a") + 1] == "my graph"
    assert words[words.index("-H") + 1] == "X-Tenant: a b"
    assert "secret" not in line  # neither the API key nor a credential header
    assert "-a" not in shlex.split(hints.line("show", "t"))  # show takes no -a
    # From the environment or the defaults: the pasted command reads them again itself.
    quiet = HilCommand.for_settings(resolve(env={"HIL_URL": "http://127.0.0.1:8"}))
    assert quiet.line("show", "t") == "hil show t"
