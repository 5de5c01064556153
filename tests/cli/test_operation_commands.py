"""migrate, mails and retry-mail in-process; text and --json output on their results."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from engine import clock
from engine.config import load_settings
from tests.cli.conftest import COMPLAINT
from tests.complaint.conftest import start_data
from web.bootstrap import build_engine


def test_migrate_reports_the_revision_it_brought_the_database_to(klageflow):
    ran = klageflow("migrate")
    assert ran.out.startswith("schema at ") and ran.out.endswith(" (was empty)\n")
    revision = ran.out.split()[2]
    assert klageflow("migrate").out == f"schema at {revision} (unchanged)\n"
    assert klageflow("migrate", "--json").json == {
        "revision": revision,
        "previous": revision,
        "changed": False,
    }


def test_every_command_but_migrate_refuses_a_database_without_the_schema(klageflow):
    ran = klageflow("tasks", status=1)
    assert ran.err.startswith("error: the database has no schema yet")
    assert ran.err.endswith("run `klageflow migrate`\n") and len(ran.err.splitlines()) == 1
    assert (
        klageflow("--json", "mails", status=1)
        .json["error"]
        .startswith("the database has no schema yet")
    )


def test_mails_lists_the_outbox_and_retry_mail_queues_a_failed_one_again(cli, database_url):
    assert cli("mails").out == "(none)\n"
    assert cli("mails", "--json").json == []
    clock.set(datetime(2025, 8, 4, 10, 0, tzinfo=UTC), frozen=True)
    cli("deploy", COMPLAINT)
    cli("start", "complaint", "--data", json.dumps(start_data(), ensure_ascii=False))

    queued = cli("mails", "--json").json
    assert queued and {mail["status"] for mail in queued} == {"pending"}
    lines = cli("mails").lines
    assert len(lines) == len(queued)
    first = queued[0]
    assert lines[0].split()[:3] == [str(first["id"]), "pending", "0x"]
    assert lines[0].endswith(first["subject"])
    assert cli("mails", "--failed").out == "(none)\n"
    assert cli("retry-mail", first["id"], status=1).err == (
        f"error: mail {first['id']} is pending and not tried yet; "
        "only failed and retrying mails are retried\n"
    )

    # Nothing listens on port 1: with one attempt allowed, every mail fails for good.
    settings = dataclasses.replace(
        load_settings(), database_url=database_url, smtp_port=1, mail_max_attempts=1
    )
    sender = build_engine(settings)
    sender.outbox.deliver_due(limit=len(queued))
    sender.db.dispose()

    failed = cli("mails", "--failed", "--json").json
    assert [mail["id"] for mail in failed] == [mail["id"] for mail in queued]
    line = cli("mails", "--failed").lines[0]
    assert line.split()[:3] == [str(first["id"]), "failed", "1x"] and line.endswith(")")
    assert cli("retry-mail", first["id"]).out == f"mail {first['id']} queued again\n"
    again = cli("retry-mail", failed[1]["id"], "--json").json
    assert (again["id"], again["status"], again["attempts"]) == (failed[1]["id"], "pending", 0)
    assert cli("retry-mail", "999", status=1).err == "error: mail 999 does not exist\n"
