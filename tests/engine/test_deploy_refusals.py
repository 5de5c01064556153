"""Deploy refuses what would fail or hang later, naming file, line and element, and never crashes."""

from __future__ import annotations

import time

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine import DeploymentError
from engine.modelparse import plain_message, problems_from
from tests.conftest import EXAMPLES

BPMN = (EXAMPLES / "approval.bpmn").read_text()
FEE_DMN = (EXAMPLES / "fee.dmn").read_text()
FORM = (EXAMPLES / "review.form").read_bytes()

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs_{key}" targetNamespace="http://klageflow.local/test">
"""


SCRIPT = '<bpmn:scriptTask id="task"><bpmn:script>done = True</bpmn:script></bpmn:scriptTask>'


def process(key: str, body: str) -> str:
    """A process: start → body (elements between `start` and `end`, wired by the caller) → end."""
    return (
        HEAD.format(key=key)
        + f'  <bpmn:process id="{key}" isExecutable="true">\n'
        + '    <bpmn:startEvent id="start" />\n'
        + body
        + '    <bpmn:endEvent id="end" />\n  </bpmn:process>\n</bpmn:definitions>\n'
    )


def one_task(key: str, task: str) -> str:
    """A process with one task (id "task") between start and end."""
    return process(
        key,
        f"    {task}\n"
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />\n'
        '    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />\n',
    )


def calling(key: str, called: str) -> str:
    return one_task(key, f'<bpmn:callActivity id="task" calledElement="{called}" />')


def refused(engine, files: dict[str, str | bytes]) -> list:
    with pytest.raises(DeploymentError) as caught:
        engine.deploy(files, deployed_by="designer")
    return caught.value.problems


def test_a_dmn_file_with_only_a_decision_service_is_refused_on_the_dmn_file(engine):
    service_only = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="x"
    namespace="http://klageflow.local/dmn">
  <decisionService id="service_1" name="Service" />
  <inputData id="input_1" name="Input" />
</definitions>
"""
    problems = refused(
        engine, {"approval.bpmn": BPMN, "fee.dmn": service_only, "review.form": FORM}
    )
    assert [(p.file, p.element_id) for p in problems] == [("fee.dmn", "defs")]
    assert "no decision" in problems[0].reason


def test_a_dmn_table_the_dmn_parser_fails_on_is_blamed_on_the_dmn_file(engine):
    # One input column but two input entries: SpiffWorkflow's parser raises a raw IndexError.
    broken = FEE_DMN.replace(
        "<inputEntry ", '<inputEntry id="extra"><text>1</text></inputEntry><inputEntry ', 1
    )
    problems = refused(engine, {"approval.bpmn": BPMN, "fee.dmn": broken, "review.form": FORM})
    [problem] = problems
    assert problem.file == "fee.dmn" and problem.line and problem.element_id
    assert "IndexError" in problem.reason


def test_a_refusal_names_the_element_type_spiffworkflow_leaves_out(engine):
    body = (
        '    <bpmn:scriptTask id="task"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>\n'
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />\n'
        '    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />\n'
        '    <bpmn:sequenceFlow id="f3" sourceRef="task" targetRef="end" />\n'
    )
    [problem] = refused(engine, {"split.bpmn": process("split", body)})
    assert (
        problem.reason == "Multiple outgoing flows are not supported for tasks of type scriptTask"
    )
    assert (problem.file, problem.element_id) == ("split.bpmn", "task") and problem.line


def test_refusal_texts_carry_no_reprs_or_addresses_and_keep_the_root_cause():
    element = etree.fromstring(
        '<bpmn:task xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>'
    )
    try:
        try:
            [][1]
        except IndexError as exc:
            raise ValidationException(repr(exc))  # noqa: B904 (as SpiffWorkflow's task parser does)
    except ValidationException as wrapped:
        assert plain_message(wrapped) == "IndexError: list index out of range"
    message = plain_message(ValueError(f"cannot use {element!r} here"))
    assert message == "ValueError: cannot use element task here"
    assert "0x" not in plain_message(NotImplementedError("Unsupported Catch Event: %r", b"<x/>"))


def test_a_multi_line_expression_is_shown_whole_in_a_refusal():
    text = FEE_DMN
    expression = "amount +\n  (fee"
    exc = ValidationException(f"Malformed Output Expression '{expression}'. invalid syntax")
    exc.id, exc.file_name = "rule_1", "fee.dmn"
    [problem] = problems_from(exc, {"fee.dmn": text})
    assert expression in problem.reason
    assert (problem.file, problem.element_id) == ("fee.dmn", "rule_1")


