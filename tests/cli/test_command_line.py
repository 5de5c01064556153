"""What every command shares: help, errors as one line, --json and --database-url anywhere,
and results printed the same whether the engine returns dicts or typed records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tests.cli.conftest import DIVIDE, EXAMPLES
from web.cli import COMMANDS, cli
from web.cli.core import Output
from web.cli.output import instance_text


def test_help_lists_every_command_and_each_command_explains_its_options(klageflow):
    overview = klageflow("--help").out
    assert overview.startswith("Usage: klageflow [OPTIONS] COMMAND [ARGS]...")
    for command in COMMANDS:
        assert f"\n  {command.name} " in overview
        assert command.help and command.get_short_help_str(80).endswith(".")
        assert klageflow(command.name, "--help").out.startswith(f"Usage: klageflow {command.name} ")
    assert sorted(cli.commands) == sorted(command.name for command in COMMANDS)
    assert klageflow().out == overview
    complete = klageflow("complete", "-h").out
    for option in ("--data JSON", "--actor TEXT", "--json", "--database-url URL"):
        assert option in complete


def test_a_misused_command_is_one_error_line_with_exit_status_two(klageflow):
    ran = klageflow("claim", "some-task", status=2)
    assert (ran.out, ran.err) == (
        "",
        "error: Missing option '--actor'. (see `klageflow claim --help`)\n",
    )
    assert klageflow("retry", "first", status=2).err.startswith(
        "error: Invalid value for 'INCIDENT_ID': 'first' is not a valid integer."
    )
    assert klageflow("frobnicate", status=2).err == (
        "error: No such command 'frobnicate'. (see `klageflow --help`)\n"
    )


def test_an_unreachable_database_is_one_error_line_with_exit_status_one(klageflow):
    url = "postgresql+psycopg://klageflow@127.0.0.1:1/klageflow"  # nothing listens on port 1
    ran = klageflow("--database-url", url, "tasks", status=1)
    assert ran.err.startswith("error: the database cannot be used: ")
    assert len(ran.err.splitlines()) == 1


def test_a_refused_deployment_lists_each_further_problem_under_the_error_line(cli, tmp_path):
    broken = tmp_path / "broken-divide.bpmn"
    text = DIVIDE.read_text().replace("share = total / divisor", "share = = 1")
    broken.write_text(text)
    (tmp_path / "fee.dmn").write_text("<definitions>")
    ran = cli("deploy", tmp_path, status=1)
    assert ran.err.startswith("error: Deployment refused: ")
    problems = cli("deploy", tmp_path, "--json", status=1).json["problems"]
    assert len(problems) > 1 and len(ran.err.splitlines()) == len(problems)
    assert all(line.startswith("  also: ") for line in ran.err.splitlines()[1:])


def test_json_and_the_database_url_go_before_or_after_the_command(klageflow, tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert klageflow("--database-url", url, "migrate").out.endswith("(was empty)\n")
    klageflow("deploy", EXAMPLES, "--database-url", url)
    assert klageflow("--json", "definitions", "--database-url", url).json[0]["key"] == "approval"
    assert klageflow("--database-url", url, "definitions", "--json").json[0]["key"] == "approval"
    klageflow("migrate")
    assert klageflow("definitions").out == "(none)\n"  # the configured database is untouched


@dataclass(frozen=True)
class Task:
    id: str
    name: str
    element_id: str
    candidate_group: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class Summary:
    id: str
    process_key: str
    version: int
    business_key: str | None
    status: str
    active_elements: tuple[str, ...]
    next_timer_due_at: datetime | None
    open_tasks: tuple[Task, ...]
    received_on: date


def test_a_typed_result_prints_as_the_same_text_and_json_as_its_dict():
    due = datetime(2025, 8, 8, 21, 59, tzinfo=UTC)
    task = Task("t-1", "Review", "review", "caseworkers", due)
    typed = Summary(
        "i-1", "approval", 2, None, "running", ("review",), due, (task,), date(2025, 7, 11)
    )
    as_dict = {
        "id": "i-1",
        "process_key": "approval",
        "version": 2,
        "business_key": None,
        "status": "running",
        "active_elements": ["review"],
        "next_timer_due_at": "2025-08-08T21:59:00+00:00",
        "open_tasks": [
            {
                "id": "t-1",
                "name": "Review",
                "element_id": "review",
                "candidate_group": "caseworkers",
                "due_at": "2025-08-08T21:59:00+00:00",
            }
        ],
        "received_on": "2025-07-11",
    }
    for as_json in (False, True):
        assert Output(typed, instance_text).render(as_json) == Output(
            as_dict, instance_text
        ).render(as_json)
    assert Output(typed, instance_text).render(False).splitlines()[1:] == [
        "process    approval v2",
        "case       -",
        "status     running",
        "active     review",
        "next timer 2025-08-08T21:59:00+00:00",
        "task       t-1  Review (caseworkers)",
    ]
