"""Safe XML reading for uploaded BPMN/DMN: no DTDs, entities, inclusions or network; lines."""

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
    return root, _references_out(name, root)


_XINCLUDE = {"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"}
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_REMOTE = re.compile(r"^(//|[A-Za-z][A-Za-z0-9+.-]*:)")


def _references_out(name: str, root: etree._Element) -> list[DeployProblem]:
    """Refuse what points outside the file: XInclude, remote schema locations, stylesheets.

    Nothing here is ever followed (the parser has no network, XInclude is never processed,
    validation uses the engine's own schemas), but a model that asks for it is refused so
    what is deployed is exactly what was read.
    """
    problems = []
    for node in _all_nodes(root):
        if isinstance(node, etree._ProcessingInstruction):
            if node.target.lower() == "xml-stylesheet":
                problems.append(
                    DeployProblem(
                        "an <?xml-stylesheet?> instruction is refused (remove it; "
                        "nothing outside the file is loaded)",
                        name, node.sourceline, _id_near(node),
                    )
                )  # fmt: skip
            continue
        if not isinstance(node.tag, str):
            continue
        if etree.QName(node).namespace in _XINCLUDE:
            problems.append(
                DeployProblem(
                    f"XInclude <{etree.QName(node).localname}> is refused (include "
                    "the content in the file itself)",
                    name, node.sourceline, owning_id(node),
                )
            )  # fmt: skip
        for attribute in ("schemaLocation", "noNamespaceSchemaLocation"):
            value = node.get(f"{{{_XSI}}}{attribute}")
            if value is None:
                continue
            locations = value.split()
            if attribute == "schemaLocation":
                locations = locations[1::2] or locations
            remote = [location for location in locations if _REMOTE.match(location)]
            if remote:
                problems.append(
                    DeployProblem(
                        f"xsi:{attribute} points outside the file ({remote[0]}); remove "
                        "the attribute (models are checked against the engine's own schema)",
                        name, node.sourceline, owning_id(node),
                    )
                )  # fmt: skip
    return problems


def _all_nodes(root: etree._Element):
    """Every node of the document, including processing instructions before the root."""
    yield from reversed(list(root.itersiblings(preceding=True)))
    yield from root.iter()
    yield from root.itersiblings()


def _id_near(node) -> str | None:
    parent = node.getparent()
    if parent is not None:
        return owning_id(parent)
    root = next(node.itersiblings(), None)
    while root is not None and not isinstance(root.tag, str):
        root = next(root.itersiblings(), None)
    return root.get("id") if root is not None else None


def owning_id(element: etree._Element) -> str | None:
    """The id of `element` or of its nearest ancestor that has one."""
    fallback = None
    current: etree._Element | None = element
    while current is not None:
        if isinstance(current.tag, str) and current.get("id"):
            # Name the event or flow, not its definition or expression: that is what a
            # designer sees and clicks.
            if not _is_detail(etree.QName(current).localname):
                return current.get("id")
            fallback = fallback or current.get("id")
        current = current.getparent()
    return fallback


_DETAIL_TAGS = {"conditionExpression", "timeDate", "timeDuration", "timeCycle", "script", "text"}


def _is_detail(localname: str) -> bool:
    return localname.endswith("EventDefinition") or localname in _DETAIL_TAGS
