"""The matrix launcher's own behaviour: venv cache hit and key, xdist grouping (a failed build
runs pip: tests/test_matrix_venv_build.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.matrix import venvs
from tests.matrix.grouping import matrix_group


def test_matrix_tests_are_grouped_by_server_kind() -> None:
    assert matrix_group("tests/test_matrix.py::test_seed_run_then_resume[legacy-0.2]") == (
        "legacy-0.2"
    )
    assert matrix_group("tests/test_matrix.py::test_doctor_passes_and_names_the_server[dev]") == (
        "dev"
    )
    assert matrix_group("tests/test_matrix_more.py::test_x[aegra]") == "aegra"
    assert matrix_group("tests/test_oneshot_cli.py::test_x[dev]") is None
    assert matrix_group("tests/test_matrix.py::test_x[unknown]") is None
    assert matrix_group("tests/test_matrix.py::test_x") is None


def test_a_cached_venv_is_used_as_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A venv directory under its final name is complete: no build, no lock taken."""
    monkeypatch.setenv("HIL_MATRIX_CACHE", str(tmp_path))
    monkeypatch.setitem(venvs.REQUIREMENTS, "fake", ("fake==1",))
    final = venvs.venv_dir("fake")
    assert final.parent == tmp_path and final.name.startswith("fake-")
    (final / "bin").mkdir(parents=True)
    (final / "bin" / "python").touch()

    def no_build(kind: str, target: Path) -> None:
        raise AssertionError("a cached venv must not be rebuilt")

    monkeypatch.setattr(venvs, "_build", no_build)
    assert venvs.ensure_venv("fake") == final
    assert not final.with_name(final.name + ".lock").exists()


def test_the_cache_key_covers_the_requirements(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(venvs.REQUIREMENTS, "fake", ("fake==1",))
    first = venvs.venv_dir("fake")
    monkeypatch.setitem(venvs.REQUIREMENTS, "fake", ("fake==2",))
    assert venvs.venv_dir("fake") != first
