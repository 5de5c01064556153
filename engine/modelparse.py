"""Parsing a checked bundle with SpiffWorkflow, every exception its parsers raise made a refusal.

SpiffWorkflow's parsers raise ValidationExceptions without lines, sometimes without a
file, with Python reprs or an empty element type, and on some DMN files a raw IndexError.
Each becomes a DeployProblem naming the file it came from, the line and the element.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import TracebackType

from lxml import etree
from SpiffWorkflow.bpmn.parser.node_parser import NodeParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .errors import DeploymentError, DeployProblem
from .spiff import SAFE_XML_PARSER, ParsedDefinition, is_bpmn_file, new_parser, parse_files
from .xmlcheck import owning_id

_MISSING_PROCESS = re.compile(r"^The process '([^']*)' was not found")
_MISSING_DECISION = re.compile(r'^No DMN Diagram available with id "([^"]*)"')
_ELEMENT_REPR = re.compile(r"<Element \{[^}]*\}([\w.-]+) at 0x[0-9a-fA-F]+>")
_OBJECT_REPR = re.compile(r"<([\w.]+) object at 0x[0-9a-fA-F]+>")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_FORMAT_LEFTOVER = re.compile(r":?\s*%[rs]")


def parse_bundle(texts: dict[str, str]) -> dict[str, ParsedDefinition]:
    """Parse a bundle that passed the structural checks; raise DeploymentError on any failure.

    DMN files are parsed on their own first, so a broken decision table is blamed on its
    DMN file and not on the BPMN file whose business rule task loads it.
    """
    problems = [
        problem
        for name, text in sorted(texts.items())
        if name.endswith(".dmn")
        for problem in _dmn_problems(name, text)
    ]
    if problems:
        raise DeploymentError(problems)
    try:
        parsed = parse_files(texts)
    except Exception as exc:  # whatever a parser raises on a model is the model's problem
        raise DeploymentError(problems_from(exc, texts)) from None
    if not parsed:
        raise DeploymentError([DeployProblem("the deployment contains no executable process")])
    return parsed


def _dmn_problems(name: str, text: str) -> list[DeployProblem]:
    """Parse one DMN file as a business rule task would load it."""
    try:
        parser = new_parser(validate=False)
        parser.add_dmn_xml(etree.fromstring(text.encode(), SAFE_XML_PARSER), name)
        for dmn in parser.dmn_parsers.values():
            dmn.parse()
            if not dmn.decision.decisionTables:
                raise ValidationException(
                    f"decision {dmn.decision.id!r} has no decision table "
                    "(only decision tables are executed)",
                    node=dmn.xpath(".//dmn:decision")[0],
                    file_name=name,
                )
            DMNEngine(dmn.decision.decisionTables[0])
    except Exception as exc:  # the DMN parser raises raw IndexErrors on some DMN 1.2/1.3 files
        return problems_from(exc, {name: text}, default_file=name)
    return []


def problems_from(
    exc: BaseException, texts: dict[str, str], default_file: str | None = None
) -> list[DeployProblem]:
    """The refusal for an exception a SpiffWorkflow parser raised on `texts`."""
    message = plain_message(exc)
    missing = _MISSING_PROCESS.match(message)
    if missing:
        calls = list(_calls_to(missing.group(1), texts))
        if calls:
            reason = (
                f"call activity calls process {missing.group(1)!r}, which is not in this "
                "deployment (deploy the called process in the same bundle)"
            )
            return [DeployProblem(reason, name, line, element) for name, line, element in calls]
    decision = _MISSING_DECISION.match(message)
    if decision:
        message = (
            "business rule task names no decision (set spiffworkflow:calledDecisionId)"
            if decision.group(1) in ("", "None")
            else f"business rule task calls decision {decision.group(1)!r}, which is not in "
            "this deployment (deploy its DMN file with it)"
        )
    file, element = _origin(exc)
    element_id = (getattr(exc, "id", "") or None) if isinstance(exc, ValidationException) else None
    file = (getattr(exc, "file_name", "") or None) or file or default_file
    if element is not None and element_id is None:
        element_id = owning_id(element)
    if file is None and element_id is not None:
        file = next((n for n, t in texts.items() if f'id="{element_id}"' in t), None)
    line = getattr(exc, "line_number", None)
    if not isinstance(line, int) or not line:
        line = _line_of(texts.get(file or ""), element_id) or (
            element.sourceline if element is not None else None
        )
    tag = getattr(exc, "tag", "") or (etree.QName(element).localname if element is not None else "")
    return [DeployProblem(_name_the_type(message, tag), file, line, element_id)]


def plain_message(exc: BaseException) -> str:
    """The exception's message without reprs or addresses, with its root cause kept."""
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    cause = exc.__cause__ or exc.__context__
    if cause is not None and text in (repr(cause), f"{cause!r}"):
        # SpiffWorkflow's task parser wraps any error as ValidationException("%r" % error).
        return plain_message(cause)
    if isinstance(exc, SpiffWorkflowException):
        notes = [note for note in getattr(exc, "notes", []) if isinstance(note, str)]
        text = ". ".join([text.rstrip(". "), *notes]) if notes else text
    else:
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    text = _ELEMENT_REPR.sub(r"element \1", text)
    text = _OBJECT_REPR.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text)
    text = _ADDRESS.sub("", text)
    return _FORMAT_LEFTOVER.sub("", text).strip()


def _name_the_type(message: str, tag: str) -> str:
    """SpiffWorkflow says "... for tasks of type" and leaves the type out: name it."""
    stripped = message.rstrip(". ")
    if stripped.endswith("of type") and tag:
        return f"{stripped} {tag.rsplit(':', 1)[-1]}"
    return message


def _origin(exc: BaseException) -> tuple[str | None, etree._Element | None]:
    """The file and element the innermost parser frame was working on, where it shows."""
    file = element = None
    for error in (exc, exc.__cause__ or exc.__context__):
        for frame in reversed(list(_frames(error.__traceback__ if error else None))):
            if element is None:
                element = next(
                    (v for v in frame.f_locals.values() if isinstance(v, etree._Element)), None
                )
            owner = frame.f_locals.get("self")
            if isinstance(owner, NodeParser):
                file = file or owner.filename
                if element is None and isinstance(owner.node, etree._Element):
                    element = owner.node
    return file, element


def _frames(tb: TracebackType | None) -> Iterator:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _line_of(text: str | None, element_id: str | None) -> int | None:
    if not text or not element_id:
        return None
    match = re.search(rf'\bid="{re.escape(element_id)}"', text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _calls_to(
    process_id: str, texts: dict[str, str]
) -> Iterator[tuple[str, int | None, str | None]]:
    """(file, line, element id) of every call activity that calls `process_id`."""
    for name, text in sorted(texts.items()):
        if not is_bpmn_file(name):
            continue
        root = etree.fromstring(text.encode(), SAFE_XML_PARSER)
        for call in root.iter("{*}callActivity"):
            if call.get("calledElement") == process_id:
                yield name, call.sourceline, call.get("id")
