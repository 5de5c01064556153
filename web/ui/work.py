"""Caseworkers' pages: the task list, claiming, and a task with its form and case file."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from engine import InvalidData, KlageflowError, TaskFilter, TaskInfo

from .. import case_access
from ..inputs import page_number
from ..redirects import safe_next
from . import (
    CASEWORKERS,
    PAGE_SIZE,
    bp,
    case_documents,
    current_user,
    flash_outcome,
    login_required,
    services,
    unreadable_fields,
)
from .i18n import field_message, language, t


@bp.get("/opgaver")
@login_required(*CASEWORKERS, "admin")
def tasks():
    principal = current_user()
    page = page_number()
    search = (request.args.get("q") or "").strip()[:200] or None
    flt = TaskFilter(
        groups=None if principal.role == "admin" else principal.groups,
        assignee=principal.username if request.args.get("mine") else None,
        overdue=True if request.args.get("overdue") else None,
        search=search,
    )
    engine = services().engine
    items = engine.tasks(flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    total = engine.count_tasks(flt)
    return render_template(
        "ui/tasks.html", items=items, page=page, total=total,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), search=search or "",
    )  # fmt: skip


def _task_for_me(task_id: str) -> TaskInfo:
    try:
        task = services().engine.task(task_id, language=language())
    except KlageflowError:
        abort(404)
    principal = current_user()
    if principal.role != "admin" and task.candidate_group not in principal.groups:
        abort(404)
    return task


def _form_values(form_definition: dict | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Submitted values typed as the form says; also the raw text to show again."""
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}
    for component in (form_definition or {}).get("components", []):
        key, kind = component.get("key"), component.get("type")
        if not key:
            continue
        text = request.form.get(key, "")
        raw[key] = text
        if kind == "checkbox":
            values[key] = key in request.form
        elif kind == "number":
            if text.strip():
                try:
                    values[key] = float(text) if "." in text else int(text)
                except ValueError:
                    values[key] = text
        elif text != "":
            values[key] = text
    return values, raw


@bp.route("/opgaver/<task_id>", methods=["GET", "POST"])
@login_required(*CASEWORKERS, "admin")
def task(task_id: str):
    item = _task_for_me(task_id)
    engine = services().engine
    errors: dict[str, list[str]] = {}
    raw: dict[str, str] = {}
    if request.method == "POST":
        values, raw = _form_values(item.form)
        principal = current_user()
        try:
            unreadable = unreadable_fields(tuple(raw))
            if unreadable:
                raise InvalidData("the form data is not valid", unreadable)
            engine.complete_task(
                task_id, values, actor=principal.username,
                actor_groups=principal.groups if principal.role != "admin" else None,
            )  # fmt: skip
        except InvalidData as exc:
            errors = {
                key: [field_message(str(message)) for message in messages]
                for key, messages in (exc.fields or {"_": [exc.message]}).items()
            }
        except KlageflowError as exc:
            flash(exc.message, "error")
            return redirect(url_for("ui.tasks"))
        else:
            flash(t("completed"), "success")
            return redirect(url_for("ui.tasks"))
    from ..complaints.documents import KINDS_BY_ROLE

    case_view = _case_for_task(item)
    if request.method == "GET":
        case_access.record(
            engine.db, current_user(), "view_task", "ui",
            instance_id=item.instance_id, reference=case_view and case_view["reference"],
        )  # fmt: skip
    documents = case_documents().list(current_user(), case_view["reference"]) if case_view else []
    return render_template(
        "ui/task.html", item=item, form=item.form, errors=errors, raw=raw,
        case=case_view, documents=documents, upload_kinds=KINDS_BY_ROLE.get(current_user().role, ()),
    ), (422 if errors else 200)  # fmt: skip


def _case_for_task(item: TaskInfo) -> dict[str, Any] | None:
    if not item.business_key or item.process_key != "complaint":
        return None
    try:
        return services().complaints.track(current_user(), item.business_key)
    except KlageflowError:
        return None


@bp.post("/opgaver/<task_id>/tag")
@login_required(*CASEWORKERS, "admin")
def claim(task_id: str):
    _task_for_me(task_id)
    flash_outcome(lambda: services().engine.claim(task_id, current_user().username), "claimed")
    return redirect(safe_next(request.form.get("next"), url_for("ui.task", task_id=task_id)))


@bp.post("/opgaver/<task_id>/frigiv")
@login_required(*CASEWORKERS, "admin")
def unclaim(task_id: str):
    _task_for_me(task_id)
    flash_outcome(
        lambda: services().engine.unclaim(
            task_id, current_user().username, force=current_user().role == "admin"
        ),
        "unclaimed",
    )
    return redirect(url_for("ui.tasks"))
