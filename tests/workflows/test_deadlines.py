"""Complaint deadlines and the other periods of a case, in Copenhagen time."""

from datetime import UTC, date, datetime, timedelta

import pytest

from workflows.complaint.calendar import DEFAULT_POLICY, CalendarPolicy
from workflows.complaint.deadlines import (
    COPENHAGEN,
    comment_deadline,
    complaint_deadline,
    end_of_day,
    expired_at,
    forwarding_deadline,
    is_filed_in_time,
    lawsuit_deadline,
    notification_date,
    parse_day,
    payment_deadline,
    to_local_iso,
    to_utc_iso,
)

ALL_EXTRA_DAYS = CalendarPolicy(
    grundlovsdag_is_holiday=True, christmas_eve_is_holiday=True, new_years_eve_is_holiday=True
)


def cph(year, month, day, hour=23, minute=59, second=59):
    return datetime(year, month, day, hour, minute, second, tzinfo=COPENHAGEN)


def published(day: date, policy: CalendarPolicy = DEFAULT_POLICY) -> datetime:
    return complaint_deadline(day, "digital", published=True, policy=policy)


# -- Gammeldam (seed 001) -----------------------------------------------------------------


def test_gammeldam_published_11_july_2025_has_its_deadline_on_8_august_at_2359():
    deadline = published(date(2025, 7, 11))
    assert deadline == cph(2025, 8, 8)
    assert deadline.isoformat() == "2025-08-08T23:59:59+02:00"
    assert to_utc_iso(deadline) == "2025-08-08T21:59:59+00:00"


def test_a_gammeldam_complaint_at_235930_is_on_time_and_one_at_midnight_is_late():
    deadline = published(date(2025, 7, 11))
    assert is_filed_in_time(cph(2025, 8, 8, 23, 59, 30), deadline)
    assert is_filed_in_time(cph(2025, 8, 8, 23, 59, 59) + timedelta(microseconds=999_999), deadline)
    assert not is_filed_in_time(cph(2025, 8, 9, 0, 0, 0), deadline)


def test_filing_is_compared_as_instants_whatever_the_offset():
    deadline = published(date(2025, 7, 11))
    assert is_filed_in_time(datetime(2025, 8, 8, 21, 59, 59, tzinfo=UTC), deadline)
    assert not is_filed_in_time(datetime(2025, 8, 8, 22, 0, 0, tzinfo=UTC), deadline)


def test_the_deadline_has_passed_one_second_after_its_last_moment():
    assert expired_at(published(date(2025, 7, 11))) == cph(2025, 8, 9, 0, 0, 0)


def test_a_published_decision_counts_from_the_announcement_even_if_also_posted():
    assert complaint_deadline(date(2025, 7, 11), "post", published=True) == cph(2025, 8, 8)


# -- notification -------------------------------------------------------------------------


def test_a_decision_in_digital_post_is_notified_the_day_it_is_available():
    assert notification_date(date(2025, 7, 11), "digital") == date(2025, 7, 11)
    assert complaint_deadline(date(2025, 7, 11), "digital") == cph(2025, 8, 8)


def test_a_letter_is_notified_six_working_days_after_its_date_over_a_weekend():
    assert notification_date(date(2025, 7, 11), "post") == date(2025, 7, 21)
    assert complaint_deadline(date(2025, 7, 11), "post") == cph(2025, 8, 18)


def test_a_letter_dated_before_easter_is_notified_after_the_easter_holidays():
    assert notification_date(date(2025, 4, 15), "post") == date(2025, 4, 28)


def test_a_letter_dated_before_christmas_is_notified_on_2_january():
    assert notification_date(date(2025, 12, 22), "post") == date(2026, 1, 2)


def test_a_letter_before_christmas_arrives_later_when_24_and_31_december_are_holidays():
    assert notification_date(date(2025, 12, 22), "post", ALL_EXTRA_DAYS) == date(2026, 1, 6)


def test_the_postal_delivery_time_is_configurable():
    policy = CalendarPolicy(postal_delivery_working_days=2)
    assert notification_date(date(2025, 7, 11), "post", policy) == date(2025, 7, 15)


def test_an_unknown_way_of_notification_is_refused():
    with pytest.raises(ValueError):
        notification_date(date(2025, 7, 11), "fax")  # type: ignore[arg-type]


# -- weekends -----------------------------------------------------------------------------


def test_a_deadline_ending_on_a_saturday_moves_to_monday():
    assert published(date(2025, 7, 12)) == cph(2025, 8, 11)


def test_a_deadline_ending_on_a_sunday_moves_to_monday():
    assert published(date(2025, 7, 13)) == cph(2025, 8, 11)


# -- Easter -------------------------------------------------------------------------------


