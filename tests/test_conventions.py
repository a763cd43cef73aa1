"""Command-line conventions (issue 16, point 10; point 12's stderr note): `--version`/`-V`,
`-h`, an epilog naming the environment, the config file and the exit codes, whole command
summaries, help and usage errors in `hil`'s own words (no `{THREAD}`, `<str>`, pydantic or
click phrasing), times in local time, and automatic answers noted on stderr only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

import hilcli
from hilcli.errors import ExitStatus
from tests.support import REPO_ROOT, create_thread
from tests.support import run_hil as hil

#: What the framework would say, and `hil` must not.
FRAMEWORK_PHRASES = (
    "Value error",
    "Input should be",
    "valid integer",
    "Invalid value for",
    "Error:",
    "Try '",
    "<str>",
    "<int>",
    "{THREAD}",
    "Traceback",
)


def _help(env: dict[str, str], *args: str, columns: int = 80) -> str:
    done = hil({**env, "COLUMNS": str(columns)}, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _commands(help_text: str) -> dict[str, str]:
    """The `Commands:` section of a help text: name → summary (continuation rows joined)."""
    section = help_text.split("Commands:\n", 1)[1]
    rows: dict[str, str] = {}
    last = ""
    for line in section.splitlines():
        if not line.strip():
            break
        match = re.match(r"^  (\S+)\s+(.*)$", line)
        if match and not line.startswith("   "):
            last = match.group(1)
            rows[last] = match.group(2).strip()
        elif last:
            rows[last] += " " + line.strip()
    return rows


# -- --version, -h ----------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_hil_and_the_version(hil_env: dict[str, str], flag: str) -> None:
    done = hil(hil_env, flag)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"hil {hilcli.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", hilcli.__version__)
    assert done.stderr == ""


def test_version_loads_no_heavy_module(hil_env: dict[str, str]) -> None:
    """`hil --version` answers before the HTTP client, Rich or prompt-toolkit are loaded."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "hilcli", "--version"],
        capture_output=True,
        text=True,
        env=hil_env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "hilcli.cli" in loaded  # the import log is really there
    for heavy in ("httpx", "rich", "prompt_toolkit", "hilcli.session", "hilcli.client"):
        assert heavy not in loaded, f"{heavy} was imported for --version"


def test_dash_h_is_help_for_every_command(hil_env: dict[str, str]) -> None:
    top = _help(hil_env, "-h")
    assert top == _help(hil_env, "--help")
    assert top.startswith("Usage: hil ")
    names = list(_commands(top))
    assert {"chat", "run", "resume", "threads", "show", "inbox", "config"} <= set(names)
    for name in names:
        text = _help(hil_env, name, "-h")
        assert text.startswith(f"Usage: hil {name} "), name
        assert text == _help(hil_env, name, "--help"), name
    for name in _commands(_help(hil_env, "config", "-h")):
        assert _help(hil_env, "config", name, "-h").startswith(f"Usage: hil config {name} ")


# -- the epilog ------------------------------------------------------------------------------


def _environment_read_by_hil() -> set[str]:
    """Every environment variable hil's own code reads (the demo server's are not hil's)."""
    from hilcli.config import API_KEY_ENV

    names = set(API_KEY_ENV)
    read = re.compile(r"""env(?:iron)?(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
    ours = re.compile(r"""["'](HIL_[A-Z0-9_]+)["']""")  # also read through a tuple of names
    for path in (REPO_ROOT / "hilcli").rglob("*.py"):
        if "server" in path.relative_to(REPO_ROOT / "hilcli").parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        names.update(read.findall(text), ours.findall(text))
    return names


def test_help_epilog_names_environment_config_file_and_exit_codes(
    hil_env: dict[str, str],
) -> None:
    text = _help(hil_env, "--help")
    epilog = text.split("Commands:", 1)[1]
    read = _environment_read_by_hil()
    assert {"HIL_URL", "HIL_API_KEY", "HIL_CONFIG", "HIL_PROFILE", "HIL_ASSISTANT"} <= read
    for name in read:
        assert name in epilog, f"{name} is read by hil but not named in hil --help"
    assert "~/.config/hil/config.toml" in epilog
    assert "hil config init" in epilog
    for status in ExitStatus:
        assert re.search(rf"^\s+{int(status)}\s+\S", epilog, re.MULTILINE), status
    assert "waits for human input" in epilog


# -- summaries and metavars -------------------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_command_summaries_are_whole(hil_env: dict[str, str], columns: int) -> None:
    for args in (("--help",), ("config", "--help")):
        rows = _commands(_help(hil_env, *args, columns=columns))
        assert rows
        for name, summary in rows.items():
            assert summary and not summary.endswith("..."), (name, summary)
            assert "..." not in summary, (name, summary)


def test_arguments_are_shown_plainly(hil_env: dict[str, str]) -> None:
    show = _help(hil_env, "show", "--help")
    assert show.startswith("Usage: hil show [OPTIONS] THREAD\n")
    assert re.search(r"^  THREAD\s+The thread to show\.", show, re.MULTILINE)
    run = _help(hil_env, "run", "--help")
    assert run.startswith("Usage: hil run [OPTIONS] [MESSAGE]\n")
    for name in _commands(_help(hil_env, "--help")):
        text = _help(hil_env, name, "--help")
        for phrase in ("{", "}", "<str>", "<int>"):
            assert phrase not in text.split("Options:")[0], (name, phrase)
        assert not re.search(r"x[<>]=|<=x", text), name  # bounds in words: "at least 1"
    assert "[default: 20; at least 1]" in " ".join(_help(hil_env, "threads", "-h").split())


# -- usage errors in our own words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["threads", "--limit", "x"], "--limit takes a whole number (not 'x')."),
        (["threads", "--limit", "0"], "--limit must be at least 1 (not '0')."),
        (
            ["threads", "--status", "done"],
            "--status takes one of: idle, busy, interrupted, error (not 'done').",
        ),
        (["run", "--on-ctrl-c", "stop"], "--on-ctrl-c takes one of: cancel, detach (not 'stop')."),
        (["demo", "--port", "abc"], "--port takes a whole number (not 'abc')."),
        (["show"], "hil show needs THREAD: the thread to show."),
        (["resume"], "hil resume needs THREAD: the thread waiting for input."),
        (["run", "--no-such-flag"], "No such option: --no-such-flag"),
    ],
)
def test_usage_errors_are_ours(hil_env: dict[str, str], args: list[str], expected: str) -> None:
    done = hil(hil_env, *args)
    assert done.returncode == ExitStatus.USAGE
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == f"hil: {expected}"
    assert len(lines) == 2 and lines[1].startswith("     Usage: hil ")
    assert f"'hil {args[0]} --help'" in lines[1]
    for phrase in FRAMEWORK_PHRASES:
        assert phrase not in done.stderr, phrase


