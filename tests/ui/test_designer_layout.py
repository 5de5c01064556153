"""A model without a drawing (no BPMN DI) in a real browser: the viewer and the editor lay
it out and say so, the editor deploys the drawing with the model unchanged, and the designer
pages report no console errors."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from engine.config import PROJECT_ROOT, load_settings
from engine.db import Database
from tests.ui.conftest import screenshot
from web.bootstrap import build_engine

pytestmark = pytest.mark.slow
EXAMPLES = PROJECT_ROOT / "bpmn/examples"
BUNDLE = ["approval.bpmn", "fee.dmn", "review.form", "test_approval.json"]
MODEL = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
NOTICE = "Modellen havde ingen tegning af diagrammet, så elementerne er stillet op automatisk."


def without_drawing(xml: str) -> str:
    """The model with its BPMN DI cut out, as a hand-written model comes."""
    stripped = re.sub(r"\s*<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", xml, flags=re.S)
    assert "bpmndi:" not in stripped.split("<bpmn:process", 1)[1]
    return stripped


def canonical_process(xml: str) -> str:
    """The process element as canonical XML, whitespace between elements aside."""
    process = ET.fromstring(xml.encode()).find(f"{MODEL}process")
    assert process is not None
    return ET.canonicalize(ET.tostring(process, encoding="unicode"), strip_text=True)


def watch_console(page) -> list[str]:
    """Collect console errors and uncaught script errors the page reports."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def shape_count(page) -> int:
    """Shapes bpmn-js drew for the model's elements (the process's root aside)."""
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    return page.locator(".djs-element.djs-shape").count()


@pytest.fixture(scope="module")
def engine(server):
    engine = build_engine(load_settings(), db=Database(server.database_url))
    files = {name: (EXAMPLES / name).read_text(encoding="utf-8") for name in BUNDLE}
    [shipped] = [r for r in engine.deploy(files, shipped=True) if r.key == "approval"]
    assert shipped.version == 1
    files["approval.bpmn"] = without_drawing(files["approval.bpmn"])
    [bare] = [r for r in engine.deploy(files, deployed_by="designer") if r.key == "approval"]
    assert bare.version == 2
    return engine


@pytest.mark.parametrize(
    ("version", "laid_out"),
    [(1, False), (2, True)],
    ids=["the shipped example has its own drawing", "a model without a drawing is laid out"],
)
def test_the_viewer_shows_every_element_and_says_when_it_laid_them_out(
    page, server, login, engine, version, laid_out
):
    login(page, "designer")
    errors = watch_console(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(server.url(f"/processer/approval?version={version}"))
        # 13 flow nodes, sequence flows and labels aside: every flow node is drawn.
        assert shape_count(page) >= 13
        notice = page.locator("#laid-out")
        if laid_out:
            expect(notice).to_be_visible()
            expect(notice).to_have_text(NOTICE)
        else:
            expect(notice).to_be_hidden()
        screenshot(page, f"layout-approval-v{version}-process-{width}")
    assert errors == []


def test_the_editor_lays_out_a_model_without_a_drawing_and_deploys_the_drawing(
    page, server, login, engine
):
    login(page, "designer")
    errors = watch_console(page)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(server.url("/processer/approval/rediger"))
    assert shape_count(page) >= 13
    expect(page.locator("#laid-out")).to_contain_text(NOTICE)
    screenshot(page, "layout-approval-editor-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url("/processer/approval/rediger"))
    assert shape_count(page) >= 13
    expect(page.locator("#laid-out")).to_contain_text("gemmes tegningen med den")
    screenshot(page, "layout-approval-editor-1280")

    page.get_by_role("button", name="Udrul som ny version").click()
    expect(page.locator("#result")).to_contain_text("Udrullet som version 3")
    assert errors == []

    deployed = engine.definition("approval")
    assert deployed.version == 3
    xml = deployed.files["approval.bpmn"]
    assert xml.count("<bpmndi:BPMNShape") >= 13
    bare = without_drawing((EXAMPLES / "approval.bpmn").read_text(encoding="utf-8"))
    assert canonical_process(xml) == canonical_process(bare)
    for kept in ('<bpmn:lane id="lane_board" name="board">', "spiffworkflow:calledDecisionId"):
        assert kept in xml

    # Opened again, the deployed model has its drawing: no layout, no notice.
    page.goto(server.url("/processer/approval/rediger"))
    assert shape_count(page) >= 13
    expect(page.locator("#laid-out")).to_be_hidden()


def test_keyboard_shortcuts_work_when_the_editor_canvas_has_focus(page, server, login, engine):
    login(page, "designer")
    errors = watch_console(page)
    page.goto(server.url("/processer/approval/rediger"))
    expect(page.locator("#canvas[data-ready=true]")).to_be_attached()
    prepare = "window.klageflowModeler.get('elementRegistry').get('prepare')"
    page.locator('.djs-element[data-element-id="prepare"]').click()
    page.keyboard.press("Delete")
    page.wait_for_function(f"!{prepare}")
    page.keyboard.press("Control+z")
    page.wait_for_function(f"!!{prepare}")
    assert errors == []


def test_the_complaint_designer_pages_log_no_console_errors(page, server, login):
    login(page, "designer")
    errors = watch_console(page)
    page.goto(server.url("/processer/complaint"))
    assert shape_count(page) > 0
    page.goto(server.url("/processer/complaint/rediger"))
    assert shape_count(page) > 0
    expect(page.locator("#laid-out")).to_be_hidden()
    assert errors == []