def test_a_deadline_ending_on_maundy_thursday_moves_to_the_tuesday_after_easter():
    assert published(date(2025, 3, 20)) == cph(2025, 4, 22)


def test_a_deadline_ending_on_good_friday_moves_to_the_tuesday_after_easter():
    assert published(date(2025, 3, 21)) == cph(2025, 4, 22)


def test_a_deadline_ending_on_easter_monday_moves_to_tuesday():
    assert published(date(2025, 3, 24)) == cph(2025, 4, 22)


def test_a_deadline_ending_on_good_friday_2026_moves_to_tuesday_7_april_in_summer_time():
    deadline = published(date(2026, 3, 6))
    assert deadline == cph(2026, 4, 7)
    assert deadline.isoformat().endswith("+02:00")


# -- Ascension and Whitsun ----------------------------------------------------------------


def test_a_deadline_ending_on_ascension_day_moves_to_the_friday_after():
    assert published(date(2025, 5, 1)) == cph(2025, 5, 30)
    assert published(date(2026, 4, 16)) == cph(2026, 5, 15)


def test_a_deadline_ending_on_whit_sunday_moves_past_whit_monday():
    assert published(date(2025, 5, 11)) == cph(2025, 6, 10)


def test_a_deadline_ending_on_whit_monday_moves_to_tuesday():
    assert published(date(2025, 5, 12)) == cph(2025, 6, 10)
    assert published(date(2026, 4, 27)) == cph(2026, 5, 26)


def test_a_deadline_on_grundlovsdag_stays_unless_the_policy_makes_it_a_holiday():
    assert published(date(2025, 5, 8)) == cph(2025, 6, 5)
    assert published(date(2025, 5, 8), CalendarPolicy(grundlovsdag_is_holiday=True)) == cph(
        2025, 6, 6
    )


# -- Christmas and New Year ---------------------------------------------------------------


def test_a_deadline_ending_on_christmas_day_moves_to_monday_29_december():
    assert published(date(2025, 11, 27)) == cph(2025, 12, 29)


def test_a_deadline_on_christmas_eve_stays_there_by_default():
    deadline = published(date(2025, 11, 26))
    assert deadline == cph(2025, 12, 24)
    assert deadline.isoformat() == "2025-12-24T23:59:59+01:00"


def test_a_deadline_on_christmas_eve_moves_to_29_december_when_it_counts_as_a_holiday():
    policy = CalendarPolicy(christmas_eve_is_holiday=True)
    assert published(date(2025, 11, 26), policy) == cph(2025, 12, 29)


def test_a_deadline_on_new_years_eve_stays_there_by_default():
    assert published(date(2025, 12, 3)) == cph(2025, 12, 31)


def test_a_deadline_on_new_years_eve_moves_to_2_january_when_it_counts_as_a_holiday():
    policy = CalendarPolicy(new_years_eve_is_holiday=True)
    assert published(date(2025, 12, 3), policy) == cph(2026, 1, 2)


def test_a_deadline_ending_on_new_years_day_moves_to_2_january():
    assert published(date(2025, 12, 4)) == cph(2026, 1, 2)


# -- daylight saving ----------------------------------------------------------------------


def test_a_deadline_before_the_october_clock_change_is_at_utc_plus_two():
    deadline = published(date(2025, 9, 26))
    assert deadline.isoformat() == "2025-10-24T23:59:59+02:00"
    assert to_utc_iso(deadline) == "2025-10-24T21:59:59+00:00"


def test_a_deadline_on_the_last_sunday_of_october_moves_to_monday_at_utc_plus_one():
    deadline = published(date(2025, 9, 28))
    assert deadline.isoformat() == "2025-10-27T23:59:59+01:00"
    assert to_utc_iso(deadline) == "2025-10-27T22:59:59+00:00"


def test_a_deadline_just_before_the_march_clock_change_is_at_utc_plus_one():
    deadline = published(date(2025, 2, 28))
    assert deadline.isoformat() == "2025-03-28T23:59:59+01:00"
    assert to_utc_iso(deadline) == "2025-03-28T22:59:59+00:00"


def test_a_deadline_on_the_last_sunday_of_march_moves_to_monday_at_utc_plus_two():
    deadline = published(date(2025, 3, 2))
    assert deadline.isoformat() == "2025-03-31T23:59:59+02:00"
    assert to_utc_iso(deadline) == "2025-03-31T21:59:59+00:00"


def test_end_of_day_on_the_clock_change_days_has_the_offset_of_the_evening():
    assert end_of_day(date(2025, 3, 30)).utcoffset() == timedelta(hours=2)
    assert end_of_day(date(2025, 10, 26)).utcoffset() == timedelta(hours=1)


