"""`klageflow test-model`: the shipped processes' model tests pass, a failing one exits 1."""

from __future__ import annotations

import shutil

import pytest

from tests.cli.conftest import COMPLAINT, EXAMPLES
from tests.conftest import ROOT

SHIPPED = sorted(path for path in (ROOT / "bpmn").iterdir() if path.is_dir())


def test_every_shipped_bundle_passes_its_model_tests(klageflow):
    assert COMPLAINT in SHIPPED and EXAMPLES in SHIPPED
    for bundle in SHIPPED:
        ran = klageflow("test-model", bundle, "--json")
        assert ran.json["failed"] == 0, ran.out
        assert ran.json["tests"] >= 2, f"{bundle.name} has model tests"


def test_the_complaint_process_tests_its_registration_and_reminder_scripts(klageflow):
    ran = klageflow("test-model", COMPLAINT / "complaint.bpmn")
    assert ran.lines == [
        "ok   filed_on_the_last_day_is_in_time_and_forwarding_moves_past_christmas "
        "(complaint.bpmn · register)",
        "ok   filed_a_second_late_goes_to_the_board_of_its_legal_basis (complaint.bpmn · register)",
        "ok   the_second_reminder_is_number_two (complaint.bpmn · count_reminder)",
        "3 tests, 0 failed",
    ]


@pytest.fixture
def examples_copy(tmp_path):
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    return folder


def test_a_failing_test_exits_1_with_its_name_and_the_difference(klageflow, examples_copy):
    tests = examples_copy / "test_approval.json"
    tests.write_text(tests.read_text().replace('"fee": 1800', '"fee": 900'))
    ran = klageflow("test-model", examples_copy, status=1)
    assert ran.lines == [
        "FAIL an approved company application pays the company fee (test_approval.json · approval)",
        "     fee: expected 900, got 1800",
        "ok   a rejected application ends without final approval (test_approval.json · approval)",
        "2 tests, 1 failed",
    ]
    ran = klageflow("test-model", examples_copy / "approval.bpmn", "--json", status=1)
    [failed] = [result for result in ran.json["results"] if not result["passed"]]
    assert failed["name"] == "an approved company application pays the company fee"
    assert failed["differences"] == [
        {"path": "fee", "kind": "changed", "expected": 900, "actual": 1800}
    ]


def test_a_folder_without_tests_says_so_and_a_refused_bundle_is_an_error(klageflow, examples_copy):
    (examples_copy / "test_approval.json").unlink()
    assert klageflow("test-model", examples_copy).lines == [f"no model tests in {examples_copy}"]
    (examples_copy / "fee.dmn").unlink()
    ran = klageflow("test-model", examples_copy, status=1)
    assert ran.err.startswith("error: Deployment refused:")
    assert klageflow("test-model", examples_copy / "nothing", status=1).err == (
        f"error: no such file or folder: {examples_copy / 'nothing'}\n"
    )
