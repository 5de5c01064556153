"""Case references: KP-YYYY-NNNNNN, formatted, parsed and validated."""

import pytest

from workflows.complaint.references import (
    InvalidReference,
    Reference,
    format_reference,
    is_valid_reference,
    normalize_reference,
    parse_reference,
)


def test_a_reference_is_the_prefix_the_year_and_six_digits():
    assert format_reference(2025, 123) == "KP-2025-000123"
    assert format_reference(2025, 999_999) == "KP-2025-999999"


def test_a_reference_parses_into_its_year_and_sequence():
    assert parse_reference("KP-2025-000123") == Reference(year=2025, sequence=123)


def test_formatting_and_parsing_are_inverse():
    for year, sequence in [(2000, 1), (2025, 42), (2099, 999_999)]:
        reference = parse_reference(format_reference(year, sequence))
        assert (reference.year, reference.sequence) == (year, sequence)


def test_spaces_and_a_lower_case_prefix_are_tolerated_and_normalized():
    assert parse_reference("  kp-2025-000123\n") == Reference(2025, 123)
    assert normalize_reference(" kp-2025-000123 ") == "KP-2025-000123"


def test_references_sort_by_year_then_sequence():
    refs = [Reference(2026, 1), Reference(2025, 10), Reference(2025, 2)]
    assert sorted(refs) == [Reference(2025, 2), Reference(2025, 10), Reference(2026, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "KP-2025-123",
        "KP-25-000123",
        "XX-2025-000123",
        "KP-2025-0001234",
        "KP-2025-000000",
        "KP 2025 000123",
        "KP-1999-000001",
        "KP-٢٠٢٥-000123",
        "KP-2025-000123x",
    ],
)
def test_malformed_references_are_refused(text):
    with pytest.raises(InvalidReference):
        parse_reference(text)
    assert not is_valid_reference(text)


def test_an_invalid_reference_is_a_value_error():
    with pytest.raises(ValueError):
        parse_reference("nonsense")


def test_a_non_text_reference_is_refused():
    with pytest.raises(InvalidReference):
        parse_reference(2025000123)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("year", "sequence"),
    [(2025, 0), (2025, -1), (2025, 1_000_000), (1999, 1), (10_000, 1), (True, 1), (2025, 1.0)],
)
def test_out_of_range_years_and_sequences_cannot_be_formatted(year, sequence):
    with pytest.raises(InvalidReference):
        format_reference(year, sequence)
