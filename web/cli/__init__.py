"""The `klageflow` command: one click group, every subcommand registered in COMMANDS below.

Every command reads the same KLAGEFLOW_* configuration as the web app and the scheduler
(`core.read_settings`, `core.open_engine`). Output is for people by default and JSON with
--json; an error prints one line `error: ...` and exits 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from . import accounts, operations, processes
from .core import Invocation

COMMANDS: tuple[click.Command, ...] = (
    # processes and their work
    processes.deploy,
    processes.test_model,
    processes.definitions,
    processes.migrate_instances,
    processes.start,
    processes.tasks,
    processes.claim,
    processes.unclaim,
    processes.complete,
    processes.message,
    processes.signal,
    processes.show,
    processes.incidents,
    processes.retry,
    # running and maintaining the system
    operations.run_system,
    operations.serve,
    operations.scheduler,
    operations.migrate_schema,
    operations.mails,
    operations.retry_mail,
    # accounts
    accounts.create_user,
    accounts.create_token,
    accounts.revoke_token,
    accounts.create_authority,
    accounts.create_board,
)


class _Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        # In the order of COMMANDS (grouped by purpose), not alphabetically.
        return list(self.commands)


@click.group(
    "klageflow",
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option(
    "--database-url", metavar="URL", help="Use this database instead of KLAGEFLOW_DATABASE_URL."
)
@click.pass_context
def cli(ctx: click.Context, as_json: bool, database_url: str | None) -> None:
    """Klageflow: run complaint cases as BPMN processes.

    Deploy and start processes, work their tasks, see instances and incidents, run the
    web app and the scheduler. Run `klageflow COMMAND --help` for a command's options.
    """
    ctx.obj = Invocation(as_json, database_url)


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `klageflow` command; returns the exit status."""
    try:
        return (
            cli.main(
                args=list(argv) if argv is not None else None,
                prog_name="klageflow",
                standalone_mode=False,
            )
            or 0
        )
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return 1
    except click.Abort:
        click.echo("error: aborted", err=True)
        return 1


__all__ = ["COMMANDS", "cli", "main"]
