"""Deploy BPMN, DMN and form files as immutable, numbered versions of process keys.

A bundle is checked as a whole before anything is stored: safe XML, the BPMN XSD,
elements we do not execute, dangling sequence flows, executability, every script,
condition, timer and DMN cell (and the helper namespaces they use), and the forms user
tasks name. Any problem refuses the whole bundle with file, line and element id.
Identical content is a no-op.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Collection, Iterator, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from . import clock
from .bundlerules import recursive_calls, unknown_operators
from .errors import DeploymentError, DeployProblem
from .events import literal_timer, schedule, start_events
from .forms import FORM_PROPERTY, FormError, check_form
from .letters import LETTER_OPERATOR, LETTER_SUFFIX, check_letter_template, template_file
from .modelparse import parse_bundle
from .models import ProcessDefinition, StartTimer
from .modeltests import process_test_problems, unit_test_problems
from .records import DeployResult
from .schemacheck import check_schema
from .scripting import ScriptError, check_expression, check_script
from .spiff import ParsedDefinition, is_bpmn_file, process_test_files
from .xmlcheck import owning_id, read_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

# Elements the engine does not execute, with the reason given to the designer.
UNSUPPORTED = {
    ".//bpmn:compensateEventDefinition": "compensation events are not supported",
    ".//*[@isForCompensation='true']": "compensation activities are not supported",
    ".//bpmn:linkEventDefinition": "link events are not supported",
    ".//bpmn:complexGateway": "complex gateways are not supported",
    ".//bpmn:adHocSubProcess": "ad-hoc subprocesses are not supported",
    ".//bpmn:dataStoreReference": "data stores are not supported",
    ".//bpmn:dataStore": "data stores are not supported",
}
FLOW_NODES = [
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
]
EXPRESSION_PROPERTIES = ("candidateGroupExpression", "dueDateExpression")
SUPPORTED_SUFFIXES = (".bpmn", ".bpmn20.xml", ".dmn", ".form", ".json", LETTER_SUFFIX)
# What `name.attribute` may reach on a process value: JSON data (`complainant.get(...)`)
# or a value a helper returned (`parse_date(day).year`). Anything else on a name that is
# not a registered helper namespace (`complaint.fee(...)`) would fail when the step runs.
VALUE_ATTRIBUTES = frozenset(
    attribute
    for kind in (dict, list, tuple, set, str, int, float, bool, date, datetime, timedelta, Decimal)
    for attribute in dir(kind)
    if not attribute.startswith("_")
)


def check_bundle(
    files: dict[str, bytes],
    helpers: Mapping[str, Any],
    services: Collection[str] | None = None,
) -> tuple[dict[str, str], dict[str, ParsedDefinition]]:
    """Check a bundle and parse it; raise DeploymentError listing every problem found.

    `helpers` are the names scripts see on the engine that will run the bundle: a script
    using a helper namespace that is not among them is refused here, not left to fail
    with a NameError deep inside a running process.

    `services` are the operators registered on the engine; service tasks calling any
    other are refused (not checked when None).
    """
    problems: list[DeployProblem] = []
    texts: dict[str, str] = {}
    bpmn_roots: dict[str, etree._Element] = {}
    test_files = process_test_files(list(files))
    for name, content in sorted(files.items()):
        if not name.endswith(SUPPORTED_SUFFIXES):
            problems.append(
                DeployProblem(
                    "unsupported file type (use .bpmn, .bpmn20.xml, .dmn, .form or .letter.html)",
                    name,
                )
            )
            continue
        try:
            texts[name] = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(DeployProblem(f"not UTF-8 text: {exc.reason}", name))
            continue
        if name in test_files:
            problems.extend(process_test_problems(name, texts[name]))
            continue
        if name.endswith((".form", ".json")):
            problems.extend(_check_form_file(name, texts[name]))
            continue
        if name.endswith(LETTER_SUFFIX):
            problems.extend(_check_letter_file(name, texts[name]))
            continue
        root, xml_problems = read_xml(name, content)
        problems.extend(xml_problems)
        if root is None:
            continue
        if is_bpmn_file(name):
            bpmn_roots[name] = root
            file_problems = _check_bpmn(name, root)
        else:
            file_problems = _check_dmn(name, root)
        problems.extend(file_problems or _unregistered_helpers(name, root, helpers))
    for name, root in bpmn_roots.items():
        problems.extend(_check_forms_named(name, root, files))
        problems.extend(_check_letters_named(name, root, files))
    problems.extend(recursive_calls(bpmn_roots))
    if services is not None:
        problems.extend(unknown_operators(bpmn_roots, services))
    if not bpmn_roots and not problems:
        problems.append(DeployProblem("the deployment contains no .bpmn file"))
    if problems:
        raise DeploymentError(problems)
    parsed = parse_bundle(texts)
    problems = [problem for key in sorted(parsed) for problem in _start_timer_problems(parsed[key])]
    if problems:
        raise DeploymentError(problems)
    return texts, parsed


def _start_timer_problems(definition: ParsedDefinition) -> list[DeployProblem]:
    """A timer start event needs a literal ISO 8601 value: no instance data exists before it."""
    problems = []
    for event in start_events(definition):
        if event.kind != "timer":
            continue
        value = literal_timer(event.expression or "")
        reason = None
        if value is None:
            reason = (
                "a timer start event needs a quoted ISO 8601 value (no process data exists "
                f"before the start), got {event.expression!r}"
            )
        else:
            try:
                schedule(event.name, value, clock.now())
            except Exception as exc:
                reason = f"timer start event value {value!r} is not valid ISO 8601 ({exc})"
        if reason:
            problems.append(DeployProblem(reason, None, None, event.element_id))
    return problems


def replace_start_timers(
    session: Session, key: str, definition_id: int, definition: ParsedDefinition
) -> None:
    """The new latest version `definition_id` of `key` takes over its timer start events:
    the older versions' schedules are dropped and the new version's first occurrences written."""
    session.execute(delete(StartTimer).where(StartTimer.process_key == key))
    now = clock.now()
    for event in start_events(definition):
        value = literal_timer(event.expression or "") if event.kind == "timer" else None
        if value is None:
            continue
        first = schedule(event.name, value, now)
        session.add(
            StartTimer(
                definition_id=definition_id,
                process_key=key,
                element_id=event.element_id,
                kind=event.name,
                expression=value,
                next_due_at=first.due,
                remaining=first.remaining,
                period_seconds=first.period_seconds,
                started=0,
                attempts=0,
            )
        )


def store(
    session: Session,
    texts: dict[str, str],
    parsed: dict[str, ParsedDefinition],
    deployed_by: str | None,
    *,
    shipped: bool = False,
) -> list[DeployResult]:
    """Store a checked bundle: a new version of each key whose own content changed.

    A key's content is its BPMN file, the BPMN files of the processes it calls and the
    forms and decision tables these name (`key_fingerprint`), so deploying one process of
    a bundle leaves the others at their version. With `shipped` the files come with the
    installation (`klageflow run`): a key is also compared with the version last deployed
    by `deployed_by`, so a version a designer deployed since stays the latest until the
    shipped files themselves change.
    """
    content_hash = bundle_hash(texts)
    results = []
    for key, definition in sorted(parsed.items()):
        latest = _latest(session, key)
        if latest is not None:
            compared: list[ProcessDefinition | None] = [latest]
            if shipped and latest.deployed_by != deployed_by:
                compared.append(_latest(session, key, deployed_by=deployed_by))
            processes = {key, *definition.subprocess_specs}
            fingerprint = key_fingerprint(texts, processes)
            if any(
                row is not None and key_fingerprint(row.files, processes) == fingerprint
                for row in compared
            ):
                results.append(DeployResult(key, latest.version, latest.id, created=False))
                continue
        version = (
            session.scalar(
                select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key)
            )
            or 0
        ) + 1
        row = ProcessDefinition(
            key=key,
            version=version,
            name=definition.spec.description or key,
            content_hash=content_hash,
            files=texts,
            deployed_by=deployed_by,
            deployed_at=clock.now(),
        )
        session.add(row)
        session.flush()
        replace_start_timers(session, key, row.id, definition)
        results.append(DeployResult(key, version, row.id, created=True))
    return results


def _latest(
    session: Session, key: str, *, deployed_by: str | None = None
) -> ProcessDefinition | None:
    """The newest version of `key` (deployed by `deployed_by`, when given)."""
    query = select(ProcessDefinition).where(ProcessDefinition.key == key)
    if deployed_by is not None:
        query = query.where(ProcessDefinition.deployed_by == deployed_by)
    return session.scalars(query.order_by(ProcessDefinition.version.desc()).limit(1)).first()


def latest_versions(session: Session) -> list[ProcessDefinition]:
    """The newest version of every process key, by key."""
    latest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    return list(
        session.scalars(
            select(ProcessDefinition)
            .join(
                latest,
                (ProcessDefinition.key == latest.c.key)
                & (ProcessDefinition.version == latest.c.version),
            )
            .order_by(ProcessDefinition.key)
        ).all()
    )


def key_fingerprint(texts: Mapping[str, str], processes: Collection[str]) -> str:
    """A hash of the files a process runs on (`processes`: it and what it calls).

    Counted: the BPMN files defining any of `processes` (the key and what it calls), and
    the forms and DMN files those BPMN files name (a form by file name, a DMN file by the
    id of a decision in it), and their process tests (`test_<model>.json`). Unrelated files
    of the bundle do not change the fingerprint.
    """
    bpmn = {
        name: text
        for name, text in texts.items()
        if is_bpmn_file(name) and any(_defines_process(text, key) for key in processes)
    }
    named = "\n".join(bpmn.values())
    used = dict(bpmn)
    for test_file, model in process_test_files(list(texts)).items():
        if model in bpmn:
            used[test_file] = texts[test_file]
    for name, text in texts.items():
        form_named = name.endswith((".form", ".json")) and f'"{name}"' in named
        decision_named = name.endswith(".dmn") and any(
            f">{decision}<" in named or f'"{decision}"' in named
            for decision in _DECISION_ID.findall(text)
        )
        if form_named or decision_named:
            used[name] = text
    return bundle_hash(used)


_DECISION_ID = re.compile(r"<(?:\w+:)?decision\b[^>]*\bid=\"([^\"]+)\"")


def _defines_process(text: str, key: str) -> bool:
    return re.search(rf"<(?:\w+:)?process\b[^>]*\bid=\"{re.escape(key)}\"", text) is not None


def helper_problems(texts: Mapping[str, str], helpers: Mapping[str, Any]) -> list[DeployProblem]:
    """The uses of unregistered helper namespaces in a deployed bundle (see check_bundle).

    For a version deployed on an engine wired differently from the one about to run it.
    """
    problems = []
    for name, text in sorted(texts.items()):
        if name.endswith((".bpmn", ".dmn")):
            root, xml_problems = read_xml(name, text.encode())
            if root is not None and not xml_problems:
                problems.extend(_unregistered_helpers(name, root, helpers))
    return problems


def bundle_hash(texts: dict[str, str]) -> str:
    """A stable hash of a bundle's file names and contents."""
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    return digest.hexdigest()


