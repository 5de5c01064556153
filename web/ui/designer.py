"""Process designers' pages: versions with waiting cases, the BPMN and form editors."""

from __future__ import annotations

import json

from flask import abort, flash, render_template, request
from lxml import etree
from werkzeug.exceptions import BadRequest

from engine import DeploymentError, InvalidData, KlageflowError

from ..inputs import load_json
from . import (
    bp,
    bpmn_file_of,
    current_user,
    login_required,
    services,
)
from .i18n import t


@bp.get("/processer")
@login_required("designer", "admin")
def processes():
    return render_template("ui/processes.html", definitions=services().engine.definitions())


@bp.get("/processer/<key>")
@login_required("designer", "admin")
def process(key: str):
    """A version in the viewer, with how many unfinished cases wait at each element."""
    engine = services().engine
    try:
        versions = engine.definition_versions(key)
        version = request.args.get("version", type=int) or versions[0].version
        definition = engine.definition(key, version)
    except (KlageflowError, IndexError):
        abort(404)
    bpmn_file = bpmn_file_of(definition, key)
    counts = engine.waiting_at(key, version)
    names = element_names(definition.files[bpmn_file])
    waiting = sorted(
        ((names.get(element) or element, element, count) for element, count in counts.items()),
        key=lambda row: row[0].casefold(),
    )
    return render_template(
        "ui/process.html", key=key, version=version, versions=versions,
        counts=counts, waiting=waiting, bpmn_file=bpmn_file,
        forms=sorted(name for name in definition.files if name.endswith(".form")),
    )  # fmt: skip


@bp.route("/processer/<key>/versioner/<int:version>/sager", methods=["GET", "POST"])
@login_required("designer", "admin")
def version_cases(key: str, version: int):
    """The unfinished cases of a version, and moving them to another version: a dry run
    says which can move (and why not), then they move, each in a step of its own."""
    engine = services().engine
    try:
        versions = engine.definition_versions(key)
        definition = engine.definition(key, version)
    except KlageflowError:
        abort(404)
    targets = [v.version for v in versions if v.version != version]
    outcomes, dry_run, target = None, True, (targets[0] if targets else None)
    if request.method == "POST":
        target = request.form.get("to_version", type=int)
        dry_run = request.form.get("action") != "migrate"
        if target not in targets:
            flash(t("migration_pick_version"), "error")
        else:
            outcomes = engine.migrate_instances(
                key, version, target, actor=current_user().username, dry_run=dry_run
            )
    names = element_names(definition.files[bpmn_file_of(definition, key)])
    return render_template(
        "ui/version_cases.html", key=key, version=version, targets=targets, target=target,
        target_options=[(v, str(v)) for v in targets],
        cases=engine.instances(key=key, version=version, unfinished=True, limit=500),
        outcomes=outcomes, dry_run=dry_run, names=names,
    )  # fmt: skip


@bp.get("/processer/<key>/rediger")
@login_required("designer")
def edit_process(key: str):
    """The BPMN editor on the latest version; deploying makes a new version."""
    definition = _latest(key)
    return render_template(
        "ui/editor.html", key=key, version=definition.version,
        bpmn_file=bpmn_file_of(definition, key),
    )  # fmt: skip


@bp.post("/processer/<key>/<action>")
@login_required("designer")
def deploy_process(key: str, action: str):
    """Validate or deploy the edited diagram with the rest of the latest version's files.

    Answers JSON for the editor: 200/201 with the version, or 422 with the problems, each
    pinned to its element so the editor can mark it. `test` runs the model tests without
    deploying: 200 with each test's outcome (a failing test also refuses `udrul`).
    """
    if action not in ("valider", "udrul", "test"):
        abort(404)
    definition = _latest(key)
    filename = bpmn_file_of(definition, key)
    body, refusal = _sent(filename)
    if refusal:
        return refusal
    xml = body.get("bpmn")
    if not isinstance(xml, str) or not xml.strip():
        return {"problems": [{"reason": "no BPMN XML was sent", "file": filename}]}, 400
    files = {**definition.files, filename: xml}
    try:
        if action == "valider":
            services().engine.validate(files)
            return {"valid": True}
        if action == "test":
            results = services().engine.test_model(files)
            return {"tests": [result.as_dict() for result in results]}
    except DeploymentError as exc:
        return {"problems": [p.as_dict() for p in exc.problems]}, 422
    return _deploy(key, files)


@bp.get("/processer/<key>/formularer/<filename>")
@login_required("designer")
def edit_form(key: str, filename: str):
    """The form-js editor on a form of the latest version."""
    definition = _latest_with_form(key, filename)
    return render_template(
        "ui/form_editor.html", key=key, version=definition.version, filename=filename
    )


@bp.post("/processer/<key>/formularer/<filename>")
@login_required("designer")
def deploy_form(key: str, filename: str):
    """Deploy the latest version's files with this form changed, as a new version."""
    definition = _latest_with_form(key, filename)
    body, refusal = _sent(filename)
    if refusal:
        return refusal
    schema = body.get("schema")
    if not isinstance(schema, dict):
        return {"problems": [{"reason": "no form schema was sent", "file": filename}]}, 400
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    return _deploy(key, {**definition.files, filename: text})


# Deployed files passed the deployment's XML checks (no DOCTYPE); still, expand nothing.
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def element_names(bpmn: str) -> dict[str, str]:
    """The names the designer gave the elements of a BPMN file, by element id."""
    root = etree.fromstring(bpmn.encode(), _SAFE_PARSER)
    return {
        element.get("id"): " ".join(element.get("name").split())
        for element in root.iter()
        if isinstance(element.tag, str)
        and element.get("id")
        and (element.get("name") or "").strip()
    }


def _latest(key: str):
    """The latest version of process `key`, or 404."""
    try:
        return services().engine.definition(key)
    except KlageflowError:
        abort(404)


def _latest_with_form(key: str, filename: str):
    """The latest version of process `key` if it has the form `filename`, or 404."""
    definition = _latest(key)
    if filename not in definition.files or not filename.endswith(".form"):
        abort(404)
    return definition


def _deploy(key: str, files: dict[str, str]):
    """Deploy `files` as the editor's answer: 201/200 with the version of `key`, or 422."""
    try:
        results = services().engine.deploy(files, deployed_by=current_user().username)
    except DeploymentError as exc:
        return {"problems": [p.as_dict() for p in exc.problems]}, 422
    mine = next((r for r in results if r.key == key), results[0])
    return {"key": mine.key, "version": mine.version, "created": mine.created}, (
        201 if mine.created else 200
    )


def _sent(filename: str) -> tuple[dict, tuple[dict, int] | None]:
    """The JSON object the editor sent ({} if none), or the refusal (422) naming `filename`.

    The editor lists every refusal the same way, so a body it cannot read (nested too
    deeply, a number too long) is answered like a form that fails the checks.
    """
    try:
        body = load_json(request.get_data(cache=True) or b"{}")
    except (BadRequest, InvalidData) as exc:
        reason = exc.description if isinstance(exc, BadRequest) else exc.message
        return {}, ({"problems": [{"reason": reason, "file": filename}]}, 422)
    return (body if isinstance(body, dict) else {}), None
