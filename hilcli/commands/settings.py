"""The commands about hil's own settings and the connection: `config show`, `config path`,
`config init` and `doctor`."""

from __future__ import annotations

import sys

from hilcli.commands.wiring import load_settings, make_client, print_json
from hilcli.errors import ExitStatus
from hilcli.options import CommonOptions
from hilcli.render.tables import stdout_console as _console


def config_show_command(opts: CommonOptions) -> None:
    """`hil config show`: the effective settings and where each came from."""
    from hilcli.config import settings_rows
    from hilcli.render.tables import settings_table

    settings = load_settings(opts)
    rows = settings_rows(settings)
    if opts.json_output:
        print_json({name: {"value": value, "from": source} for name, value, source in rows})
        return
    _console().print(settings_table(rows))


def config_path_command(opts: CommonOptions) -> None:
    """`hil config path`: the config file in use (it may not exist yet)."""
    import os

    from hilcli.config import config_path

    path = config_path(opts.config, os.environ)
    sys.stdout.write(f"{path}\n")
    if not path.exists():
        sys.stderr.write("hil: (the file does not exist yet; 'hil config init' writes one)\n")


def doctor_command(opts: CommonOptions) -> int:
    """`hil doctor`: one verdict per check; 0 all passed, 5 unreachable or refused, else 1."""
    from hilcli.doctor import exit_status, run_checks
    from hilcli.render.tables import check_line

    settings = load_settings(opts)
    console = _console()
    checks = []
    with make_client(settings) as client:
        for check in run_checks(client, settings):
            checks.append(check)
            console.print(
                check_line(check.passed, check.name, check.detail, check.hint, note=check.note)
            )
    status = exit_status(checks)
    if status == ExitStatus.OK:
        console.print("All checks passed.", style="green")
    return int(status)