def _parses_as(kind: str, text: str) -> bool:
    try:
        TIMER_PARSERS[kind](text)
    except Exception:
        return False
    return True


def _check_form_file(name: str, text: str) -> list[DeployProblem]:
    try:
        form = json.loads(text)
    except json.JSONDecodeError as exc:
        return [DeployProblem(f"form is not valid JSON: {exc.msg}", name, exc.lineno)]
    except RecursionError:
        return [DeployProblem("form is not usable JSON: it is nested too deeply", name)]
    except ValueError:  # Python refuses to convert integers of thousands of digits
        return [DeployProblem("form is not usable JSON: a number in it is too long", name)]
    try:
        check_form(form)
    except FormError as exc:
        return [DeployProblem(f"invalid form: {exc}", name, None, exc.component_key)]
    return []


def _check_bpmn(name: str, root: etree._Element) -> list[DeployProblem]:
    problems = check_schema(name, root)
    if problems:
        return problems
    for xpath, reason in UNSUPPORTED.items():
        for element in root.xpath(xpath, namespaces=NS):
            problems.append(DeployProblem(reason, name, element.sourceline, owning_id(element)))
    problems.extend(_check_executable(name, root))
    problems.extend(_check_flows(name, root))
    problems.extend(_check_expressions(name, root))
    problems.extend(unit_test_problems(name, root))
    return problems


