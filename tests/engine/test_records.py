"""What the engine hands out: frozen records, and batch reads for the layers above."""

from __future__ import annotations

import dataclasses
import json

import pytest

from engine import HistoryEntry, InstanceView, TaskInfo

pytestmark = pytest.mark.both_databases


def test_a_shown_instance_is_a_frozen_record_that_turns_into_json(approval, frozen_now):
    instance_id = approval.start("approval", {"applicant_type": "private"})
    view = approval.show(instance_id)
    assert isinstance(view, InstanceView)
    assert isinstance(view.open_tasks[0], TaskInfo)
    assert all(isinstance(entry, HistoryEntry) for entry in view.history)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.status = "completed"  # type: ignore[misc]
    plain = json.loads(json.dumps(view.as_dict()))
    assert plain["next_timer_due_at"] == view.next_timer_due_at.isoformat()
    assert plain["open_tasks"][0]["id"] == view.open_tasks[0].id
    assert plain["history"][0]["kind"] == "instance_started"


def test_the_data_of_many_instances_is_read_in_one_call(approval):
    private = approval.start("approval", {"applicant_type": "private"})
    company = approval.start("approval", {"applicant_type": "company"})
    data = approval.instance_data([private, company, "no-such-instance"])
    assert set(data) == {private, company}
    assert data[private]["applicant_type"] == "private"
    assert data[company]["applicant_type"] == "company"
    assert approval.instance_data([]) == {}


def test_history_can_be_narrowed_to_the_kinds_a_reader_needs(approval):
    instance_id = approval.start("approval", {"applicant_type": "private"})
    everything = approval.history(instance_id)
    assert everything == approval.show(instance_id).history
    wanted = {"instance_started", "task_created"}
    narrowed = approval.history(instance_id, kinds=wanted)
    assert [e.kind for e in narrowed] == [e.kind for e in everything if e.kind in wanted]
    assert {e.kind for e in narrowed} == wanted


def test_only_instances_with_an_open_task_for_the_groups_are_named(approval):
    first = approval.start("approval", {"applicant_type": "private"})
    second = approval.start("approval", {"applicant_type": "private"})
    both = [first, second, "no-such-instance"]
    assert approval.instances_with_open_task(both, ["caseworkers"]) == {first, second}
    assert approval.instances_with_open_task(both, ["board"]) == set()
    assert approval.instances_with_open_task(both, []) == set()
    [task] = approval.show(first).open_tasks
    approval.complete_task(task.id, {"approved": False, "reason": "Out of scope"})
    assert approval.instances_with_open_task(both, ["caseworkers"]) == {second}
