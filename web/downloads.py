"""The Content-Disposition header of a download (RFC 6266 with RFC 8187 `filename*`)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# What may stand in the plain `filename` fallback: letters, digits and a few marks that
# need no quoting, so no browser's reading of a quoted-string matters.
_UNSAFE_FALLBACK = re.compile(r"[^A-Za-z0-9._ ()+-]")


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''percent-encoded` for any name.

    Browsers that read `filename*` get the exact name (odwołanie.txt, an emoji); older
    ones get an ASCII approximation. Neither part can carry a quote, a semicolon or a
    line break, so a name cannot add parameters to the header.
    """
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = _UNSAFE_FALLBACK.sub("_", fallback).strip(" .") or "download"
    encoded = quote(filename, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
