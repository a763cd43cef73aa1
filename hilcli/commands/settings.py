"""The commands about hil's own settings and the connection: `config show`, `config path`,
`config init` and `doctor`."""

from __future__ import annotations

from hilcli.commands.wiring import load_settings, make_client, print_json
from hilcli.environment import Environment
from hilcli.errors import ExitStatus
from hilcli.options import CommonOptions
from hilcli.render.tables import stdout_console as _console


def config_show_command(env: Environment, opts: CommonOptions) -> None:
    """`hil config show`: the effective settings and where each came from."""
    from hilcli.config import settings_rows
    from hilcli.render.tables import settings_table

    settings = load_settings(env, opts)
    rows = settings_rows(settings)
    if opts.json_output:
        print_json(env, {name: {"value": value, "from": source} for name, value, source in rows})
        return
    _console(env).print(settings_table(rows))


def config_path_command(env: Environment, opts: CommonOptions) -> None:
    """`hil config path`: the config file in use (it may not exist yet)."""
    from hilcli.config import config_path

    path = config_path(opts.config, env.variables)
    env.stdout.write(f"{path}\n")
    if not path.exists():
        env.stderr.write("hil: (the file does not exist yet; 'hil config init' writes one)\n")


def doctor_command(env: Environment, opts: CommonOptions) -> int:
    """`hil doctor`: one verdict per check; 0 all passed, 5 unreachable or refused, else 1."""
    from hilcli.doctor import exit_status, run_checks
    from hilcli.render.tables import check_line

    settings = load_settings(env, opts)
    console = _console(env)
    checks = []
    with make_client(env, settings) as client:
        for check in run_checks(client, settings):
            checks.append(check)
            console.print(
                check_line(check.passed, check.name, check.detail, check.hint, note=check.note)
            )
    status = exit_status(checks)
    if status == ExitStatus.OK:
        console.print("All checks passed.", style="green")
    return int(status)


def config_init_command(env: Environment, path: str | None, *, force: bool) -> None:
    """`hil config init`: write the commented config template (never over a file without
    `force`) at `path`, else where `hil config path` says."""
    from pathlib import Path

    from hilcli.config import config_path, write_template

    target = Path(path).expanduser() if path else config_path(None, env.variables)
    write_template(target, force=force)
    env.stdout.write(f"Wrote {target}\nEdit it, then 'hil config show' prints what it sets.\n")