def _check_executable(name: str, root: etree._Element) -> list[DeployProblem]:
    problems = []
    executable = 0
    for process in root.xpath("bpmn:process", namespaces=NS):
        has_nodes = any(process.find(f"{{{BPMN_NS}}}{tag}") is not None for tag in FLOW_NODES)
        if process.get("isExecutable") == "true":
            executable += 1
        elif has_nodes:
            problems.append(
                DeployProblem(
                    'process is not executable: set isExecutable="true" to deploy it',
                    name,
                    process.sourceline,
                    process.get("id"),
                )
            )
    if executable == 0 and not problems:
        problems.append(DeployProblem("the file contains no executable process", name))
    return problems


def _check_flows(name: str, root: etree._Element) -> list[DeployProblem]:
    problems = []
    for container in root.xpath(
        ".//bpmn:process | .//bpmn:subProcess | .//bpmn:transaction", namespaces=NS
    ):
        ids = {child.get("id") for child in container if isinstance(child.tag, str)}
        for flow in container.findall(f"{{{BPMN_NS}}}sequenceFlow"):
            for end in ("sourceRef", "targetRef"):
                ref = flow.get(end)
                if ref not in ids:
                    problems.append(
                        DeployProblem(
                            f"sequence flow {end} {ref!r} names no element of this process",
                            name,
                            flow.sourceline,
                            flow.get("id"),
                        )
                    )
    return problems


