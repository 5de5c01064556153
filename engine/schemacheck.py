"""The BPMN XSD check, in time linear in the document however many errors it has.

lxml records the node path of every schema error, which counts same-named siblings: a
model with thousands of bad siblings would take quadratic time. A streaming validation
counts the errors first; only when they are few is the tree validated for exact lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from .errors import DeployProblem

MAX_SCHEMA_PROBLEMS = 20
# libxml2 stops reporting after this many errors in one parse.
_STREAM_ERROR_CAP = 100
_ELEMENT_IN_MESSAGE = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?")


class ElementsByLine:
    """Which element a line belongs to, indexed once per document (XSD errors carry only a line).

    Start tags come in document order with non-decreasing lines, so the element a line
    belongs to is the last element with an id that starts on or before it: a bisection.
    """

    def __init__(self, root: etree._Element):
        self._lines: list[int] = []
        self._ids: list[str] = []
        for element in root.iter():
            element_id = element.get("id")
            if isinstance(element.tag, str) and element.sourceline and element_id:
                self._lines.append(element.sourceline)
                self._ids.append(element_id)

    def element_at(self, line: int | None) -> str | None:
        """The id of the innermost element with an id that starts on or before `line`."""
        if line is None:
            return None
        index = bisect_right(self._lines, line)
        return self._ids[index - 1] if index else None


def check_schema(name: str, root: etree._Element) -> list[DeployProblem]:
    """Validate a BPMN document against the XSD; the first problems, each with line and element."""
    VALIDATOR.preprocess(root)
    streamed = _streamed_errors(root)
    if len(streamed) >= _STREAM_ERROR_CAP:
        return _located_by_name(name, root, streamed[:MAX_SCHEMA_PROBLEMS])
    schema = VALIDATOR.validator
    if schema.validate(root):
        return []
    elements = ElementsByLine(root)
    return [
        DeployProblem(
            f"BPMN schema: {error.message}", name, error.line, elements.element_at(error.line)
        )
        for error in islice(schema.error_log, MAX_SCHEMA_PROBLEMS)
    ]


def _streamed_errors(root: etree._Element) -> list[str]:
    """The schema errors of a streaming validation (no lines, at most libxml2's cap)."""
    parser = etree.XMLParser(
        schema=VALIDATOR.validator, resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        etree.fromstring(etree.tostring(root), parser)
    except etree.XMLSyntaxError:
        return [error.message for error in parser.error_log]
    return []


def _located_by_name(name: str, root: etree._Element, messages: list[str]) -> list[DeployProblem]:
    """Pin streamed errors to elements by the tag (and attribute) each message names.

    Errors arrive in document order, so each is matched with the next element of that
    name after the previous match.
    """
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    problems = []
    position = 0
    for message in messages:
        match = _ELEMENT_IN_MESSAGE.match(message)
        found = None
        if match:
            tag, attribute = match.groups()
            found = _next_element(elements, position, tag, attribute)
            if found is None:
                found = _next_element(elements, 0, tag, attribute)
        if found is None:
            problems.append(DeployProblem(f"BPMN schema: {message}", name))
            continue
        position = found + 1
        element = elements[found]
        problems.append(
            DeployProblem(
                f"BPMN schema: {message}", name, element.sourceline, _own_or_parent_id(element)
            )
        )
    return problems


def _next_element(elements, start: int, tag: str, attribute: str | None) -> int | None:
    for index in range(start, len(elements)):
        element = elements[index]
        if element.tag == tag and (attribute is None or attribute in element.attrib):
            return index
    return None


def _own_or_parent_id(element: etree._Element) -> str | None:
    current: etree._Element | None = element
    while current is not None:
        if current.get("id"):
            return current.get("id")
        current = current.getparent()
    return None
