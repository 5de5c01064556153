"""The Danish working-day calendar: public holidays, weekends and the configurable days."""

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from workflows.complaint.calendar import (
    CalendarPolicy,
    add_working_days,
    holiday_name,
    is_working_day,
    next_working_day,
    public_holidays,
    working_day_on_or_after,
)

ALL_EXTRA_DAYS = CalendarPolicy(
    grundlovsdag_is_holiday=True, christmas_eve_is_holiday=True, new_years_eve_is_holiday=True
)


def test_the_2025_holidays_are_exactly_those_of_the_brief():
    assert set(public_holidays(2025)) == {
        date(2025, 1, 1),
        date(2025, 4, 17),
        date(2025, 4, 18),
        date(2025, 4, 20),
        date(2025, 4, 21),
        date(2025, 5, 29),
        date(2025, 6, 8),
        date(2025, 6, 9),
        date(2025, 12, 25),
        date(2025, 12, 26),
    }


def test_the_2026_holidays_are_exactly_those_of_the_brief():
    assert set(public_holidays(2026)) == {
        date(2026, 1, 1),
        date(2026, 4, 2),
        date(2026, 4, 3),
        date(2026, 4, 5),
        date(2026, 4, 6),
        date(2026, 5, 14),
        date(2026, 5, 24),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


def test_holidays_carry_their_danish_names():
    assert holiday_name(date(2025, 4, 18)) == "Langfredag"
    assert holiday_name(date(2025, 5, 29)) == "Kristi himmelfartsdag"
    assert holiday_name(date(2025, 6, 9)) == "Anden pinsedag"
    assert holiday_name(date(2025, 6, 10)) is None


def test_store_bededag_was_a_holiday_in_2023():
    assert holiday_name(date(2023, 5, 5)) == "Store bededag"


@pytest.mark.parametrize("year", range(2024, 2036))
def test_store_bededag_is_abolished_from_2024(year):
    assert not any("bededag" in name.lower() for name in public_holidays(year).values())
    assert len(public_holidays(year)) == 10


def test_grundlovsdag_christmas_eve_and_new_years_eve_are_working_days_by_default():
    assert is_working_day(date(2025, 6, 5))  # Thursday
    assert is_working_day(date(2025, 12, 24))  # Wednesday
    assert is_working_day(date(2025, 12, 31))  # Wednesday


def test_each_extra_day_can_be_made_a_holiday_on_its_own():
    assert not is_working_day(date(2025, 6, 5), CalendarPolicy(grundlovsdag_is_holiday=True))
    assert not is_working_day(date(2025, 12, 24), CalendarPolicy(christmas_eve_is_holiday=True))
    assert not is_working_day(date(2025, 12, 31), CalendarPolicy(new_years_eve_is_holiday=True))
    assert is_working_day(date(2025, 12, 31), CalendarPolicy(christmas_eve_is_holiday=True))


def test_the_extra_days_are_named_in_danish():
    holidays_2025 = public_holidays(2025, ALL_EXTRA_DAYS)
    assert holidays_2025[date(2025, 6, 5)] == "Grundlovsdag"
    assert holidays_2025[date(2025, 12, 24)] == "Juleaftensdag"
    assert holidays_2025[date(2025, 12, 31)] == "Nytårsaftensdag"
    assert list(holidays_2025) == sorted(holidays_2025)


def test_saturdays_and_sundays_are_not_working_days():
    assert not is_working_day(date(2025, 8, 9))
    assert not is_working_day(date(2025, 8, 10))
    assert is_working_day(date(2025, 8, 11))


def test_workers_day_is_an_ordinary_working_day():
    assert is_working_day(date(2025, 5, 1))


def test_the_friday_after_ascension_is_an_ordinary_working_day():
    assert is_working_day(date(2025, 5, 30))


def test_the_next_working_day_after_maundy_thursday_is_the_tuesday_after_easter():
    assert next_working_day(date(2025, 4, 17)) == date(2025, 4, 22)


def test_the_next_working_day_after_a_friday_is_the_monday():
    assert next_working_day(date(2025, 8, 8)) == date(2025, 8, 11)


def test_the_next_working_day_is_strictly_after_the_day():
    assert next_working_day(date(2025, 8, 11)) == date(2025, 8, 12)


def test_a_working_day_on_or_after_a_working_day_is_the_day_itself():
    assert working_day_on_or_after(date(2025, 8, 8)) == date(2025, 8, 8)
    assert working_day_on_or_after(date(2025, 8, 9)) == date(2025, 8, 11)


def test_after_christmas_2025_the_first_working_day_is_monday_29_december():
    assert working_day_on_or_after(date(2025, 12, 25)) == date(2025, 12, 29)


def test_after_new_years_eve_with_the_policy_the_first_working_day_is_2_january():
    assert working_day_on_or_after(date(2025, 12, 31), ALL_EXTRA_DAYS) == date(2026, 1, 2)


def test_adding_working_days_skips_weekends_and_the_easter_holidays():
    assert add_working_days(date(2025, 4, 15), 6) == date(2025, 4, 28)


def test_adding_zero_working_days_gives_the_day_itself_even_on_a_sunday():
    assert add_working_days(date(2025, 8, 10), 0) == date(2025, 8, 10)


def test_adding_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 8, 10), -1)


def test_the_policy_is_frozen_and_postal_days_must_not_be_negative():
    policy = CalendarPolicy()
    assert policy.postal_delivery_working_days == 6
    assert not (
        policy.grundlovsdag_is_holiday
        or policy.christmas_eve_is_holiday
        or policy.new_years_eve_is_holiday
    )
    with pytest.raises(FrozenInstanceError):
        policy.postal_delivery_working_days = 5  # type: ignore[misc]
    with pytest.raises(ValueError):
        CalendarPolicy(postal_delivery_working_days=-1)