def _expressions(root: etree._Element):
    """Yield (element, source, kind) for every piece of Python in a BPMN document."""
    for script in root.xpath(".//bpmn:scriptTask/bpmn:script", namespaces=NS):
        yield script, script.text or "", "script"
    for script in root.xpath(
        ".//spiffworkflow:preScript | .//spiffworkflow:postScript", namespaces=NS
    ):
        yield script, script.text or "", "script"
    for tag in ("conditionExpression", "timeDate", "timeDuration", "timeCycle"):
        for element in root.xpath(f".//bpmn:{tag}", namespaces=NS):
            yield element, element.text or "", "expression"
    for param in root.xpath(
        ".//spiffworkflow:serviceTaskOperator/spiffworkflow:parameters/*", namespaces=NS
    ):
        if param.get("value") is not None:
            yield param, param.get("value"), "expression"
    for payload in root.xpath(".//spiffworkflow:messagePayload", namespaces=NS):
        yield payload, payload.text or "", "expression"
    for prop in root.xpath(".//spiffworkflow:property", namespaces=NS):
        if prop.get("name") in EXPRESSION_PROPERTIES:
            yield prop, prop.get("value") or "", "expression"


def _check_expressions(name: str, root: etree._Element) -> list[DeployProblem]:
    problems = []
    for element, source, kind in _expressions(root):
        if not source.strip():
            if kind == "expression" and etree.QName(element).localname.startswith("time"):
                problems.append(
                    DeployProblem(
                        "timer has no expression", name, element.sourceline, owning_id(element)
                    )
                )
            continue
        what = "script" if kind == "script" else etree.QName(element).localname
        try:
            (check_script if kind == "script" else check_expression)(source)
        except ScriptError as exc:
            if what in TIMER_PARSERS and _parses_as(what, source.strip()):
                # A bare date such as 2025-08-08 is not Python (leading zeros): quote it.
                problems.append(
                    DeployProblem(
                        _quote_hint(what, source), name, element.sourceline, owning_id(element)
                    )
                )
                continue
            line = element.sourceline + (exc.line - 1 if exc.line else 0)
            problems.append(
                DeployProblem(f"{what} does not compile: {exc}", name, line, owning_id(element))
            )
            continue
        if what in TIMER_PARSERS:
            reason = _check_literal_timer(what, source)
            if reason:
                problems.append(DeployProblem(reason, name, element.sourceline, owning_id(element)))
    return problems


