"""`portable_config`: a `langgraph.json` whose relative paths work from any directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hilcli.errors import HilError
from hilcli.server.graph_config import portable_config


def test_relative_paths_become_absolute_and_module_specs_stay(tmp_path: Path) -> None:
    config = {
        "graphs": {
            "a": "./graphs/a.py:graph",
            "b": "b.py:make",
            "c": "package.module:graph",
            "d": {"path": "./d.py:graph", "description": "kept"},
        },
        "dependencies": [".", "./lib", "langchain"],
        "env": ".env",
        "auth": {"path": "./auth.py:auth"},
        "http": {"app": "./app.py:app"},
    }
    path = tmp_path / "langgraph.json"
    path.write_text(json.dumps(config))
    portable = portable_config(path)
    assert portable["graphs"] == {
        "a": f"{tmp_path}/graphs/a.py:graph",
        "b": f"{tmp_path}/b.py:make",
        "c": "package.module:graph",
        "d": {"path": f"{tmp_path}/d.py:graph", "description": "kept"},
    }
    assert portable["dependencies"] == [str(tmp_path), f"{tmp_path}/lib", "langchain"]
    assert portable["env"] == f"{tmp_path}/.env"
    assert portable["auth"] == {"path": f"{tmp_path}/auth.py:auth"}
    assert portable["http"] == {"app": f"{tmp_path}/app.py:app"}


@pytest.mark.parametrize(
    ("text", "message"),
    [(None, "not found"), ("{", "Cannot read"), ('{"graphs": []}', 'no "graphs" object')],
)
def test_unusable_configs_are_our_errors(tmp_path: Path, text: str | None, message: str) -> None:
    path = tmp_path / "langgraph.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(HilError, match=message):
        portable_config(path)
