"""The texts caseworkers read on a task: Danish as written, English where the model gives it."""

from __future__ import annotations

import pytest

from engine import TaskFilter
from tests.complaint.conftest import AUTHORITY_GROUP, BOARD_GROUP

pytestmark = pytest.mark.both_databases


def _every_board_task(file_complaint):
    """A late complaint with a request for suspensive effect reaches every board task."""
    case = file_complaint(filed_at="2025-08-09T00:00:30+02:00", suspensive_effect_requested=True)
    seen = {"reconsider": case.open_tasks()["reconsider"]}
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    seen["assess_lateness"] = case.open_tasks()["assess_lateness"]
    case.complete(
        "assess_lateness", BOARD_GROUP, lateness_ruling="accept",
        lateness_reasons="Klagen blev i tide sendt til en forkert myndighed.",
    )  # fmt: skip
    seen["rule_suspension"] = case.open_tasks()["rule_suspension"]
    case.complete(
        "rule_suspension", BOARD_GROUP, grant_suspension=False,
        suspension_reason="Ingen særlige grunde er anført.",
    )  # fmt: skip
    case.pay()
    case.at("2025-09-03T00:00:01+02:00")
    seen["screening"] = case.open_tasks()["screening"]
    case.screen()
    seen["decide"] = case.open_tasks()["decide"]
    return case, seen


def test_the_worklist_describes_every_complaint_task_in_danish(file_complaint):
    case, seen = _every_board_task(file_complaint)
    assert set(seen) == {"reconsider", "assess_lateness", "rule_suspension", "screening", "decide"}
    starts = {
        "reconsider": "Myndigheden genvurderer sin afgørelse.",
        "assess_lateness": "Klagen er indgivet efter klagefristen.",
        "rule_suspension": "Nævnet (formanden) afgør anmodningen om opsættende virkning",
        "screening": "Nævnet visiterer klagen",
        "decide": "Nævnet træffer afgørelse i klagesagen",
    }
    for element, task in seen.items():
        assert task.documentation.startswith(starts[element]), element
    [listed] = case.engine.tasks(TaskFilter(groups=(BOARD_GROUP,)))
    assert listed.documentation.startswith("Nævnet træffer afgørelse")


def test_a_task_read_in_english_has_its_name_description_and_form_in_english(file_complaint):
    case = file_complaint(filed_at="2025-08-09T00:00:30+02:00")
    case.at("2025-08-12T09:00:00+02:00")
    case.forward()
    task_id = case.open_tasks()["assess_lateness"].id
    english = case.engine.task(task_id, language="en")
    assert english.name == "Assess the late filing"
    assert english.documentation.startswith("The complaint was filed after the complaint deadline.")
    components = {c.get("key") or c["type"]: c for c in english.form["components"]}
    assert components["text"]["text"].startswith("## Late filing")
    assert components["lateness_ruling"]["label"] == "The board's assessment"
    assert [v["label"] for v in components["lateness_ruling"]["values"]] == [
        "The late filing is excusable: the complaint is dealt with and the fee is requested",
        "The complaint is rejected as filed too late",
    ]
    danish = case.engine.task(task_id, language="da")
    assert danish.name == "Vurder fristoverskridelse"
    assert danish.documentation.startswith("Klagen er indgivet efter klagefristen.")
    labels = {c.get("key"): c.get("label") for c in danish.form["components"]}
    assert labels["lateness_reasons"] == "Begrundelse (sendes til parterne ved afvisning)"
    assert case.engine.task(task_id) == danish, "without a language the model's own texts"


def test_every_complaint_form_text_has_an_english_variant(file_complaint):
    import json

    from tests.complaint.conftest import BUNDLE

    for path in sorted(BUNDLE.glob("*.form")):
        for component in json.loads(path.read_text(encoding="utf-8"))["components"]:
            variants = component.get("properties") or {}
            for name in ("label", "text", "description"):
                if name in component:
                    assert variants.get(f"{name}_en"), (path.name, component.get("key"), name)
            for option in component.get("values") or ():
                assert option.get("label_en"), (path.name, component["key"], option["value"])


def test_the_authority_task_is_in_english_when_asked(file_complaint):
    case = file_complaint()
    task = case.engine.task(case.open_tasks()["reconsider"].id, language="en")
    assert task.name == "Reconsider the decision and forward the complaint"
    assert task.candidate_group == AUTHORITY_GROUP
