"""The designer's view: how many unfinished cases of a version wait at each element."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.both_databases


def test_counts_per_element_follow_the_cases(engine, file_complaint):
    first = file_complaint(reference="KP-2025-000001")
    file_complaint(reference="KP-2025-000002")
    third = file_complaint(reference="KP-2025-000003")
    assert engine.waiting_at("complaint", 1) == {"reconsider": 3, "forwarding_reminder": 3,
                                                 "withdrawn_at_authority": 3}  # fmt: skip
    first.at("2025-08-12T09:00:00+02:00")
    first.forward()
    third.message("withdrawn", at="2025-08-12T09:00:00+02:00", by="klager")
    counts = engine.waiting_at("complaint", 1)
    assert counts == {"reconsider": 1, "forwarding_reminder": 1, "withdrawn_at_authority": 1,
                      "await_payment": 1}  # fmt: skip
