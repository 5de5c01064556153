"""The shipped diagrams open cleanly in a modeler: every element drawn, every task documented."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.complaint.conftest import BUNDLE

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
}
DIAGRAMS = sorted(BUNDLE.glob("*.bpmn"))
TASKS = ("userTask", "scriptTask", "serviceTask", "businessRuleTask")
# Elements BPMN DI never draws: a data object is drawn through its references, and a task's
# property is the target its data input association names.
UNDRAWN = {"laneSet", "dataObject", "property"}


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_element_has_diagram_information(path):
    root = etree.parse(str(path)).getroot()
    drawn = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNShape", NS)}
    drawn |= {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    elements = {
        e.get("id")
        for e in root.iterfind(".//bpmn:process//*[@id]", NS)
        if etree.QName(e).namespace == NS["bpmn"]
        and etree.QName(e).localname not in UNDRAWN
        and not etree.QName(e).localname.endswith("EventDefinition")
    }
    assert elements - drawn == set()
    edges = ("sequenceFlow", "dataInputAssociation", "dataOutputAssociation")
    assert {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)} == {
        e.get("id") for kind in edges for e in root.iterfind(f".//bpmn:{kind}", NS)
    }


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_task_carries_documentation(path):
    root = etree.parse(str(path)).getroot()
    undocumented = [
        task.get("id")
        for kind in TASKS
        for task in root.iterfind(f".//bpmn:{kind}", NS)
        if not (task.findtext("bpmn:documentation", namespaces=NS) or "").strip()
    ]
    assert undocumented == []


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_user_task_has_its_name_and_documentation_in_english_too(path):
    root = etree.parse(str(path)).getroot()
    spiff = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
    for task in root.iterfind(".//bpmn:userTask", NS):
        names = {p.get("name"): p.get("value") for p in task.iter(f"{spiff}property")}
        assert names.get("name_en") and names.get("documentation_en"), task.get("id")
        assert names["documentation_en"] != task.findtext("bpmn:documentation", namespaces=NS)
