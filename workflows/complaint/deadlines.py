"""Deadlines of a complaint case, as timezone-aware instants in Europe/Copenhagen.

The klagefrist (complaint deadline) is 4 weeks from notification, or from the public
announcement when the decision was announced. A period ends at 23:59 Copenhagen time on
its last day, and a period that would end on a Saturday, Sunday or holiday runs to the end
of the next working day. Every function takes the dates it needs: none reads the clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from .calendar import DEFAULT_POLICY, CalendarPolicy, add_working_days, working_day_on_or_after

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

Via = Literal["digital", "post"]
VIA: tuple[str, ...] = get_args(Via)

COMPLAINT_PERIOD = timedelta(weeks=4)
FORWARDING_PERIOD = timedelta(weeks=3)
COMMENT_PERIOD = timedelta(weeks=3)
DEFAULT_PAYMENT_DAYS = 14
LAWSUIT_PERIOD = relativedelta(months=6)

# The last second of a day. The guides say "senest kl. 23.59": the whole minute 23:59
# counts, so a complaint filed at 23:59:30 is on time and one at 00:00:00 is late.
LAST_MOMENT = time(23, 59, 59)

# The days a decision may be dated. Far outside them the periods are nonsense (a decision
# of 9999-12-31 has a deadline past the last date there is, one of the year 1 an offset
# from before standard time), so they are refused, not computed.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return `value` if it carries a UTC offset; refuse a naive datetime with ValueError."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} has no UTC offset; naive datetimes are ambiguous: {value!r}")
    return value


def local_date(value: date | datetime) -> date:
    """The Copenhagen calendar day of an aware instant; a plain date is returned as is."""
    if isinstance(value, datetime):
        return require_aware(value).astimezone(COPENHAGEN).date()
    return value


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in Copenhagen: 23:59:59 local time, with the right offset.

    23:59:59 exists exactly once on every Danish day (clocks change at 02:00/03:00), so the
    offset is +02:00 in summer time and +01:00 in winter time without ambiguity.
    """
    return datetime.combine(day, LAST_MOMENT, tzinfo=COPENHAGEN)


def _period_end(last_day: date, policy: CalendarPolicy) -> datetime:
    """End of a period whose last day is `last_day`, moved off weekends and holidays."""
    return end_of_day(working_day_on_or_after(last_day, policy))


def is_supported_day(day: date | datetime) -> bool:
    """True if `day` lies from EARLIEST_DAY to LATEST_DAY, where deadlines are computed."""
    return EARLIEST_DAY <= local_date(day) <= LATEST_DAY


def notification_date(
    sent_on: date, via: Via = "digital", policy: CalendarPolicy = DEFAULT_POLICY
) -> date:
    """The day a decision counts as notified (meddelt) to its addressee.

    Digital Post: the day the decision is available. Physical post: the given number of
    working days after the date on the letter (6 by default, see `CalendarPolicy`).
    """
    if via not in VIA:
        raise ValueError(f"via must be one of {', '.join(VIA)}, got {via!r}")
    day = local_date(sent_on)
    if via == "post":
        return add_working_days(day, policy.postal_delivery_working_days, policy)
    return day


def complaint_deadline(
    sent_on: date,
    via: Via = "digital",
    published: bool = False,
    policy: CalendarPolicy = DEFAULT_POLICY,
) -> datetime:
    """The klagefrist: the last moment a complaint can be filed, in Copenhagen time.

    `sent_on` is the day of the public announcement when `published` is true (the period
    then always runs from the announcement, whatever `via` says); otherwise the day the
    decision was sent: the day it became available in Digital Post, or the date on the
    letter for physical post, from which the notification day is derived.

    The day of notification is not counted, so the period ends on the same weekday four
    weeks later at 23:59:59, or at the end of the next working day when that is a Saturday,
    Sunday or holiday. Sønderborg's Gammeldam permit, announced Friday 11 July 2025, gives
    Friday 8 August 2025 23:59:59+02:00. A day outside EARLIEST_DAY..LATEST_DAY is refused
    with ValueError.
    """
    if not is_supported_day(sent_on):
        raise ValueError(f"{sent_on} is outside {EARLIEST_DAY} to {LATEST_DAY}")
    start = local_date(sent_on) if published else notification_date(sent_on, via, policy)
    return _period_end(start + COMPLAINT_PERIOD, policy)


