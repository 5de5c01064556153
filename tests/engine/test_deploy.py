"""Deployments: immutable numbered versions, and bad bundles refused whole with the element named."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import DeploymentError
from engine.models import ProcessDefinition
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.both_databases

BPMN = (EXAMPLES / "approval.bpmn").read_text()
DMN = (EXAMPLES / "fee.dmn").read_bytes()
FORM = (EXAMPLES / "review.form").read_bytes()


def bundle(bpmn: str = BPMN, **extra: bytes) -> dict[str, bytes]:
    files = {"approval.bpmn": bpmn.encode(), "fee.dmn": DMN, "review.form": FORM}
    files.update(extra)
    return files


def refused(engine, files) -> DeploymentError:
    with pytest.raises(DeploymentError) as caught:
        engine.deploy(files, deployed_by="designer")
    return caught.value


def definition_count(engine) -> int:
    with engine.db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_identical_content_is_a_no_op_and_changed_content_a_new_version(engine):
    [first] = engine.deploy(bundle(), deployed_by="designer")
    assert (first.key, first.version, first.created) == ("approval", 1, True)
    [again] = engine.deploy(bundle(), deployed_by="designer")
    assert (again.version, again.created) == (1, False)
    [changed] = engine.deploy(bundle(BPMN.replace('"P30D"', '"P21D"')), deployed_by="designer")
    assert (changed.version, changed.created) == (2, True)
    assert [v.version for v in engine.definition_versions("approval")] == [2, 1]


COMPLAINT = sorted((EXAMPLES.parent / "complaint").glob("*.*"))


def complaint_bundle(**changed: str) -> dict[str, bytes]:
    files = {path.name: path.read_bytes() for path in COMPLAINT}
    files.update({name: text.encode() for name, text in changed.items()})
    return files


def test_deploying_one_process_of_a_bundle_leaves_the_others_at_their_version(engine):
    first = {r.key: (r.version, r.created) for r in engine.deploy(complaint_bundle())}
    assert first == {"complaint": (1, True), "portal_exemption": (1, True)}
    exemption = (EXAMPLES.parent / "complaint" / "portal_exemption.bpmn").read_text()
    changed = exemption.replace(
        'name="Fritagelse fra at klage via Klageportalen"', 'name="Fritagelse fra portalen"'
    )
    assert changed != exemption
    second = {
        r.key: (r.version, r.created)
        for r in engine.deploy(complaint_bundle(**{"portal_exemption.bpmn": changed}))
    }
    assert second == {"complaint": (1, False), "portal_exemption": (2, True)}
    # A changed form counts for the process whose user task names it, and only for it.
    form = (EXAMPLES.parent / "complaint" / "decide.form").read_text().replace("}", " }", 1)
    third = {
        r.key: (r.version, r.created)
        for r in engine.deploy(
            complaint_bundle(**{"portal_exemption.bpmn": changed, "decide.form": form})
        )
    }
    assert third == {"complaint": (2, True), "portal_exemption": (2, False)}


def test_shipped_files_never_replace_a_version_a_designer_deployed_since(engine):
    [shipped] = engine.deploy(bundle(), deployed_by="demo", shipped=True)
    assert (shipped.version, shipped.created) == (1, True)
    designed = bundle(BPMN.replace('"P30D"', '"P21D"'))
    [mine] = engine.deploy(designed, deployed_by="designer")
    assert (mine.version, mine.created) == (2, True)
    # The system restarts and ships the same files again: the designer's version stays.
    [again] = engine.deploy(bundle(), deployed_by="demo", shipped=True)
    assert (again.version, again.created) == (2, False)
    assert engine.definition("approval").version == 2
    assert engine.definition("approval").deployed_by == "designer"
    # An installation whose shipped files changed deploys them as a new version.
    upgraded = bundle(BPMN.replace('"P30D"', '"P28D"'))
    [upgrade] = engine.deploy(upgraded, deployed_by="demo", shipped=True)
    assert (upgrade.version, upgrade.created) == (3, True)


def test_shipped_files_already_deployed_by_someone_else_are_a_no_op(engine):
    engine.deploy(bundle(), deployed_by="designer")
    [shipped] = engine.deploy(bundle(), deployed_by="demo", shipped=True)
    assert (shipped.version, shipped.created) == (1, False)


def test_the_same_files_deployed_by_hand_after_a_designer_change_are_a_new_version(engine):
    engine.deploy(bundle(), deployed_by="demo")
    engine.deploy(bundle(BPMN.replace('"P30D"', '"P21D"')), deployed_by="designer")
    [back] = engine.deploy(bundle(), deployed_by="demo")
    assert (back.version, back.created) == (3, True)


def test_running_instances_keep_their_version(engine, frozen_now):
    engine.deploy(bundle())
    old = engine.start("approval", {"applicant_type": "private"})
    engine.deploy(bundle(BPMN.replace('"P30D"', '"P21D"')))
    new = engine.start("approval", {"applicant_type": "private"})
    assert engine.show(old).version == 1
    assert engine.show(new).version == 2
    versions = {v.version: v.running_instances for v in engine.definition_versions("approval")}
    assert versions == {1: 1, 2: 1}
    # The old instance still runs the old diagram: its deadline is 30 days, not 21.
    from datetime import timedelta

    from engine import clock

    clock.advance(timedelta(days=22))
    assert engine.advance(old).status == "running"
    assert engine.advance(new).status == "completed"


def test_the_spec_is_stored_once_per_version_not_in_each_instance(engine, frozen_now):
    engine.deploy(bundle())
    instance_id = engine.start("approval", {"applicant_type": "private"})
    import json
    import zlib

    from engine.models import ProcessInstance

    with engine.db.read() as session:
        state = json.loads(zlib.decompress(session.get(ProcessInstance, instance_id).state))
    assert "spec" not in state and "subprocess_specs" not in state
    assert "tasks" in state


BAD_CASES = {
    "malformed XML": (BPMN.replace("</bpmn:process>", "</bpmn:proces>"), "malformed XML", None),
    "schema violation": (
        BPMN.replace(
            '<bpmn:startEvent id="start" name="Received">', '<bpmn:startEvent id="start" bogus="1">'
        ),
        "BPMN schema",
        "start",
    ),
    "compensation": (
        BPMN.replace(
            "<bpmn:incoming>f_reject</bpmn:incoming>",
            '<bpmn:incoming>f_reject</bpmn:incoming><bpmn:compensateEventDefinition id="comp1" />',
        ),
        "compensation",
        "rejected",
    ),
    "link event": (
        BPMN.replace(
            '<bpmn:endEvent id="reminded" name="Reminder sent">',
            '<bpmn:intermediateThrowEvent id="link_out"><bpmn:linkEventDefinition id="link1" name="L" />'
            "</bpmn:intermediateThrowEvent>"
            '<bpmn:endEvent id="reminded" name="Reminder sent">',
        ),
        "link events",
        "link_out",
    ),
    "complex gateway": (
        BPMN.replace(
            '<bpmn:endEvent id="reminded" name="Reminder sent">',
            '<bpmn:complexGateway id="complex1" /><bpmn:endEvent id="reminded" name="Reminder sent">',
        ),
        "complex gateways",
        "complex1",
    ),
    "ad-hoc subprocess": (
        BPMN.replace(
            '<bpmn:endEvent id="reminded" name="Reminder sent">',
            '<bpmn:adHocSubProcess id="adhoc1" /><bpmn:endEvent id="reminded" name="Reminder sent">',
        ),
        "ad-hoc",
        "adhoc1",
    ),
    "missing flow target": (
        BPMN.replace('targetRef="done"', 'targetRef="nowhere"'),
        "'nowhere' names no element",
        "f5",
    ),
    "non-executable process": (
        BPMN.replace('isExecutable="true"', 'isExecutable="false"'),
        "not executable",
        "approval",
    ),
    "script that does not parse": (
        BPMN.replace("reminders = 0", "reminders = = 0"),
        "script does not compile",
        "prepare",
    ),
    "condition that does not parse": (
        BPMN.replace("approved == True", "approved ==="),
        "conditionExpression does not compile",
        "f_approve",
    ),
    "timer that does not parse": (
        BPMN.replace('"P30D"', "P30D days("),
        "timeDuration does not compile",
        "review_deadline",
    ),
    "timer literal that is not ISO 8601": (
        BPMN.replace('"P30D"', '"14 days"'),
        "'14 days' is not valid ISO 8601",
        "review_deadline",
    ),
    "naive timeDate literal": (
        BPMN.replace(
            '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P30D"</bpmn:timeDuration>',
            '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">"2025-08-08T23:59:00"</bpmn:timeDate>',
        ),
        "has no UTC offset",
        "review_deadline",
    ),
    "script using a private attribute": (
        BPMN.replace("reminders = 0", "reminders = applicant_type.__class__"),
        "invalid attribute name",
        "prepare",
    ),
    "form that is not deployed": (
        BPMN.replace('value="review.form"', 'value="missing.form"'),
        "form 'missing.form'",
        "review",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_a_bad_bundle_is_refused_whole_with_the_element_named(engine, case):
    text, reason, element_id = BAD_CASES[case]
    error = refused(engine, bundle(text))
    messages = [str(problem) for problem in error.problems]
    assert any(reason in message for message in messages), messages
    if element_id is not None:
        assert element_id in {p.element_id for p in error.problems}, messages
    assert all(p.file == "approval.bpmn" for p in error.problems)
    assert definition_count(engine) == 0  # nothing half-deployed


def test_a_refused_redeployment_leaves_the_deployed_version_alone(engine):
    engine.deploy(bundle())
    refused(engine, bundle(BPMN.replace("reminders = 0", "reminders = = 0")))
    assert [v.version for v in engine.definition_versions("approval")] == [1]


def test_a_dmn_cell_that_does_not_parse_is_refused(engine):
    bad = DMN.replace(b"<text>1800</text>", b"<text>18 00 (</text>", 1)
    error = refused(engine, bundle(**{"fee.dmn": bad}))
    assert "DMN cell does not compile" in str(error)
    assert "rule_other_out" in {p.element_id for p in error.problems}


def test_an_invalid_form_is_refused(engine):
    bad = b'{"components": [{"type": "textfield", "key": "not valid"}]}'
    error = refused(engine, bundle(**{"review.form": bad}))
    assert "Python identifier" in str(error)


XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="x">&xxe;</bpmn:definitions>
"""
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}' * 10 + '">\n'
        for i in range(1, 10)
    )
    + "]>\n<lolz>&lol9;</lolz>\n"
)


@pytest.mark.parametrize("document", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_with_a_doctype_is_refused_without_expanding_anything(engine, document):
    error = refused(engine, {"evil.bpmn": document.encode()})
    [problem] = error.problems
    assert "DOCTYPE" in problem.reason
    assert problem.line == 2
    assert definition_count(engine) == 0


def test_an_unsupported_file_type_is_refused(engine):
    error = refused(engine, bundle(**{"notes.txt": b"hello"}))
    assert "unsupported file type" in str(error.problems[0])
