"""Lists shown a page at a time: the page size and the arithmetic every list page shares."""

from __future__ import annotations

import math

PAGE_SIZE = 25


def page_count(total: int) -> int:
    """How many pages of PAGE_SIZE rows `total` rows fill (one, when there are none)."""
    return max(math.ceil(total / PAGE_SIZE), 1)


def offset(page: int) -> int:
    """The rows before page `page` (1-based)."""
    return (page - 1) * PAGE_SIZE