def expired_at(deadline: datetime) -> datetime:
    """The first instant at which `deadline` has passed: one second after its last moment.

    Use this for a timer that acts once the period is over (00:00:00 the next day), so it
    agrees with `is_filed_in_time`.
    """
    return require_aware(deadline, "deadline").replace(microsecond=0) + timedelta(seconds=1)


def is_filed_in_time(filed_at: datetime, deadline: datetime) -> bool:
    """True if a complaint filed at `filed_at` is within the deadline (both must be aware).

    A complaint counts as filed when it is available to the deciding authority in
    Klageportalen. Any moment of the deadline's last second still counts.
    """
    return require_aware(filed_at, "filed_at") < expired_at(deadline)


def forwarding_deadline(
    complaint_deadline: datetime,
    policy: CalendarPolicy = DEFAULT_POLICY,
    *,
    filed_at: datetime | None = None,
) -> datetime:
    """When the authority should have forwarded the complaint to the board: a guideline.

    "As soon as possible, as a rule within 3 weeks after the complaint deadline expires."
    The day is three weeks after the complaint deadline's day, moved off weekends and
    holidays like every other period here. A complaint filed after its deadline cannot be
    forwarded before it arrives: its three weeks count from the day it was filed.
    """
    last_day = local_date(require_aware(complaint_deadline, "complaint_deadline"))
    if filed_at is not None:
        last_day = max(last_day, local_date(require_aware(filed_at, "filed_at")))
    return _period_end(last_day + FORWARDING_PERIOD, policy)


def comment_deadline(
    received_on: date | datetime, policy: CalendarPolicy = DEFAULT_POLICY
) -> datetime:
    """The parties' deadline to comment on the authority's statement (udtalelse).

    Three weeks from receipt of the statement; the day of receipt is not counted. The rule
    on weekends and holidays is not stated for this deadline; it is moved like the
    complaint deadline, which never gives a party less time than the general rule.
    """
    return _period_end(local_date(received_on) + COMMENT_PERIOD, policy)


def payment_deadline(
    requested_at: date | datetime,
    days: int = DEFAULT_PAYMENT_DAYS,
    policy: CalendarPolicy = DEFAULT_POLICY,
) -> datetime:
    """The deadline to pay the gebyr (fee) after the board's request.

    The chair sets the deadline in the request and the number of days was NOT FOUND, so it
    is a parameter (14 days by default). The day of the request is not counted, and a
    deadline on a weekend or holiday moves to the next working day.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    return _period_end(local_date(requested_at) + timedelta(days=days), policy)


def lawsuit_deadline(decision_received_on: date | datetime) -> datetime:
    """The last moment to bring the decision before the courts (civilt søgsmål).

    Six months from receipt of the decision, or of the board's decision if it was appealed
    (planloven § 62, stk. 1; naturbeskyttelsesloven § 88, stk. 1). Month arithmetic clamps
    to the month's last day (31 August gives 28 or 29 February). Whether the period moves
    off a weekend or holiday was NOT FOUND, so it is not moved: the earlier day is the one
    that is safe to tell a citizen.
    """
    return end_of_day(local_date(decision_received_on) + LAWSUIT_PERIOD)


def to_utc_iso(value: datetime) -> str:
    """An aware instant as ISO 8601 text in UTC (`...+00:00`): the form of BPMN timer values."""
    return require_aware(value).astimezone(UTC).isoformat()


def to_local_iso(value: datetime) -> str:
    """An aware instant as ISO 8601 text in Copenhagen time (`...+02:00` in summer)."""
    return require_aware(value).astimezone(COPENHAGEN).isoformat()


def parse_instant(value: str | datetime) -> datetime:
    """Parse ISO 8601 text (or pass through a datetime) that must carry a UTC offset."""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return require_aware(instant)


def parse_day(value: str | date | datetime) -> date:
    """A calendar day from ISO text, a date, or an aware instant (its Copenhagen day)."""
    if isinstance(value, str):
        text = value.strip()
        return date.fromisoformat(text) if len(text) == 10 else local_date(parse_instant(text))
    return local_date(value)