@pytest.mark.parametrize(
    ("config", "env", "expected"),
    [
        ('[profiles.default]\nbell = "yes"\n', {}, "profiles.default.bell must be a bool"),
        ("[profiles.default]\nurl = 5\n", {}, "profiles.default.url must be a str"),
        ("[profiles.default\n", {}, "TOML syntax error"),
        ("", {"HIL_URL": "127.0.0.1:2024"}, "HIL_URL is not an http:// or https:// URL"),
    ],
)
def test_bad_config_values_are_said_in_our_words(
    hil_env: dict[str, str], tmp_path: Path, config: str, env: dict[str, str], expected: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(config, encoding="utf-8")
    done = hil({**hil_env, "HIL_CONFIG": str(path), **env}, "threads")
    assert done.returncode == ExitStatus.USAGE
    assert expected in done.stderr
    assert 1 <= len(done.stderr.splitlines()) <= 2
    assert "config.example.toml" not in done.stderr
    for phrase in FRAMEWORK_PHRASES:
        assert phrase not in done.stderr, phrase


# -- times ------------------------------------------------------------------------------------


def test_show_prints_times_in_local_time(
    hil_env: dict[str, str], server_url: str, http: httpx.Client
) -> None:
    """The server's UTC stamps are shown in the user's time zone (`TZ`), not as sent."""
    thread_id = create_thread(http)
    created = http.get(f"/threads/{thread_id}").json()["created_at"]
    moment = datetime.fromisoformat(created)
    shown = {}
    for tz, offset in (("UTC0", timedelta(0)), ("IST-5:30", timedelta(hours=5, minutes=30))):
        done = hil({**hil_env, "TZ": tz}, "show", thread_id, "--url", server_url)
        assert done.returncode == 0, done.stderr
        local = moment.astimezone(timezone(offset)).strftime("%Y-%m-%d %H:%M:%S")
        assert f"created {local}" in done.stdout, (tz, done.stdout)
        shown[tz] = local
    assert shown["UTC0"] != shown["IST-5:30"]


# -- automatic answers are noted on stderr ----------------------------------------------------

RULE = '[[rule]]\nname = "the name"\nquestion = "your name"\ntext = "Ada"\n'


@pytest.mark.parametrize("json_output", [True, False])
def test_automatic_answer_line_goes_to_stderr(
    hil_env: dict[str, str], server_url: str, tmp_path: Path, json_output: bool
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULE, encoding="utf-8")
    args = ["run", "hi", "--url", server_url, "-a", "ask", "--answers", str(rules)]
    done = hil(hil_env, *args, *(["--json"] if json_output else []))
    assert done.returncode == 0, done.stderr
    assert '(automatic: rule 1 ("the name"))' in done.stderr
    assert "automatic" not in done.stdout
    if json_output:
        lines = [json.loads(line) for line in done.stdout.splitlines()]
        assert lines[-1]["type"] == "result" and lines[-1]["status"] == "done"
        assert "Hello, Ada!" in json.dumps(lines[-1]["values"])
    else:
        assert "Hello, Ada! Nice to meet you." in done.stdout


# -- packaging --------------------------------------------------------------------------------


def test_pyproject_builds_without_setuptools_warnings() -> None:
    """What `pip install -e .` hands to setuptools loads without a deprecation warning
    (`project.license` is an SPDX string), and the version is `hilcli.__version__`."""
    script = (
        "import warnings\n"
        "from setuptools.dist import Distribution\n"
        "from setuptools.config.pyprojecttoml import apply_configuration\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    dist = apply_configuration(Distribution(), 'pyproject.toml')\n"
        "print(dist.get_version())\n"
        "for w in caught: print('warning:', w.category.__name__, str(w.message).splitlines()[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{hilcli.__version__}\n"
