"""Running complaint cases move to next year's fee table, as far as they have not used it.

Version 2 of the complaint process differs from version 1 only in its fee table
(`fee.dmn`): from 2026 the fee is 1.000 kr. for private persons and 2.000 kr. otherwise.
Cases still with the authority (waiting before the fee is decided) move; a case whose fee
has been decided and requested stays on version 1, because the element it has completed
(`decide_fee`, whose table is part of it) changed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import Engine, clock

from .conftest import BUNDLE

pytestmark = pytest.mark.both_databases

OLD_ROWS = ("<text>? &gt;= 2016</text>",)
NEXT_YEAR_ROWS = """
      <rule id="rule_private_2026">
        <inputEntry id="rule_private_2026_year"><text>? &gt;= 2026</text></inputEntry>
        <inputEntry id="rule_private_2026_higher"><text>False</text></inputEntry>
        <outputEntry id="rule_private_2026_amount"><text>1000</text></outputEntry>
        <outputEntry id="rule_private_2026_rate"><text>"private"</text></outputEntry>
      </rule>
      <rule id="rule_higher_2026">
        <inputEntry id="rule_higher_2026_year"><text>? &gt;= 2026</text></inputEntry>
        <inputEntry id="rule_higher_2026_higher"><text>True</text></inputEntry>
        <outputEntry id="rule_higher_2026_amount"><text>2000</text></outputEntry>
        <outputEntry id="rule_higher_2026_rate"><text>"higher"</text></outputEntry>
      </rule>"""


def next_years_fee_table() -> str:
    """fee.dmn with the 2026 amounts above the older rows, which now end with 2025."""
    text = (BUNDLE / "fee.dmn").read_text()
    assert text.count(OLD_ROWS[0]) == 2
    text = text.replace(OLD_ROWS[0], "<text>2016 &lt;= ? &lt;= 2025</text>")
    anchor = '      <rule id="rule_private">'
    return text.replace(anchor, NEXT_YEAR_ROWS.lstrip("\n") + "\n" + anchor, 1)


def deploy_next_year(engine: Engine) -> int:
    files = {path.name: path.read_text() for path in sorted(BUNDLE.glob("*.*"))}
    files["fee.dmn"] = next_years_fee_table()
    [result] = [r for r in engine.deploy(files, deployed_by="designer") if r.key == "complaint"]
    assert result.created
    return result.version


def test_cases_before_the_fee_move_to_next_years_fee_table_and_cases_past_it_stay(
    file_complaint, engine
):
    waiting = file_complaint(reference="KP-2025-000201")
    second_waiting = file_complaint(
        reference="KP-2025-000202", filed_at="2025-08-05T09:00:00+02:00"
    )
    past_fee = file_complaint(reference="KP-2025-000203", filed_at="2025-08-06T09:00:00+02:00")
    past_fee.forward()
    assert past_fee.show().active_elements == ["await_payment"]
    assert past_fee.data["fee_amount_dkk"] == 900
    before = {case.instance_id: case.show() for case in (waiting, second_waiting)}
    assert deploy_next_year(engine) == 2

    plan = engine.migrate_instances("complaint", 1, 2, actor="designer", dry_run=True)
    by_id = {outcome.instance_id: outcome for outcome in plan}
    assert list(by_id) == [waiting.instance_id, second_waiting.instance_id, past_fee.instance_id]
    assert by_id[waiting.instance_id].migratable and by_id[waiting.instance_id].reasons == []
    assert "reconsider" in by_id[waiting.instance_id].active_elements
    refused = by_id[past_fee.instance_id]
    assert not refused.migratable
    assert refused.reasons == ["decide_fee, which it has completed, changed (decision_table)"]
    assert not any(outcome.migrated for outcome in plan)
    assert {case.show().version for case in (waiting, second_waiting, past_fee)} == {1}

    clock.set(datetime(2025, 8, 12, 10, 0, tzinfo=UTC), frozen=True)
    done = engine.migrate_instances("complaint", 1, 2, actor="designer")
    assert [(o.business_key, o.migrated) for o in done] == [
        ("KP-2025-000201", True),
        ("KP-2025-000202", True),
        ("KP-2025-000203", False),
    ]
    assert done[2].reasons == refused.reasons
    for case in (waiting, second_waiting):
        view = case.show()
        assert view.version == 2
        old = before[case.instance_id]
        # The same work item, the same reminder instant: nothing restarted.
        assert [t.id for t in view.open_tasks] == [t.id for t in old.open_tasks]
        assert view.next_timer_due_at == old.next_timer_due_at
        [record] = engine.instance_migrations(case.instance_id)
        assert (record.from_version, record.to_version, record.migrated_by) == (1, 2, "designer")
        assert record.migrated_at == datetime(2025, 8, 12, 10, 0, tzinfo=UTC)
        [event] = [h for h in view.history if h.kind == "instance_migrated"]
        assert event.details == {"from_version": 1, "to_version": 2}
        assert event.actor == "designer"
    assert past_fee.show().version == 1
    assert engine.instance_migrations(past_fee.instance_id) == []

    # The moved case runs on version 2: forwarded in 2026, it is charged the new fee.
    clock.set(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), frozen=True)
    waiting.forward()
    assert waiting.data["fee_amount_dkk"] == 1000
    assert waiting.show().active_elements == ["await_payment"]
    # A second run finds nothing left on version 1 that can move.
    again = engine.migrate_instances("complaint", 1, 2, actor="designer", dry_run=True)
    assert [o.instance_id for o in again] == [past_fee.instance_id]


def test_migrating_to_the_same_or_an_unknown_version_is_refused(file_complaint, engine):
    from engine import InvalidData, NotFound

    file_complaint()
    with pytest.raises(InvalidData):
        engine.migrate_instances("complaint", 1, 1)
    with pytest.raises(NotFound):
        engine.migrate_instances("complaint", 1, 7)
