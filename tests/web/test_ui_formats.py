"""What the UI writes: dates, times, amounts and sizes per language; a complainant's steps."""

from __future__ import annotations

from datetime import date

import pytest

from web import formats


@pytest.mark.parametrize(
    ("lang", "long", "dense", "moment", "money"),
    [
        ("da", "8. august 2025", "08.08.2025", "8. august 2025 kl. 23.59", "1.800 kr."),
        ("en", "8 August 2025", "08/08/2025", "8 August 2025 at 23:59", "DKK 1,800"),
    ],
)
def test_dates_times_and_amounts_are_written_as_the_language_writes_them(
    lang, long, dense, moment, money
):
    instant = "2025-08-08T21:59:00+00:00"  # 23.59 in Copenhagen (summer time)
    assert formats.long_date(date(2025, 8, 8), lang) == long
    assert formats.long_date(instant, lang) == long
    assert formats.short_date(instant, lang) == dense
    assert formats.date_time(instant, lang) == moment
    assert formats.amount(1800, lang) == money


def test_an_instant_just_after_midnight_utc_in_winter_is_shown_on_its_danish_day():
    assert formats.date_time("2025-12-31T23:30:00+00:00", "da") == "1. januar 2026 kl. 00.30"


def test_amounts_show_oere_only_when_there_are_any_and_sizes_use_the_decimal_comma():
    assert formats.amount(12.5, "da") == "12,50 kr."
    assert formats.amount(900, "da") == "900 kr."
    assert formats.amount(None, "da") == ""
    assert formats.file_size(12_595, "da") == "12,3 kB"
    assert formats.file_size(3 * 1024 * 1024, "en") == "3.0 MB"
    assert formats.file_size(15, "da") == "15 byte"


@pytest.mark.parametrize(
    ("status", "current", "done"),
    [
        ("filed", "step_received", 0),
        ("with_authority", "step_authority", 1),
        ("forwarded", "step_board", 2),
        ("awaiting_fee", "step_board", 2),
        ("under_consideration", "step_board", 2),
        ("decided", "step_decided", 3),
        ("withdrawn", "step_decided", 3),
    ],
)
def test_a_complainant_sees_the_step_the_case_has_reached(app, status, current, done):
    from web.ui.portal import citizen_steps

    with app.test_request_context():
        steps = citizen_steps(status)
    assert [s.key for s in steps if s.state == "current"] == [current]
    assert sum(s.state == "done" for s in steps) == done
    assert [s.key for s in steps] == [
        "step_received", "step_authority", "step_board", "step_decided"
    ]  # fmt: skip


def test_a_draft_has_no_steps_yet(app):
    from web.ui.portal import citizen_steps

    with app.test_request_context():
        assert citizen_steps("draft") == []
