"""The composition root wires the shipped complaint domain without any installed metadata,
and an engine refuses processes that use script helpers it has not registered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from engine import DeploymentError, Engine, HelpersNotRegistered
from engine.config import PROJECT_ROOT, load_settings
from tests.complaint.conftest import start_data
from web.bootstrap import build_engine

COMPLAINT_BUNDLE = sorted((PROJECT_ROOT / "bpmn/complaint").glob("*.*"))

RUN_COMPLAINT = """
import json, sys
from datetime import datetime
from importlib.metadata import PackageNotFoundError, distribution, entry_points

from engine import clock
from engine.config import load_settings
from engine.db import Database
from tests.complaint.conftest import BUNDLE, start_data
from web import migrate
from web.bootstrap import build_engine

try:
    distribution("klageflow")
    installed = True
except PackageNotFoundError:
    installed = False
db = Database(sys.argv[1])
migrate.create_and_stamp(db)
engine = build_engine(load_settings(), db=db)
engine.deploy_paths(sorted(BUNDLE.glob("*.*")))
data = start_data()
clock.set(datetime.fromisoformat(data["filed_at"]), frozen=True)
instance_id = engine.start("complaint", data, business_key=data["reference"])
print(json.dumps({
    "installed": installed,
    "entry_points": [e.name for e in entry_points(group="klageflow.script_helpers")],
    "data": engine.show(instance_id).data,
    "mails": [m["template"] for m in engine.outbox.mails()],
}))
"""


def never_installed(target: Path) -> list[Path]:
    """Import paths of a plain checkout beside the packages it needs, with no metadata of
    its own (no dist-info, no egg-info that `pip install -e .` leaves in the project)."""
    checkout, site = target / "checkout", target / "site"
    checkout.mkdir()
    for folder in ("engine", "web", "workflows", "tests"):
        (checkout / folder).symlink_to(PROJECT_ROOT / folder)
    site.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if "klageflow" not in entry.name.lower() and entry.suffix != ".pth":
            (site / entry.name).symlink_to(entry)
    return [checkout, site]


def test_the_complaint_process_runs_from_a_checkout_that_was_never_installed(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, never_installed(tmp_path)))}
    result = subprocess.run(
        [sys.executable, "-S", "-c", RUN_COMPLAINT, f"sqlite:///{tmp_path / 'plain.sqlite'}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["installed"] is False
    assert outcome["entry_points"] == []
    # The registration script ran the complaint helpers; the filing notice is a domain mail.
    assert outcome["data"]["in_time"] is True
    assert outcome["data"]["board_code"] == "PKN"
    assert "complaint_filed_authority" in outcome["mails"]


def test_an_engine_without_the_complaint_helpers_refuses_the_complaint_bundle(db):
    bare = Engine(db, load_settings())
    with pytest.raises(DeploymentError) as refused:
        bare.deploy_paths(COMPLAINT_BUNDLE)
    problems = refused.value.problems
    register = [p for p in problems if p.element_id == "register"]
    assert register and register[0].file == "complaint.bpmn" and register[0].line
    assert "no helper namespace 'complaint' is registered" in register[0].reason
    assert "complaint.filed_in_time" in str(refused.value)
    assert bare.definitions() == []


def test_starting_a_version_on_an_engine_without_its_helpers_is_refused_before_it_runs(engine):
    engine.deploy_paths(COMPLAINT_BUNDLE)
    bare = Engine(engine.db, load_settings())
    with pytest.raises(HelpersNotRegistered) as refused:
        bare.start("complaint", start_data())
    assert "process complaint v1 cannot run on this engine" in refused.value.message
    assert "no helper namespace 'complaint'" in refused.value.message
    assert bare.instances() == []
    assert bare.incidents(open_only=False) == []


BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="defs" targetNamespace="http://klageflow.dk/test">
  <bpmn:process id="extended" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="compute">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>doubled = {call}
name = applicant.get("name", "").upper()</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:serviceTask id="mail">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="send_mail" resultVariable="mail_result">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="to" type="any" value="'a@example.dk'" />
            <spiffworkflow:parameter id="template" type="str" value="'hello'" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="mail" />
    <bpmn:sequenceFlow id="f3" sourceRef="mail" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_helper_the_namespace_does_not_have_is_refused_at_deploy(engine):
    with pytest.raises(DeploymentError) as refused:
        engine.deploy({"x.bpmn": BPMN.format(call="complaint.no_such_helper(n)")})
    [problem] = refused.value.problems
    assert (problem.file, problem.element_id) == ("x.bpmn", "compute")
    assert "helper namespace 'complaint' has no 'no_such_helper'" in problem.reason


@pytest.fixture
def installed_package(tmp_path, monkeypatch):
    """A package installed beside Klageflow offering helpers and templates by entry points."""
    root = tmp_path / "installed"
    package = root / "tinyext"
    (package / "mail").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent("""
        from pathlib import Path

        def helpers():
            return {"double": lambda n: 2 * n}

        def templates():
            return Path(__file__).parent / "mail"
    """))  # fmt: skip
    (package / "mail" / "hello.da.subject.txt").write_text("Hej fra tinyext")
    (package / "mail" / "hello.da.txt").write_text("Dobbelt: {{ doubled }}\n")
    metadata = root / "tinyext-1.0.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: tinyext\nVersion: 1.0\n")
    (metadata / "entry_points.txt").write_text(
        "[klageflow.script_helpers]\ntiny = tinyext:helpers\n\n"
        "[klageflow.mail_templates]\ntiny = tinyext:templates\n"
    )
    monkeypatch.syspath_prepend(str(root))
    yield
    sys.modules.pop("tinyext", None)


def test_an_installed_package_adds_helpers_and_mail_templates_through_entry_points(
    installed_package, db
):
    engine = build_engine(load_settings(), db=db)
    engine.deploy({"x.bpmn": BPMN.format(call="tiny.double(n)")})
    instance_id = engine.start("extended", {"n": 21, "applicant": {"name": "Karen"}})
    assert engine.show(instance_id).data["doubled"] == 42
    [mail] = engine.outbox.mails()
    assert (mail["template"], mail["subject"]) == ("hello", "Hej fra tinyext")