def test_a_deadline_passes_at_local_midnight_on_the_night_of_the_october_change():
    deadline = end_of_day(date(2025, 10, 25))
    assert expired_at(deadline).isoformat() == "2025-10-26T00:00:00+02:00"


# -- the other periods --------------------------------------------------------------------


def test_the_authority_should_forward_gammeldam_within_three_weeks_of_the_deadline():
    assert forwarding_deadline(cph(2025, 8, 8)) == cph(2025, 8, 29)


def test_a_forwarding_deadline_on_christmas_day_moves_to_29_december():
    assert forwarding_deadline(cph(2025, 12, 4)) == cph(2025, 12, 29)


def test_comments_on_the_statement_are_due_three_weeks_after_receipt():
    assert comment_deadline(date(2025, 9, 1)) == cph(2025, 9, 22)


def test_comments_due_on_boxing_day_move_to_the_monday_after():
    assert comment_deadline(date(2025, 12, 5)) == cph(2025, 12, 29)


def test_a_statement_received_as_an_instant_counts_from_its_copenhagen_day():
    received = datetime(2025, 8, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 September in Denmark
    assert comment_deadline(received) == cph(2025, 9, 22)


def test_the_fee_is_due_14_days_after_the_request_by_default():
    assert payment_deadline(cph(2025, 8, 20, 10, 0, 0)) == cph(2025, 9, 3)


def test_a_payment_deadline_on_a_saturday_moves_to_monday():
    assert payment_deadline(date(2025, 8, 23)) == cph(2025, 9, 8)


def test_the_payment_period_is_configurable():
    assert payment_deadline(date(2025, 8, 20), days=30) == cph(2025, 9, 19)


def test_a_fee_requested_late_in_the_utc_evening_counts_from_the_danish_day():
    requested = datetime(2025, 8, 22, 23, 30, tzinfo=UTC)  # Saturday 01:30 in Denmark
    assert payment_deadline(requested) == cph(2025, 9, 8)


def test_a_payment_period_shorter_than_a_day_is_refused():
    with pytest.raises(ValueError):
        payment_deadline(date(2025, 8, 20), days=0)


def test_a_lawsuit_must_be_brought_within_six_months_of_receiving_the_decision():
    assert lawsuit_deadline(date(2025, 8, 8)) == cph(2026, 2, 8)


def test_six_months_from_31_august_ends_on_the_last_day_of_february():
    assert lawsuit_deadline(date(2025, 8, 31)) == cph(2026, 2, 28)
    assert lawsuit_deadline(date(2023, 8, 31)) == cph(2024, 2, 29)


def test_the_lawsuit_deadline_is_not_moved_off_a_sunday():
    assert lawsuit_deadline(date(2025, 7, 11)) == cph(2026, 1, 11)


# -- instants and text --------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime(2025, 8, 8, 12, 0)
    with pytest.raises(ValueError):
        is_filed_in_time(naive, cph(2025, 8, 8))
    with pytest.raises(ValueError):
        is_filed_in_time(cph(2025, 8, 8), naive)
    with pytest.raises(ValueError):
        to_utc_iso(naive)
    with pytest.raises(ValueError):
        forwarding_deadline(naive)
    with pytest.raises(ValueError):
        payment_deadline(naive)
    with pytest.raises(ValueError):
        complaint_deadline(naive, "digital")


def test_instants_are_written_in_utc_for_timers_and_in_copenhagen_time_for_people():
    deadline = cph(2025, 8, 8)
    assert to_utc_iso(deadline) == "2025-08-08T21:59:59+00:00"
    assert to_local_iso(datetime(2025, 8, 8, 21, 59, 59, tzinfo=UTC)) == deadline.isoformat()


def test_days_are_read_from_dates_and_from_instants_in_copenhagen_time():
    assert parse_day("2025-07-11") == date(2025, 7, 11)
    assert parse_day("2025-07-10T22:30:00+00:00") == date(2025, 7, 11)
    with pytest.raises(ValueError):
        parse_day("2025-07-10T22:30:00")


def test_a_late_complaint_gives_the_authority_three_weeks_from_the_day_it_was_filed():
    # Klagefrist 8 August 2025; filed late on 1 September: three weeks from the filing day,
    # 22 September 2025 (a Monday), not 29 August, which had passed before it arrived.
    filed = datetime(2025, 9, 1, 10, 0, tzinfo=COPENHAGEN)
    assert forwarding_deadline(cph(2025, 8, 8), filed_at=filed) == cph(2025, 9, 22)
    # In time, the filing day changes nothing.
    in_time = datetime(2025, 8, 5, 10, 0, tzinfo=COPENHAGEN)
    assert forwarding_deadline(cph(2025, 8, 8), filed_at=in_time) == cph(2025, 8, 29)