TIMER_PARSERS = {
    "timeDate": TimerEventDefinition.get_datetime,
    "timeDuration": TimerEventDefinition.parse_iso_duration,
    "timeCycle": TimerEventDefinition.parse_iso_recurring_interval,
}


def _check_literal_timer(kind: str, source: str) -> str | None:
    """A timer written as a string literal must parse now; variables are checked at run time."""
    try:
        value = ast.literal_eval(source.strip())
    except (ValueError, SyntaxError):
        return _quote_hint(kind, source) if _parses_as(kind, source.strip()) else None
    if not isinstance(value, str):
        return f"{kind} must be an ISO 8601 string, got {value!r}"
    try:
        TIMER_PARSERS[kind](value)
    except Exception as exc:
        return f"{kind} {value!r} is not valid ISO 8601 ({exc})"
    return None


def _quote_hint(kind: str, source: str) -> str:
    return (
        f"{kind} {source.strip()} is ISO 8601 but not a Python expression: "
        f'quote it ("{source.strip()}") or name a process variable'
    )


def _check_forms_named(
    name: str, root: etree._Element, files: dict[str, bytes]
) -> list[DeployProblem]:
    problems = []
    for prop in root.xpath(f".//spiffworkflow:property[@name='{FORM_PROPERTY}']", namespaces=NS):
        form = prop.get("value")
        if form not in files:
            problems.append(
                DeployProblem(
                    f"user task names form {form!r}, which is not deployed with it",
                    name,
                    prop.sourceline,
                    owning_id(prop),
                )
            )
    return problems


def _check_letter_file(name: str, text: str) -> list[DeployProblem]:
    failure = check_letter_template(name, text)
    if failure is None:
        return []
    message, line = failure
    return [DeployProblem(f"letter template does not compile: {message}", name, line)]


def _check_letters_named(
    name: str, root: etree._Element, files: dict[str, bytes]
) -> list[DeployProblem]:
    """`make_letter` tasks naming a letter (as a literal) need its Danish template deployed."""
    problems = []
    for param in root.xpath(
        f".//spiffworkflow:serviceTaskOperator[@id='{LETTER_OPERATOR}']"
        "/spiffworkflow:parameters/spiffworkflow:parameter[@id='template']",
        namespaces=NS,
    ):
        try:
            template = ast.literal_eval((param.get("value") or "").strip())
        except (ValueError, SyntaxError):
            continue  # an expression: checked when the letter is made
        if isinstance(template, str) and template_file(template, "da") not in files:
            task = param.xpath("ancestor::bpmn:serviceTask[1]", namespaces=NS)
            problems.append(
                DeployProblem(
                    f"service task names letter {template!r}, but "
                    f"{template_file(template, 'da')} is not deployed with it",
                    name,
                    param.sourceline,
                    task[0].get("id") if task else owning_id(param),
                )
            )
    return problems


def _check_dmn(name: str, root: etree._Element) -> list[DeployProblem]:
    namespace = etree.QName(root).namespace
    if namespace not in DMN_NAMESPACES:
        return [DeployProblem(f"not a DMN document (namespace {namespace})", name, root.sourceline)]
    ns = {"dmn": namespace}
    problems = _check_dmn_decisions(name, root, ns)
    for text, unary in _dmn_cells(root):
        problems.extend(_check_dmn_cell(name, text, text.text or "", unary=unary))
    return problems


def _check_dmn_decisions(
    name: str, root: etree._Element, ns: dict[str, str]
) -> list[DeployProblem]:
    """What SpiffWorkflow's DMN parser can read: one decision with a decision table per file."""
    where = (name, root.sourceline, root.get("id"))
    if root.nsmap.get(None) != ns["dmn"]:
        return [
            DeployProblem(
                'the DMN namespace must be the default namespace (xmlns="..."); '
                "DMN written with a prefix is not read",
                *where,
            )
        ]
    decisions = root.xpath(".//dmn:decision", namespaces=ns)
    if not decisions:
        return [
            DeployProblem(
                "the DMN file has no decision (decision services and input data alone are "
                "not executed)",
                *where,
            )
        ]
    if len(decisions) > 1:
        ids = ", ".join(str(d.get("id")) for d in decisions)
        return [DeployProblem(f"one decision per DMN file is executed; this one has {ids}", *where)]
    if decisions[0].find("dmn:decisionTable", ns) is None:
        return [
            DeployProblem(
                "the decision has no decision table (only decision tables are executed)",
                name,
                decisions[0].sourceline,
                decisions[0].get("id"),
            )
        ]
    return []


