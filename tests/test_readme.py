"""The README's transcripts are real (issue 16, point 12): each is what `hil` prints today.

The demo's graphs (`agent`, `approval`, `form`) are served by the test server too, so each
README session is replayed there, in a pipe, stderr and stdout together as on a terminal,
and compared line by line with the README's block. Only what the server chooses differs:
thread and interrupt ids, and times.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.support import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
WEATHER = "Ask the user where they are, then look up the weather there"


def block(anchor: str) -> list[str]:
    """The lines of the README's fenced block that holds a line starting with `anchor`."""
    at = next(number for number, line in enumerate(README) if line.startswith(anchor))
    start = max(number for number in range(at + 1) if README[number].startswith("```"))
    end = min(number for number in range(at, len(README)) if README[number] == "```")
    return README[start + 1 : end]


def normalized(lines: Sequence[str]) -> list[str]:
    """Lines with the server's choices (ids, times) and trailing spaces blotted out."""
    out = []
    for line in lines:
        line = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "T", line)
        line = re.sub(r"\b[0-9a-f]{32}\b", "I", line)
        line = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\b\d\d-\d\d \d\d:\d\d\b", "TIME", line)
        out.append(line.rstrip())
    return out


def hil_output(env: dict[str, str], *args: str, stdin: str = "", columns: bool = True) -> list[str]:
    """What `hil ARGS` prints in a pipe, stderr and stdout in the order written."""
    env = {**env, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
    if not columns:
        del env["COLUMNS"]
    done = subprocess.run(
        [sys.executable, "-m", "hilcli", *args],
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        timeout=120,
    )
    return done.stdout.splitlines()


def session(lines: list[str]) -> list[str]:
    """A chat's lines from the first message on, `/quit` shown as the bare prompt."""
    lines = lines[next(n for n, line in enumerate(lines) if line.startswith("you> ")) :]
    return [("you>" if line.startswith("you> /quit") else line) for line in lines]


def test_chat_transcript(hil_env: dict[str, str], server_url: str) -> None:
    real = hil_output(
        hil_env, "chat", "--url", server_url, stdin=f"{WEATHER}\nsan francisco\n/quit\n"
    )
    assert normalized(session(real)) == normalized(block(f"you> {WEATHER}"))


def test_form_transcript_with_its_values_line(hil_env: dict[str, str], server_url: str) -> None:
    typed = "Book a room\nAda\n0\n2\n\nsu\n/quit\n"
    real = hil_output(hil_env, "chat", "--url", server_url, "-a", "form", stdin=typed)
    readme = block("you> Book a room")
    assert any(line.startswith('{"booking": ') for line in readme)
    assert normalized(session(real)) == normalized(readme)


def test_review_transcript_up_to_the_answers(hil_env: dict[str, str], server_url: str) -> None:
    """The review block is shortened after the answers ("..."); up to them it is whole."""
    typed = (
        "Mail bob@example.com and delete the report\ne\n"
        '{"to": "carol@example.com", "subject": "Hello from hil", "body": "Hi Carol"}\n'
        "r\nkeep it for now\n/quit\n"
    )
    real = session(hil_output(hil_env, "chat", "--url", server_url, "-a", "approval", stdin=typed))
    readme = block("you> Mail bob@example.com and delete the report")
    cut = readme.index("reason (optional)> keep it for now") + 1
    assert normalized(real[:cut]) == normalized(readme[:cut])
    assert readme[cut] == "..."


def test_run_resume_and_show_transcripts(hil_env: dict[str, str], server_url: str) -> None:
    env = {**hil_env, "HIL_URL": server_url}  # as the README says: export HIL_URL=...
    run = hil_output(env, "run", WEATHER)
    thread = re.search(r"thread ([0-9a-f-]{36})", "\n".join(run))
    assert thread, run
    show = hil_output(env, "show", thread.group(1))
    resume = hil_output(env, "resume", thread.group(1), "--value", "san francisco")
    expected = [
        f'$ hil run "{WEATHER}"',
        *run,
        "$ echo $?",
        "3",
        f'$ hil resume {thread.group(1)} --value "san francisco"',
        *resume,
    ]
    assert normalized(expected) == normalized(block('$ hil run "Ask the user'))
    assert normalized([f"$ hil show {thread.group(1)}", *show]) == normalized(block("$ hil show "))


def test_inbox_transcript_from_the_pick(hil_env: dict[str, str], server_url: str) -> None:
    """From the picked thread to its end (the list itself holds the suite's other threads)."""
    env = {**hil_env, "HIL_URL": server_url}
    run = hil_output(env, "run", WEATHER)
    thread = re.search(r"thread ([0-9a-f-]{36})", "\n".join(run))
    assert thread, run
    real = hil_output(env, "inbox", "-a", "agent", stdin=f"{thread.group(1)}\nLisbon\nq\n")
    readme = block("$ hil inbox -a agent")

    def part(lines: list[str]) -> list[str]:
        lines = normalized(lines)
        start = lines.index("thread T  interrupted")
        return lines[start : lines.index("✓ thread T finished.", start) + 1]

    assert part(real) == part(readme)
    assert "╭─ AskHuman result ─╮" in part(readme)


def test_config_show_transcript(hil_env: dict[str, str]) -> None:
    readme = block("$ HIL_CONFIG=config.example.toml ")
    command = readme[0].removeprefix("$ ").split()
    assert command[:2] == ["HIL_CONFIG=config.example.toml", "HIL_API_KEY=lsv2-abcdefgh9f3e"]
    env = {**hil_env, "HIL_CONFIG": "config.example.toml", "HIL_API_KEY": "lsv2-abcdefgh9f3e"}
    done = subprocess.run(
        [sys.executable, "-m", "hilcli", *command[3:]],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(REPO_ROOT),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert normalized(done.stdout.splitlines()) == normalized(readme[1:])


def test_doctor_transcript(hil_env: dict[str, str], server_url: str) -> None:
    """Every line but the graph list, which grows with the test graphs (the README's are
    among them)."""
    real = hil_output(hil_env, "doctor", "-a", "agent", "--url", server_url, columns=False)
    readme = block("$ hil doctor -a agent ")[1:]

    def split(lines: list[str]) -> tuple[list[str], set[str]]:
        lines = [re.sub(r"127\.0\.0\.1:\d+", "HOST", line) for line in normalized(lines)]
        lines = [re.sub(r"lists \d+ assistants", "lists N assistants", line) for line in lines]
        start = next(n for n, line in enumerate(lines) if line.startswith("✓ graphs"))
        end = lines.index("All checks passed.")
        graphs = " ".join(lines[start:end]).removeprefix("✓ graphs")
        return lines[:start] + lines[end:], {name.strip() for name in graphs.split(",")}

    real_lines, real_graphs = split(real)
    readme_lines, readme_graphs = split(readme)
    assert real_lines == readme_lines
    assert readme_graphs <= real_graphs
