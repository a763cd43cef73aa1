"""The line reader over prompt-toolkit: what a key means does not depend on when it lands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from hilcli.prompts.reader import PromptReader


def test_a_ctrl_c_that_cancels_prompt_toolkits_task_is_a_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under load a Ctrl-C can land while prompt-toolkit starts or ends its event loop; it
    then cancels the loop's task, and `prompt()` raises CancelledError (seen in a full run as
    a traceback that ended `hil chat`). The reader must turn it into KeyboardInterrupt, which
    every prompt of hil handles."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        reader = PromptReader(history=tmp_path / "history")

        def cancelled(*args: object, **kwargs: object) -> str:
            raise asyncio.CancelledError

        monkeypatch.setattr(reader._session, "prompt", cancelled)
        with pytest.raises(KeyboardInterrupt):
            reader.read("answer> ")


def test_a_line_typed_is_returned(tmp_path: Path) -> None:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        reader = PromptReader(history=tmp_path / "history")
        pipe.send_text("Lisbon\r")
        assert reader.read("answer> ") == "Lisbon"
