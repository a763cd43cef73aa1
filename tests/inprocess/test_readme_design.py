"""README's "Design" section names every module and package of hilcli, so it cannot drift
from the tree without a failing test."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _design_section() -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Design\n(.*?)^## ", text, flags=re.S | re.M)
    assert match, "README has no '## Design' section"
    return match.group(1)


def _parts_of_hilcli() -> set[str]:
    """Top-level modules as `name.py`, packages as `name/` and their modules as bare names."""
    root = REPO_ROOT / "hilcli"
    names: set[str] = set()
    for path in root.iterdir():
        if path.suffix == ".py" and path.stem not in {"__init__", "__main__"}:
            names.add(path.name)
        elif path.is_dir() and (path / "__init__.py").exists():
            names.add(f"{path.name}/")
            for inner in path.iterdir():
                if inner.is_dir() and (inner / "__init__.py").exists():
                    names.add(f"{inner.name}/")
                elif inner.suffix == ".py" and inner.stem != "__init__":
                    names.add(inner.stem)
    return names


def test_design_section_names_every_module_and_package() -> None:
    section = _design_section()
    missing = sorted(
        name
        for name in _parts_of_hilcli()
        if not re.search(rf"(?<![\w/]){re.escape(name)}(?![\w])", section)
    )
    assert not missing, f"README 'Design' does not name: {', '.join(missing)}"


def test_design_section_lists_the_layers_top_down() -> None:
    section = _design_section().split("```text", 1)[1].split("```", 1)[0]
    order = [
        section.index(name)
        for name in (
            "cli.py",
            "commands/",
            "render/",
            "session.py",
            "interrupts.py",
            "client/",
            "events.py",
            "environment.py",
        )
    ]
    assert order == sorted(order)
