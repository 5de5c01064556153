"""Where a `next` parameter may send the browser: only to a path on this site.

Browsers read a Location header leniently: they drop tabs and line breaks, treat a
backslash as a slash and `//host` as another site. A target with a control character
(a newline, a tab) is refused outright rather than cleaned into some other path; its
decoded forms are looked at the way a browser will, and anything that could leave the
site falls back to a page of ours.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# Characters browsers remove anywhere in a URL before parsing it (WHATWG URL: tab, newline).
_STRIPPED = re.compile(r"[\t\n\r]")
_MAX_LENGTH = 2000


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, `fallback` otherwise."""
    if not target or len(target) > _MAX_LENGTH or not _is_local_path(target):
        return fallback
    # A path that only decodes to another site (`/%2F%2Fevil`, `/%5Cevil`) could turn into
    # one after a second decoding somewhere on the way; refuse it too.
    decoded = target
    for _ in range(3):
        decoded = unquote(decoded)
        if not _is_local_path(_STRIPPED.sub("", decoded)):
            return fallback
    return target


def _is_local_path(url: str) -> bool:
    """A single leading slash, no scheme, no host, no backslash anywhere."""
    if "\\" in url or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return False
    if not url.startswith("/") or url.startswith("//"):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc
