"""deploy, definitions, start, tasks, claim, unclaim, complete, message, show, incidents, retry:
each command's text and --json output on its result, in-process on a SQLite file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from engine import clock
from tests.cli.conftest import COMPLAINT, DIVIDE, EXAMPLES, start_approval
from tests.complaint.conftest import start_data


def test_deploy_says_which_versions_it_made_and_that_identical_content_is_unchanged(cli):
    assert cli("deploy", EXAMPLES).lines == ["approval version 1 deployed"]
    assert cli("deploy", *sorted(EXAMPLES.iterdir())).lines == [
        "approval version 1 unchanged (identical content)"
    ]
    assert cli("deploy", EXAMPLES, "--json").json == [
        {"key": "approval", "version": 1, "created": False}
    ]


def test_deploy_of_a_folder_reads_bpmn20_xml_and_refuses_a_bad_dmn_without_a_traceback(
    cli, tmp_path
):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "approval.bpmn20.xml").write_text((EXAMPLES / "approval.bpmn").read_text())
    (folder / "fee.dmn").write_text(
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" '
        'name="x" namespace="http://klageflow.local/dmn"><decisionService id="s" /></definitions>'
    )
    (folder / "review.form").write_bytes((EXAMPLES / "review.form").read_bytes())
    refused = cli("deploy", folder, status=1)
    assert "Traceback" not in refused.out + refused.err
    assert "fee.dmn" in refused.err and "approval.bpmn20.xml" not in refused.err
    (folder / "fee.dmn").write_bytes((EXAMPLES / "fee.dmn").read_bytes())
    assert cli("deploy", folder).lines == ["approval version 1 deployed"]


def test_a_refused_deployment_names_the_file_and_element_in_text_and_json(cli, tmp_path):
    broken = tmp_path / "broken-divide.bpmn"
    broken.write_text(DIVIDE.read_text().replace("share = total / divisor", "share = = 1"))
    ran = cli("deploy", broken, status=1)
    first = ran.err.splitlines()[0]
    assert first.startswith("error: Deployment refused: broken-divide.bpmn")
    assert "[compute]" in first and "does not compile" in first
    assert ran.out == ""
    ran = cli("deploy", broken, "--json", status=1)
    [problem] = ran.json["problems"]
    assert (problem["file"], problem["element_id"]) == ("broken-divide.bpmn", "compute")
    assert cli("deploy", "no/such/folder", status=1).err == "error: no such file: no/such/folder\n"
    assert cli("definitions").out == "(none)\n"


def test_definitions_list_the_latest_versions_and_every_version_of_one_key(approval, tmp_path):
    changed = tmp_path / "approval.bpmn"
    changed.write_text((EXAMPLES / "approval.bpmn").read_text().replace("Prepare", "Prepare it"))
    approval("deploy", changed, EXAMPLES / "fee.dmn", EXAMPLES / "review.form")
    start_approval(approval)

    header, row = approval("definitions").lines
    assert header.split() == [
        "KEY", "VERSION", "NAME", "RUNNING_INSTANCES", "NEXT_START_AT", "DEPLOYED_AT"
    ]  # fmt: skip
    assert row.split()[:4] == ["approval", "2", "Approval", "1"]
    [latest] = approval("definitions", "--json").json
    assert (latest["key"], latest["version"], latest["running_instances"]) == ("approval", 2, 1)

    versions = approval("definitions", "approval").lines
    assert [line.split()[1] for line in versions[1:]] == ["2", "1"]
    assert [v["version"] for v in approval("definitions", "approval", "--json").json] == [2, 1]
    assert approval("definitions", "nothing", status=1).err == (
        "error: no process is deployed with key 'nothing'\n"
    )


def test_start_prints_the_new_instance_waiting_at_its_first_task(approval):
    data = '{"applicant_type": "company"}'
    text = approval("start", "approval", "--data", data, "--business-key", "KP-2025-000001")
    lines = text.lines
    assert lines[1:5] == [
        "process    approval v1",
        "case       KP-2025-000001",
        "status     running",
        "active     review, review_deadline, review_reminder",
    ]
    assert lines[5].startswith("next timer 20")
    assert lines[6].startswith("task       ") and lines[6].endswith(
        "  Review the application (caseworkers)"
    )
    assert len(lines) == 7

    view = approval("start", "approval", "--data", data, "--version", "1", "--json").json
    assert (view["status"], view["version"], view["business_key"]) == ("running", 1, None)
    assert view["data"]["fee"] == 1800
    assert [task["name"] for task in view["open_tasks"]] == ["Review the application"]
    assert approval("start", "approval", "--data", "{broken", status=1).err.startswith(
        "error: --data is not valid JSON: "
    )
    assert approval("start", "approval", "--data", "[1]", status=1).err == (
        "error: --data must be a JSON object\n"
    )


def test_tasks_are_a_table_overdue_first_narrowed_by_group_assignee_instance(approval):
    clock.set(datetime(2025, 8, 1, 9, 0, tzinfo=UTC), frozen=True)
    first, first_task = start_approval(approval, "private", "KP-2025-000001")
    clock.set(datetime(2025, 8, 1, 10, 0, tzinfo=UTC), frozen=True)
    start_approval(approval, "company", "KP-2025-000002")
    approval("claim", first_task["id"], "--actor", "anna")

    header, *rows = approval("tasks").lines
    assert header.split() == [
        "ID", "BUSINESS_KEY", "ELEMENT_ID", "NAME", "CANDIDATE_GROUP", "ASSIGNEE", "DUE_AT"
    ]  # fmt: skip
    assert [row.split()[1] for row in rows] == ["KP-2025-000001", "KP-2025-000002"]
    assert rows[0].split()[-2:] == ["anna", "2025-08-11T09:00:00+00:00"]
    assert rows[1].split()[-2] == "caseworkers"  # unassigned: an empty column

    assert len(approval("tasks", "--group", "caseworkers", "--json").json) == 2
    assert approval("tasks", "--group", "board").out == "(none)\n"
    [mine] = approval("tasks", "--assignee", "anna", "--json").json
    assert mine["id"] == first_task["id"]
    [of_instance] = approval("tasks", "--instance", first["id"], "--json").json
    assert of_instance["instance_id"] == first["id"]
    assert len(approval("tasks", "--limit", "1", "--json").json) == 1
    assert approval("tasks", "--overdue", "--json").json == []
    clock.set(datetime(2025, 8, 12, 9, 0, tzinfo=UTC), frozen=True)
    overdue = approval("tasks", "--overdue", "--json").json
    assert [task["overdue"] for task in overdue] == [True, True]


def test_claim_and_unclaim_say_who_holds_the_task_in_text_and_json(approval):
    _, task = start_approval(approval)
    assert approval("claim", task["id"], "--actor", "anna").out == (
        f"task {task['id']} claimed by anna\n"
    )
    assert approval("claim", task["id"], "--actor", "bo", status=1).err.startswith("error: ")
    assert approval("unclaim", task["id"], "--actor", "anna").out == f"task {task['id']} released\n"
    claimed = approval("claim", task["id"], "--actor", "bo", "--json").json
    assert (claimed["id"], claimed["assignee"], claimed["state"]) == (task["id"], "bo", "open")
    released = approval("unclaim", task["id"], "--actor", "bo", "--json").json
    assert released["assignee"] is None


def test_complete_in_text_prints_the_instance_after_the_step_without_a_key_error(approval):
    # The README's own example: text output of `complete` once crashed with
    # KeyError: 'incidents', after the task was already completed.
    instance, task = start_approval(approval)
    ran = approval(
        "complete", task["id"], "--data", '{"approved": true, "reason": "In order"}',
        "--actor", "anna",
    )  # fmt: skip
    assert ran.err == ""
    lines = ran.lines
    assert lines[0] == f"instance   {instance['id']}"
    assert lines[3:6] == ["status     running", "active     final_approval", "next timer -"]
    assert lines[6].endswith("  Final approval (board)")
    [final] = approval("tasks", "--json").json
    done = approval("complete", final["id"], "--json").json
    assert (done["status"], done["active_elements"], done["open_tasks"]) == ("completed", [], [])
    assert done["data"]["approved"] is True


def test_complete_to_the_end_in_text_shows_a_completed_instance(approval):
    _, task = start_approval(approval)
    ran = approval(
        "complete", task["id"], "--data", '{"approved": false, "reason": "Not in order"}'
    )
    assert ran.lines[3:5] == ["status     completed", "active     -"]
    assert "task" not in ran.out


def test_complete_refuses_an_unknown_task_or_invalid_form_data_in_one_line(approval):
    assert approval("complete", "no-such-task", status=1).err == (
        "error: task no-such-task does not exist\n"
    )
    _, task = start_approval(approval)
    ran = approval("complete", task["id"], "--data", '{"reason": "x"}', status=1)
    assert len(ran.err.splitlines()) == 1 and ran.err.startswith("error: ")
    assert "reason" in ran.err
    ran = approval("complete", task["id"], "--data", '{"reason": "x"}', "--json", status=1)
    assert "reason" in ran.json["fields"]


def test_show_prints_status_tasks_and_history_in_text_and_everything_in_json(approval):
    instance, task = start_approval(approval)
    approval(
        "complete",
        task["id"],
        "--data",
        '{"approved": false, "reason": "Not in order"}',
        "--actor",
        "anna",
    )
    lines = approval("show", instance["id"]).lines
    assert lines[3] == "status     completed"
    history = lines[lines.index("history") + 1 :]
    assert any("instance_started" in line for line in history)
    assert any(line.endswith("task_completed review by anna") for line in history)
    view = approval("show", instance["id"], "--json").json
    assert view["status"] == "completed" and view["completed_at"]
    assert view["history"][0]["kind"] == "instance_started"
    assert approval("show", "nothing", status=1).err == (
        "error: process instance nothing does not exist\n"
    )


def test_message_delivers_to_a_waiting_complaint_and_prints_the_instance(cli):
    clock.set(datetime(2025, 8, 4, 10, 0, tzinfo=UTC), frozen=True)
    cli("deploy", COMPLAINT)
    data = json.dumps(start_data(), ensure_ascii=False)
    first = cli("start", "complaint", "--data", data, "--json").json
    second = cli("start", "complaint", "--data", data, "--json").json
    assert "withdrawn_at_authority" in first["active_elements"]

    ran = cli("message", first["id"], "withdrawn", "--data", "{}")
    assert ran.lines[3:5] == ["status     completed", "active     -"]
    done = cli("message", second["id"], "withdrawn", "--actor", "klager", "--json").json
    assert done["status"] == "completed"
    assert cli("message", second["id"], "withdrawn", status=1).err == (
        f"error: instance {second['id']} is completed; it takes no messages\n"
    )


def test_a_failed_step_is_an_incident_listed_and_retried_with_corrected_data(cli):
    cli("deploy", DIVIDE)
    data = '{"region": "north", "total": 10, "due": null}'
    instance = cli("start", "divide", "--data", data, "--json").json
    task = instance["open_tasks"][0]
    assert cli("incidents").out == "(none)\n"

    failed = cli("complete", task["id"], "--data", '{"divisor": 0}', status=1)
    assert failed.err.startswith(f"error: Incident on instance {instance['id']} at compute: ")
    assert "ZeroDivisionError" in failed.err and len(failed.err.splitlines()) == 1
    failed = cli("complete", task["id"], "--data", '{"divisor": 0}', "--json", status=1).json
    assert (failed["instance_id"], failed["element_id"]) == (instance["id"], "compute")
    assert failed["incident_id"] == 2
    shown = cli("show", instance["id"]).out
    assert "status     incident" in shown and "incident   #1 at compute: " in shown

    header, *rows = cli("incidents").lines
    assert header.split() == ["ID", "INSTANCE_ID", "ELEMENT_ID", "MESSAGE", "CREATED_AT"]
    assert [row.split()[:3] for row in rows] == [
        ["2", instance["id"], "compute"],
        ["1", instance["id"], "compute"],
    ]
    assert [i["resolved_at"] for i in cli("incidents", "--json").json] == [None, None]

    text = cli("retry", "1", "--data", '{"divisor": 5}', "--actor", "operator").lines
    assert text[3:5] == ["status     completed", "active     -"]
    assert [i["id"] for i in cli("incidents", "--json").json] == [2]
    view = cli("retry", "2", "--data", '{"divisor": 2}', "--json", status=1)
    assert view.err.startswith("error: task ") and "is completed" in view.err
    resolved = cli("incidents", "--all", "--json").json
    assert [(i["id"], i["resolved_by"]) for i in resolved] == [(2, None), (1, "operator")]
    assert cli("retry", "1", status=1).err == "error: incident 1 is already resolved\n"
