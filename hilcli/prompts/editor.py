"""Editing in the user's `$VISUAL` / `$EDITOR`: a block of text, and a thread's state (the
flow `hil edit` and the chat's `/edit` share)."""

from __future__ import annotations

import json
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from hilcli.errors import UsageError

if TYPE_CHECKING:
    from hilcli.session import Session


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


def edit_state(
    session: Session,
    thread_id: str,
    checkpoint_id: str | None,
    as_node: str | None,
    *,
    editor: str | None,
    show: Callable[[str], None],
    confirm: Callable[[str], bool],
) -> str | None:
    """Open the state's values in `$VISUAL`/`$EDITOR`, show what changed, and write it when
    `confirm` says so; the new checkpoint's id, or None when nothing was written. `editor`:
    `configured_editor`'s command (None: there is none, a usage error)."""
    from hilcli import time_travel
    from hilcli.history import changed_keys, json_diff

    if editor is None:
        raise UsageError("No editor: set $VISUAL or $EDITOR, or give the values with --set-json.")
    current = time_travel.values_at(session, thread_id, checkpoint_id)
    current = current if isinstance(current, Mapping) else {}
    try:
        text = edit_text(json.dumps(current, indent=2, ensure_ascii=False, default=str), editor)
    except EditorFailed as exc:
        raise UsageError(f"The editor failed: {exc}; nothing was written.") from exc
    try:
        edited = json.loads(text)
    except ValueError as exc:
        raise UsageError(
            f"The edited values are not valid JSON ({exc}); nothing was written."
        ) from exc
    if not isinstance(edited, Mapping):
        raise UsageError("The edited values must stay a JSON object; nothing was written.")
    changes = changed_keys(current, edited)
    gone = [key for key in current if key not in edited]
    if gone:
        show(f"Keys cannot be removed by an edit; kept: {', '.join(map(str, gone))}.")
    if not changes:
        show("No changes; nothing was written.")
        return None
    for line in json_diff(current, {**current, **changes}):
        show(line)
    node = f" as {as_node}" if as_node else ""
    if not confirm(f"Write {', '.join(map(str, changes))}{node}? [y/N] "):
        show("Nothing was written.")
        return None
    return time_travel.edit(
        session, thread_id, changes, as_node=as_node, checkpoint_id=checkpoint_id
    )
