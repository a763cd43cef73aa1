"""Editing a block of text in the user's `$VISUAL` / `$EDITOR`."""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path


def configured_editor(env: Mapping[str, str]) -> str | None:
    """The editor command from `$VISUAL`, else `$EDITOR` (in the environment variables
    `env`), or None when neither is set."""
    command = env.get("VISUAL") or env.get("EDITOR")
    return command.strip() if command and command.strip() else None


class EditorFailed(Exception):
    """The editor could not be started, or exited with an error."""


def edit_text(text: str, editor: str, *, suffix: str = ".json") -> str:
    """Open `text` in `editor`; return what the file holds when the editor exits."""
    with tempfile.TemporaryDirectory(prefix="hil-edit-") as folder:
        path = Path(folder) / f"arguments{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except (OSError, ValueError) as exc:
            raise EditorFailed(f"could not start {editor!r}: {exc}") from exc
        if done.returncode != 0:
            raise EditorFailed(f"{editor!r} exited with status {done.returncode}")
        return path.read_text(encoding="utf-8")
