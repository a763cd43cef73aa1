"""The matrix launcher's venv build when pip fails (it runs pip: not in the in-process tier with
the launcher's other tests, tests/inprocess/test_matrix_launcher.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.matrix import venvs


def test_a_failed_build_says_why_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pip fails (a requirement that does not exist locally): the error names the command and
    ends with pip's own message; neither the venv nor its temporary directory remains."""
    monkeypatch.setenv("HIL_MATRIX_CACHE", str(tmp_path / "cache"))
    missing = tmp_path / "no-such-project"
    monkeypatch.setitem(venvs.REQUIREMENTS, "broken", (str(missing),))
    with pytest.raises(venvs.VenvError) as failure:
        venvs.ensure_venv("broken")
    message = str(failure.value)
    assert message.startswith("building the broken venv failed")
    tail = message.split("(tail) ---\n", 1)[1]
    assert "ERROR: Invalid requirement" in tail  # pip's own words, from its log
    leftovers = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert [name for name in leftovers if not name.endswith((".lock", ".log"))] == []
