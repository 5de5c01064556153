"""Safe XML reading for uploaded BPMN/DMN: no DTDs, no entities, no network, errors with lines."""

from __future__ import annotations

import re

from lxml import etree

from .errors import DeployProblem
from .spiff import SAFE_XML_PARSER

_DTD_PATTERN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_FILE_BYTES = 5 * 1024 * 1024


def read_xml(name: str, content: bytes) -> tuple[etree._Element | None, list[DeployProblem]]:
    """Parse `content` safely; refuse DOCTYPE/ENTITY declarations before any parser sees them."""
    if len(content) > MAX_FILE_BYTES:
        return None, [DeployProblem(f"file is larger than {MAX_FILE_BYTES // 1024} KiB", name)]
    match = _DTD_PATTERN.search(content)
    if match:
        line = content[: match.start()].count(b"\n") + 1
        return None, [
            DeployProblem(
                "XML with a DOCTYPE or entity declarations is refused (no entity is expanded)",
                name,
                line,
            )
        ]
    try:
        root = etree.fromstring(content, SAFE_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        return None, [DeployProblem(f"malformed XML: {exc.msg}", name, exc.lineno)]
    return root, []


def owning_id(element: etree._Element) -> str | None:
    """The id of `element` or of its nearest ancestor that has one."""
    fallback = None
    while element is not None:
        if isinstance(element.tag, str) and element.get("id"):
            # Name the event or flow, not its definition or expression: that is what a
            # designer sees and clicks.
            if not _is_detail(etree.QName(element).localname):
                return element.get("id")
            fallback = fallback or element.get("id")
        element = element.getparent()
    return fallback


_DETAIL_TAGS = {"conditionExpression", "timeDate", "timeDuration", "timeCycle", "script", "text"}


def _is_detail(localname: str) -> bool:
    return localname.endswith("EventDefinition") or localname in _DETAIL_TAGS
