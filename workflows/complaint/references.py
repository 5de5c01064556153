"""Case references: one reference per complaint, unique across all authorities and boards.

A reference reads `KP-2025-000123`: the prefix, the year the case was created and a
sequence number within that year. The sequence comes from the database; this module only
formats, parses and validates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "KP"
FIRST_YEAR = 2000
LAST_YEAR = 9999
MAX_SEQUENCE = 999_999

_PATTERN = re.compile(r"KP-([0-9]{4})-([0-9]{6})")


class InvalidReference(ValueError):
    """Text that is not a case reference, or a year or sequence out of range."""


@dataclass(frozen=True, order=True)
class Reference:
    """A parsed case reference; `str(reference)` gives its canonical text."""

    year: int
    sequence: int

    def __post_init__(self) -> None:
        _check(self.year, self.sequence)

    def __str__(self) -> str:
        return f"{PREFIX}-{self.year:04d}-{self.sequence:06d}"


def _check(year: int, sequence: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidReference(f"year must be an integer, got {year!r}")
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise InvalidReference(f"sequence must be an integer, got {sequence!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidReference(f"year must be {FIRST_YEAR}..{LAST_YEAR}, got {year}")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise InvalidReference(f"sequence must be 1..{MAX_SEQUENCE}, got {sequence}")


def format_reference(year: int, sequence: int) -> str:
    """The reference text for case number `sequence` of `year`, e.g. `KP-2025-000123`.

    Six digits keep references the same length, so they sort in creation order within a
    year; a sequence past 999,999 is refused rather than given a seventh digit.
    """
    return str(Reference(year, sequence))


def parse_reference(text: str) -> Reference:
    """Parse a reference; surrounding spaces and a lower-case prefix are tolerated.

    Raises InvalidReference (a ValueError) for anything else, including sequence 0.
    """
    if not isinstance(text, str):
        raise InvalidReference(f"a reference is text, got {type(text).__name__}")
    match = _PATTERN.fullmatch(text.strip().upper())
    if match is None:
        raise InvalidReference(f"not a case reference (KP-YYYY-NNNNNN): {text!r}")
    return Reference(int(match.group(1)), int(match.group(2)))


def is_valid_reference(text: str) -> bool:
    """True if `text` parses as a case reference."""
    try:
        parse_reference(text)
    except InvalidReference:
        return False
    return True


def normalize_reference(text: str) -> str:
    """The canonical form of a reference typed by a person (`kp-2025-000123 ` → upper case)."""
    return str(parse_reference(text))
