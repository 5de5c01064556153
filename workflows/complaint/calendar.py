"""The Danish working-day calendar that complaint deadlines are counted in.

Public holidays (helligdage) come from the `holidays` package; the days whose status is
unclear for complaint deadlines (Grundlovsdag, 24 and 31 December) are a policy choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

SATURDAY = 5

GRUNDLOVSDAG = "Grundlovsdag"
JULEAFTENSDAG = "Juleaftensdag"
NYTAARSAFTENSDAG = "Nytårsaftensdag"


@dataclass(frozen=True)
class CalendarPolicy:
    """Which extra days count as holidays, and how long a letter takes to arrive.

    The statutory public holidays are always holidays. Grundlovsdag (5 June), juleaftensdag
    (24 December) and nytårsaftensdag (31 December) extend a deadline under
    forældelsesloven § 27, a different Act; whether they do so for complaint deadlines was
    NOT FOUND, so each is off by default and can be switched on.

    `postal_delivery_working_days` is how many working days after the date on the letter a
    decision sent by physical post counts as notified (6 per the Justice Ministry guidance).
    """

    grundlovsdag_is_holiday: bool = False
    christmas_eve_is_holiday: bool = False
    new_years_eve_is_holiday: bool = False
    postal_delivery_working_days: int = 6

    def __post_init__(self) -> None:
        if self.postal_delivery_working_days < 0:
            raise ValueError("postal_delivery_working_days must not be negative")


DEFAULT_POLICY = CalendarPolicy()


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> dict[date, str]:
    """Denmark's public holidays in `year`, with Danish names (cached: they never change)."""
    return dict(holidays.country_holidays("DK", years=year, language="da"))


def public_holidays(year: int, policy: CalendarPolicy = DEFAULT_POLICY) -> dict[date, str]:
    """The holidays of `year` under `policy`, as {date: Danish name}, in date order.

    Store Bededag is not among them from 2024 on: the holiday was abolished by law.
    """
    days = dict(_statutory_holidays(year))
    if policy.grundlovsdag_is_holiday:
        days[date(year, 6, 5)] = GRUNDLOVSDAG
    if policy.christmas_eve_is_holiday:
        days[date(year, 12, 24)] = JULEAFTENSDAG
    if policy.new_years_eve_is_holiday:
        days[date(year, 12, 31)] = NYTAARSAFTENSDAG
    return dict(sorted(days.items()))


def holiday_name(day: date, policy: CalendarPolicy = DEFAULT_POLICY) -> str | None:
    """The Danish name of the holiday on `day`, or None if it is not a holiday."""
    return public_holidays(day.year, policy).get(day)


def is_working_day(day: date, policy: CalendarPolicy = DEFAULT_POLICY) -> bool:
    """True for Monday to Friday unless the day is a holiday under `policy`.

    Saturdays are not working days here: the recommended complaint guidance moves a
    deadline that ends on a Saturday to the following weekday (hverdag), and Sundays count
    as holidays.
    """
    return day.weekday() < SATURDAY and holiday_name(day, policy) is None


def next_working_day(day: date, policy: CalendarPolicy = DEFAULT_POLICY) -> date:
    """The first working day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate, policy):
        candidate += timedelta(days=1)
    return candidate


def working_day_on_or_after(day: date, policy: CalendarPolicy = DEFAULT_POLICY) -> date:
    """`day` itself if it is a working day, otherwise the next working day.

    This is the move a deadline makes when it would end on a Saturday, Sunday or holiday.
    """
    return day if is_working_day(day, policy) else next_working_day(day, policy)


def add_working_days(day: date, count: int, policy: CalendarPolicy = DEFAULT_POLICY) -> date:
    """The date `count` working days after `day`; `day` itself is not counted.

    With `count` 0 the result is `day`, whatever kind of day it is. Negative counts are
    refused: no rule counts working days backwards.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    result = day
    for _ in range(count):
        result = next_working_day(result, policy)
    return result
