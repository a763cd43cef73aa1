"""A `langgraph.json` that works from any directory.

`langgraph dev` resolves the paths in its config (graphs, `dependencies`, `env`, `auth.path`,
`http.app`) against its working directory. hil runs the server in a private temporary
directory, so it hands the server a copy whose relative paths were made absolute against
the config file's own directory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hilcli.errors import HilError


def _absolute_spec(spec: str, base: Path) -> str:
    """`./graph.py:graph` → `/abs/dir/graph.py:graph`; module specs (`pkg.mod:obj`) unchanged."""
    path, sep, variable = spec.rpartition(":")
    if not sep:
        path, variable = spec, ""
    if "/" not in path and not path.endswith(".py"):
        return spec
    absolute = str((base / path).resolve())
    return f"{absolute}:{variable}" if sep else absolute


def portable_config(config_path: Path) -> dict[str, Any]:
    """Read `langgraph.json` and make its relative paths absolute against its directory."""
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HilError(f"LangGraph config not found: {config_path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HilError(f"Cannot read LangGraph config {config_path}: {exc}") from None
    if not isinstance(config, dict) or not isinstance(config.get("graphs"), dict):
        raise HilError(f'LangGraph config {config_path} has no "graphs" object.')
    base = config_path.parent
    graphs: dict[str, Any] = {}
    for name, spec in config["graphs"].items():
        if isinstance(spec, str):
            graphs[name] = _absolute_spec(spec, base)
        elif isinstance(spec, dict) and isinstance(spec.get("path"), str):
            graphs[name] = {**spec, "path": _absolute_spec(spec["path"], base)}
        else:
            graphs[name] = spec
    config["graphs"] = graphs
    deps = config.get("dependencies")
    if isinstance(deps, list):
        config["dependencies"] = [
            str((base / dep).resolve())
            if isinstance(dep, str) and (dep.startswith(".") or "/" in dep)
            else dep
            for dep in deps
        ]
    if isinstance(config.get("env"), str):
        config["env"] = str((base / config["env"]).resolve())
    for section, key in (("auth", "path"), ("http", "app")):
        block = config.get(section)
        if isinstance(block, dict) and isinstance(block.get(key), str):
            config[section] = {**block, key: _absolute_spec(block[key], base)}
    return config
