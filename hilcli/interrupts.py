"""What an interrupt asks for, and how an answer becomes its resume value.

Pure code: no terminal, no HTTP.
"""

from __future__ import annotations

import json
from typing import Any

from hilcli.events import PendingInterrupt


def answer_from_text(interrupt: PendingInterrupt, text: str) -> Any:
    """The resume value for a typed answer.

    A plain-string question takes the text as it is; for any other value the text is sent as
    JSON when it parses as JSON, else as a string.
    """
    if isinstance(interrupt.value, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def one_shot_answer(
    interrupt: PendingInterrupt,
    *,
    text: str | None = None,
    json_value: Any = None,
    approve: bool = False,
    reject: bool = False,
    message: str | None = None,
) -> Any:
    """The resume value for `hil resume`'s `--value/--value-json/--approve/--reject`."""
    if text is not None:
        return text
    if approve or reject:
        from hilcli.errors import UsageError

        raise UsageError("--approve/--reject need a review request; this interrupt is not one.")
    return json_value