def _dmn_cells(root: etree._Element) -> Iterator[tuple[etree._Element, bool]]:
    """Yield (text element, is an input entry) for every cell of a DMN document."""
    namespace = etree.QName(root).namespace
    if namespace is None:
        return  # not a DMN document (_check_dmn refuses it): no cells
    ns = {"dmn": namespace}
    for text in root.xpath(
        ".//dmn:inputExpression/dmn:text | .//dmn:outputEntry/dmn:text", namespaces=ns
    ):
        yield text, False
    for text in root.xpath(".//dmn:inputEntry/dmn:text", namespaces=ns):
        yield text, True


def _dmn_candidates(source: str, *, unary: bool) -> list[str]:
    """The expressions a DMN cell may stand for (none for an empty or "-" cell)."""
    source = source.strip()
    if not source or (unary and source == "-"):
        return []
    if not unary:
        return [source]
    # An input entry is either a value compared with ==, an operator applied to the
    # input ("> 5", "in (...)"), or a test using ? for the input.
    replaced = source.replace("?", "dmninputexpr")
    return [replaced, f"dmninputexpr {replaced}"]


def _check_dmn_cell(name: str, element, source: str, *, unary: bool) -> list[DeployProblem]:
    candidates = _dmn_candidates(source, unary=unary)
    if not candidates:
        return []
    errors = []
    for candidate in candidates:
        try:
            check_expression(candidate)
            return []
        except ScriptError as exc:
            errors.append(str(exc))
    return [
        DeployProblem(
            f"DMN cell does not compile: {errors[0]}", name, element.sourceline, owning_id(element)
        )
    ]


def _unregistered_helpers(
    name: str, root: etree._Element, helpers: Mapping[str, Any]
) -> list[DeployProblem]:
    """Problems for `namespace.helper` uses that the engine's helpers cannot serve."""
    problems = []
    if is_bpmn_file(name):
        for element, source, kind in _expressions(root):
            for reason, line in _helper_uses(source, kind == "script", helpers):
                at = element.sourceline + (line - 1 if kind == "script" else 0)
                problems.append(DeployProblem(reason, name, at, owning_id(element)))
    else:
        for element, unary in _dmn_cells(root):
            for candidate in _dmn_candidates(element.text or "", unary=unary)[:1]:
                for reason, _line in _helper_uses(candidate, False, helpers):
                    problems.append(
                        DeployProblem(reason, name, element.sourceline, owning_id(element))
                    )
    return problems


def _helper_uses(source: str, script: bool, helpers: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(reason, line) for each `name.attribute` in `source` that no helper or value serves."""
    try:
        tree = ast.parse(source if script else source.strip(), mode="exec" if script else "eval")
    except SyntaxError:
        return []  # reported as not compiling
    nodes = list(ast.walk(tree))
    bound = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.arg for n in nodes if isinstance(n, ast.arg)}
    found = []
    for node in nodes:
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        if node.value.id not in bound:
            reason = _helper_use_problem(node.value.id, node.attr, helpers)
            if reason:
                found.append((reason, node.lineno))
    return found


def _helper_use_problem(namespace: str, attribute: str, helpers: Mapping[str, Any]) -> str | None:
    """Why `namespace.attribute` cannot work on an engine with `helpers`, or None if it can."""
    provided = helpers.get(namespace)
    if isinstance(provided, SimpleNamespace):
        if hasattr(provided, attribute):
            return None
        return f"{namespace}.{attribute}: helper namespace {namespace!r} has no {attribute!r}"
    if provided is not None or attribute in VALUE_ATTRIBUTES:
        return None
    registered = sorted(k for k, v in helpers.items() if isinstance(v, SimpleNamespace))
    return (
        f"{namespace}.{attribute}: no helper namespace {namespace!r} is registered on this "
        f"engine (registered: {', '.join(registered) or 'none'})"
    )