def test_an_import_in_a_script_is_refused_at_deploy(engine):
    task = (
        '<bpmn:scriptTask id="task"><bpmn:script>x = 1\nimport os</bpmn:script></bpmn:scriptTask>'
    )
    [problem] = refused(engine, {"imports.bpmn": one_task("imports", task)})
    assert "import statements are not allowed" in problem.reason
    text = one_task("imports", task)
    assert problem.element_id == "task"
    assert problem.line == text[: text.index("import os")].count("\n") + 1


def test_a_service_task_needs_an_operator_registered_on_the_engine(engine):
    task = (
        '<bpmn:serviceTask id="task"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="weather/CurrentTemp" resultVariable="t">'
        "<spiffworkflow:parameters /></spiffworkflow:serviceTaskOperator>"
        "</bpmn:extensionElements></bpmn:serviceTask>"
    )
    files = {"service.bpmn": one_task("service", task)}
    [problem] = refused(engine, files)
    assert "'weather/CurrentTemp', which is not registered" in problem.reason
    assert problem.element_id == "task"
    engine.register_service("weather/CurrentTemp", lambda _ctx, _task, _params: 21)
    [result] = engine.deploy(files)
    assert engine.start_summary(result.key, {}).status == "completed"


def test_an_unquoted_timer_date_with_leading_zeros_gets_the_quote_it_hint(engine):
    task = (
        '<bpmn:intermediateCatchEvent id="task"><bpmn:timerEventDefinition id="t">'
        "<bpmn:timeDate>2025-08-08T10:00:00+02:00</bpmn:timeDate>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )
    [problem] = refused(engine, {"timer.bpmn": one_task("timer", task)})
    assert 'quote it ("2025-08-08T10:00:00+02:00")' in problem.reason
    assert problem.element_id == "task"


def test_a_bpmn20_xml_file_deploys_and_runs(engine):
    [result] = engine.deploy({"plain.bpmn20.xml": one_task("plain", SCRIPT)})
    assert result.key == "plain"
    assert engine.start_summary("plain", {}).status == "completed"


def test_a_process_calling_itself_is_refused_at_deploy(engine):
    [problem] = refused(engine, {"self.bpmn": calling("selfcall", "selfcall")})
    assert "recursion through call activities is refused" in problem.reason
    assert (problem.file, problem.element_id) == ("self.bpmn", "task")


def test_recursion_through_another_file_of_the_bundle_is_refused(engine):
    problems = refused(
        engine, {"a.bpmn": calling("proc_a", "proc_b"), "b.bpmn": calling("proc_b", "proc_a")}
    )
    assert {(p.file, p.element_id) for p in problems} == {("a.bpmn", "task"), ("b.bpmn", "task")}
    assert "proc_a → proc_b → proc_a" in problems[0].reason


def test_a_call_chain_without_a_cycle_deploys(engine):
    files = {
        "a.bpmn": calling("proc_a", "proc_b"),
        "b.bpmn": one_task("proc_b", SCRIPT),
    }
    results = engine.deploy(files)
    assert {r.key for r in results} == {"proc_a", "proc_b"}
    assert engine.start_summary("proc_a", {}).status == "completed"


def test_a_called_process_missing_from_the_bundle_is_refused_on_the_call_activity(engine):
    [problem] = refused(engine, {"a.bpmn": calling("proc_a", "elsewhere")})
    text = calling("proc_a", "elsewhere")
    line = text[: text.index('id="task"')].count("\n") + 1
    assert (problem.file, problem.element_id, problem.line) == ("a.bpmn", "task", line)
    assert "not in this deployment" in problem.reason


def test_a_deploy_with_8000_schema_errors_answers_within_two_seconds(engine):
    bad = "\n".join(f'    <bpmn:task id="bad{i}"><bpmn:bogus /></bpmn:task>' for i in range(8000))
    text = BPMN.replace("</bpmn:process>", bad + "\n  </bpmn:process>", 1)
    started = time.perf_counter()
    problems = refused(engine, {"approval.bpmn": text, "fee.dmn": FEE_DMN, "review.form": FORM})
    assert time.perf_counter() - started < 2
    assert problems[0].element_id == "bad0" and problems[0].line
    assert problems[0].line == text[: text.index('id="bad0"')].count("\n") + 1
    assert all(p.element_id and p.element_id.startswith("bad") for p in problems)


def test_a_few_schema_errors_carry_their_exact_lines(engine):
    text = BPMN.replace("</bpmn:process>", '<bpmn:task id="odd" bogus="1" />\n</bpmn:process>', 1)
    [problem] = refused(engine, {"approval.bpmn": text, "fee.dmn": FEE_DMN, "review.form": FORM})
    assert problem.element_id == "odd"
    assert problem.line == text[: text.index('id="odd"')].count("\n") + 1
