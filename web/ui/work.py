"""Caseworkers' pages: the task list, claiming, and a task with its form and case file."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from engine import InvalidData, KlageflowError, TaskFilter, TaskInfo

from .. import case_access
from ..complaints.documents import KINDS_BY_ROLE
from ..inputs import page_number
from ..redirects import safe_next
from . import CASEWORKERS, bp, case_documents, current_user, login_required, services
from .decisions import decision_register
from .feedback import flash_outcome, unreadable_fields
from .i18n import field_message, language, t
from .paging import PAGE_SIZE, offset, page_count


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
    items = engine.tasks(flt, limit=PAGE_SIZE, offset=offset(page))
    total = engine.count_tasks(flt)
    return render_template(
        "ui/tasks.html", items=items, page=page, total=total,
        pages=page_count(total), search=search or "",
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
    confirm_end = None
    if request.method == "POST":
        values, raw = _form_values(item.form)
        principal = current_user()
        ending = _ends_case(item, values)
        unreadable = unreadable_fields(tuple(raw))
        if unreadable:
            errors = unreadable  # refused beside its field; what was typed is kept
        elif item.assignee != principal.username:
            # Claiming first tells colleagues who works on the task; what was typed is kept.
            errors = {"_": [t("claim_first") if item.assignee is None else
                            t("claimed_by_other").format(user=item.assignee)]}  # fmt: skip
        elif request.form.get("action") == "back":
            pass  # the form again with what was typed, to change it
        elif ending and not request.form.get("confirm_end"):
            confirm_end = ending  # asked once more below the form; nothing is completed yet
        else:
            errors = _complete(item, values, principal)
            if "_refused" in errors:
                flash(errors["_refused"][0], "error")
                return redirect(url_for("ui.tasks"))
            if not errors:
                flash(t("completed"), "success")
                return redirect(url_for("ui.tasks"))
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
        file=case_file(case_view) if case_view else None, confirm_end=confirm_end,
    ), (422 if errors else 200)  # fmt: skip


def _ends_case(item: TaskInfo, values: dict[str, Any]) -> str | None:
    """Why completing the task with `values` ends the case (to confirm first), or None."""
    if item.process_key != "complaint":
        return None
    if item.form_key == "screening.form":
        missing = [
            component.get("label", key)
            for component in (item.form or {}).get("components", [])
            if (key := component.get("key")) in ("has_standing", "within_competence")
            and not values.get(key)
        ]
        if missing:
            return t("ends_by_rejection").format(unticked=", ".join(f"»{m}«" for m in missing))
    if item.form_key == "reconsider.form" and values.get("authority_action") == "change":
        return t("ends_by_change")
    return None


def case_file(view: dict[str, Any]) -> dict[str, Any]:
    """The caseworker's case file beyond track and trace: parties, fee, deadlines, statement."""
    engine = services().engine
    data = engine.instance_data([view["instance_id"]]).get(view["instance_id"], {})
    complainant = data.get("complainant") or {}
    parties = [{"role": "complainant", **_contact(complainant)}]
    parties += [
        {"role": "co_complainant", **_contact(c)} for c in data.get("co_complainants") or []
    ]
    parties.append({"role": "permit_holder", **_contact(data.get("permit_holder") or {})})
    parties.append({
        "role": "authority", "name": data.get("authority_name"),
        "email": data.get("authority_email"), "type": None,
    })  # fmt: skip
    deadlines = [
        ("deadline_complaint", data.get("complaint_deadline")),
        ("deadline_forwarding", data.get("forwarding_due_at")),
        ("deadline_comments", data.get("comments_due_at")),
        ("deadline_fee", data.get("fee_due_at")),
        ("deadline_lawsuit", view.get("lawsuit_deadline")),
    ]
    decision = decision_register().summary(view["decision"])
    return {
        "parties": parties,
        "fee": {
            "amount": data.get("fee_amount_dkk"),
            "higher_rate": data.get("higher_rate"),
            "year": data.get("fee_year"),
            "requested_at": data.get("fee_requested_at"),
            "due_at": data.get("fee_due_at"),
            "paid_at": data.get("fee_paid_at"),
            "refunded_at": data.get("fee_refunded_at"),
        },
        "suspensive": {
            "requested": data.get("suspensive_effect_requested"),
            "rule": _rule_words(data.get("suspensive_rule")),
        },
        "deadlines": [(key, at) for key, at in deadlines if at],
        "in_time": data.get("in_time"),
        "filed_at": data.get("filed_at"),
        "statement": data.get("statement"),
        "authority_action": data.get("authority_action"),
        "decision": decision,
    }


def _contact(party: dict[str, Any]) -> dict[str, Any]:
    return {"name": party.get("name"), "email": party.get("email"), "type": party.get("type")}


def _complete(item: TaskInfo, values: dict[str, Any], principal) -> dict[str, list[str]]:
    """Complete the task; the form's errors by field, or `_refused` when the engine refused."""
    try:
        services().engine.complete_task(
            item.id, values, actor=principal.username,
            actor_groups=principal.groups if principal.role != "admin" else None,
        )  # fmt: skip
    except InvalidData as exc:
        return {
            key: [field_message(str(message)) for message in messages]
            for key, messages in (exc.fields or {"_": [exc.message]}).items()
        }
    except KlageflowError as exc:
        return {"_refused": [exc.message]}
    return {}


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


def _rule_words(rule: str | None) -> str | None:
    """The rule that gave the suspensive effect, as the reader reads it: a provision as it
    is cited, lateness in words; the table's fallback ("no rule ...") is not shown."""
    if not rule or rule.startswith("no rule"):
        return None
    return t("rule_late_complaint") if rule == "late complaint" else rule
