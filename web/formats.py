"""Dates, times and amounts as the reader's language writes them, through Babel's CLDR data.

Danish: `8. august 2025`, `08.08.2025` in dense tables, `8. august 2025 kl. 23.59`,
`1.800 kr.`; English (British usage): `8 August 2025`, `08/08/2025`, `8 August 2025 at
23:59`, `DKK 1,800`. Instants are shown in the configured zone (KLAGEFLOW_TIMEZONE).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask import has_app_context

from .context import services

LOCALES = {"da": "da_DK", "en": "en_GB"}


DEFAULT_ZONE = ZoneInfo("Europe/Copenhagen")


def _zone() -> ZoneInfo:
    """The configured zone (KLAGEFLOW_TIMEZONE) inside the app; Copenhagen outside it."""
    if has_app_context():
        return services().settings.zone
    return DEFAULT_ZONE


def _instant(value: str | datetime) -> datetime:
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return instant.astimezone(_zone())


def _day(value: str | date | datetime) -> date:
    if isinstance(value, datetime):
        return _instant(value).date()
    if isinstance(value, date):
        return value
    if "T" in value:
        return _instant(value).date()
    return date.fromisoformat(value)


def long_date(value: str | date | datetime | None, lang: str) -> str:
    """`8. august 2025` / `8 August 2025` (an instant counts on its local day)."""
    return format_date(_day(value), "long", locale=LOCALES[lang]) if value else ""


def short_date(value: str | date | datetime | None, lang: str) -> str:
    """`08.08.2025` / `08/08/2025`, for dense tables."""
    return format_date(_day(value), "short", locale=LOCALES[lang]) if value else ""


def clock(value: str | datetime | None, lang: str) -> str:
    """`kl. 23.59` / `23:59` in local time."""
    if not value:
        return ""
    text = format_time(_instant(value), "short", locale=LOCALES[lang])
    return f"kl. {text}" if lang == "da" else text


def date_time(value: str | datetime | None, lang: str, dense: bool = False) -> str:
    """`8. august 2025 kl. 23.59` / `8 August 2025 at 23:59` (short date when dense)."""
    if not value:
        return ""
    day = (short_date if dense else long_date)(value, lang)
    return f"{day} {clock(value, lang)}" if lang == "da" else f"{day} at {clock(value, lang)}"


def amount(value: int | float | Decimal | None, lang: str) -> str:
    """`1.800 kr.` / `DKK 1,800` (øre shown only when there are any)."""
    if value is None:
        return ""
    number = Decimal(str(value))
    pattern = "#,##0" if number == number.to_integral_value() else "#,##0.00"
    text = format_decimal(number, pattern, locale=LOCALES[lang])
    return f"{text} kr." if lang == "da" else f"DKK {text}"


def file_size(size: int, lang: str) -> str:
    """`12,3 kB` / `12.3 kB`; bytes below 1 kB, megabytes from 1,000 kB."""
    if size < 1024:
        return f"{size} byte" if lang == "da" else f"{size} bytes"
    kilobytes = Decimal(size) / 1024
    if kilobytes >= 1000:
        return f"{format_decimal(kilobytes / 1024, '#,##0.0', locale=LOCALES[lang])} MB"
    return f"{format_decimal(kilobytes, '#,##0.0', locale=LOCALES[lang])} kB"
