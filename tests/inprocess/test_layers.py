"""The layers README's "Design" draws hold in the code: a module imports only modules of its
own layer or of the layers below it (function-level imports included), so each layer can
be read and tested without the ones above it."""

from __future__ import annotations

import ast
from pathlib import Path

HILCLI = Path(__file__).resolve().parents[2] / "hilcli"

#: Bottom first; a name is a top-level module or package of hilcli.
LAYERS: list[tuple[str, set[str]]] = [
    (
        "below everything",
        {
            "environment",
            "errors",
            "text",
            "config",
            "hints",
            "debuglog",
            "options",
            "stream_modes",
            "server_kind",
        },
    ),
    ("events", {"events"}),
    ("client", {"client"}),
    ("interrupts", {"interrupts", "forms"}),
    ("session", {"session", "time_travel", "threads", "history", "assistants", "doctor"}),
    (
        "terminal",
        {"render", "prompts", "prepared", "repl", "repl_history", "inbox", "frontend"},
    ),
    ("commands", {"commands"}),
    ("command line", {"cli", "cli_options", "cli_history", "help", "__main__"}),
]
RANK = {name: rank for rank, (_, names) in enumerate(LAYERS) for name in names}
#: The bundled server and its graphs stand apart: `hil demo` and the tests start it.
APART = {"server", "__init__"}


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level hilcli name) of every hilcli import in `tree`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "hilcli":
                continue
            names = [parts[1]] if len(parts) > 1 else [alias.name for alias in node.names]
            found.extend((node.lineno, name) for name in names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "hilcli" and len(parts) > 1:
                    found.append((node.lineno, parts[1]))
    return found


def _upward_imports() -> list[str]:
    upward = []
    for path in sorted(HILCLI.rglob("*.py")):
        part = path.relative_to(HILCLI).parts[0].removesuffix(".py")
        if part in APART:
            continue
        own = RANK[part]  # a new module must be given a layer here (and in README)
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            if name in APART or name == "__version__":
                continue
            if RANK[name] > own:
                upward.append(
                    f"{path.relative_to(HILCLI)}:{line} imports {name} "
                    f"({LAYERS[RANK[name]][0]} is above {LAYERS[own][0]})"
                )
    return upward


def test_every_module_has_a_layer() -> None:
    parts = {
        p.name.removesuffix(".py")
        for p in HILCLI.iterdir()
        if p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert parts - APART <= set(RANK), sorted(parts - APART - set(RANK))


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert _upward_imports() == []


def test_the_check_sees_a_function_level_upward_import() -> None:
    tree = ast.parse("def f():\n    from hilcli.commands.history import x\n")
    assert _imported(tree) == [(2, "commands")]
    assert RANK["commands"] > RANK["session"]
