"""Work items: READY user tasks as rows, task-list queries, claim and unclaim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.orm import Session

from .clock import clock
from .errors import Conflict, NotFound, ProcessError
from .forms import FORM_PROPERTY
from .models import WorkItem, add_audit
from .records import TaskInfo
from .spiff import TimerEventDefinition

if TYPE_CHECKING:
    from .runtime import StepContext


def task_properties(task_spec) -> dict[str, str]:
    """The spiffworkflow:properties of a task spec (form, candidate group, due date...)."""
    return dict((getattr(task_spec, "extensions", None) or {}).get("properties", {}))


def translations(task_spec, language: str) -> dict[str, str]:
    """A task's texts in another language: its properties `name_<lang>`, `documentation_<lang>`.

    A model is written in its default language (name, documentation); a variant in another
    language sits beside it as an extension property with the language as suffix.
    """
    suffix = f"_{language}"
    return {
        name.removesuffix(suffix): value
        for name, value in task_properties(task_spec).items()
        if name in (f"name{suffix}", f"documentation{suffix}") and value
    }


def work_item_for(task, ctx: StepContext) -> WorkItem:
    """Build the work-item row for a READY manual task, evaluating its group and due date."""
    spec = task.task_spec
    props = task_properties(spec)
    group = props.get("candidateGroup") or spec.lane
    if props.get("candidateGroupExpression"):
        group = str(ctx.workflow.script_engine.evaluate(task, props["candidateGroupExpression"]))
    due_at = _due_at(task, props, ctx)
    return WorkItem(
        id=str(task.id),
        instance_id=ctx.instance.id,
        process_key=ctx.instance.process_key,
        business_key=ctx.instance.business_key,
        element_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        documentation=getattr(spec, "documentation", None),
        lane=spec.lane,
        candidate_group=group,
        form_key=props.get(FORM_PROPERTY),
        due_at=due_at,
        sort_key=sort_key(due_at, ctx.now),
        state="open",
        created_at=ctx.now,
    )


def _due_at(task, props: dict[str, str], ctx: StepContext) -> datetime | None:
    """The due instant a task's properties give it; a value that does not work is the model's."""
    expression, duration = props.get("dueDateExpression"), props.get("dueIn")
    if not expression and not duration:
        return None
    value = ctx.workflow.script_engine.evaluate(task, expression) if expression else duration
    try:
        if expression:
            return TimerEventDefinition.get_datetime(value) if value else None
        parsed = TimerEventDefinition.parse_iso_duration(value)
        return ctx.now + TimerEventDefinition.get_timedelta_from_start(parsed, ctx.now)
    except (ValueError, TypeError) as exc:
        raise ProcessError.caused_by(
            task.task_spec.bpmn_id, exc, f"due date {value!r} does not work"
        ) from exc


def sort_key(due_at: datetime | None, created_at: datetime) -> str:
    """The task-list order of a work item: soonest due first, then undated ones, oldest first."""
    if due_at is not None:
        return "1" + due_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")
    return "9" + created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")


@dataclass(frozen=True)
class TaskFilter:
    """Which open tasks to list; every field narrows the list."""

    groups: tuple[str, ...] | None = None
    assignee: str | None = None
    overdue: bool | None = None
    instance_id: str | None = None
    business_key: str | None = None
    search: str | None = None
    state: str = "open"


def _matching(flt: TaskFilter, now: datetime) -> list[ColumnElement[bool]]:
    """The conditions a work item must meet to match the filter: one list for list and count."""
    conditions = [WorkItem.state == flt.state]
    if flt.groups is not None:
        conditions.append(WorkItem.candidate_group.in_(flt.groups))
    if flt.assignee is not None:
        conditions.append(WorkItem.assignee == flt.assignee)
    if flt.instance_id is not None:
        conditions.append(WorkItem.instance_id == flt.instance_id)
    if flt.business_key is not None:
        conditions.append(WorkItem.business_key == flt.business_key)
    # Every dated key ("1...") sorts before every undated one ("9..."), so "overdue" is a
    # range of the indexed sort key.
    if flt.overdue is True:
        conditions.append(WorkItem.sort_key < sort_key(now, now))
    elif flt.overdue is False:
        conditions.append(WorkItem.sort_key >= sort_key(now, now))
    if flt.search:
        pattern = f"%{flt.search.lower()}%"
        conditions.append(
            func.lower(WorkItem.name).like(pattern)
            | func.lower(WorkItem.business_key).like(pattern)
        )
    return conditions


def list_work_items(
    session: Session, flt: TaskFilter, *, limit: int = 50, offset: int = 0
) -> list[WorkItem]:
    """Tasks matching the filter, overdue and soonest due first, then oldest first."""
    query = (
        select(WorkItem)
        .where(*_matching(flt, clock.now()))
        .order_by(WorkItem.sort_key, WorkItem.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def count_work_items(session: Session, flt: TaskFilter) -> int:
    """How many tasks match the filter (for pagination): the same tasks `list_work_items` lists."""
    query = select(func.count()).select_from(WorkItem).where(*_matching(flt, clock.now()))
    return session.scalar(query) or 0


def claim(session: Session, task_id: str, actor: str) -> WorkItem:
    """Assign an open task to `actor`; a task claimed by someone else is a conflict."""
    now = clock.now()
    # An UPDATE statement's result is a CursorResult (which has rowcount); Session.execute
    # is typed for any statement.
    result = cast(
        CursorResult[Any],
        session.execute(
            update(WorkItem)
            .where(
                WorkItem.id == task_id,
                WorkItem.state == "open",
                (WorkItem.assignee.is_(None)) | (WorkItem.assignee == actor),
            )
            .values(assignee=actor, claimed_at=now)
        ),
    )
    item = session.get(WorkItem, task_id)
    if item is None:
        raise NotFound(f"task {task_id} does not exist")
    if result.rowcount == 0:
        if item.state != "open":
            raise Conflict(f"task {task_id} is {item.state}; only open tasks can be claimed")
        raise Conflict(f"task {task_id} is already claimed by {item.assignee}")
    add_audit(
        session,
        item.instance_id,
        "task_claimed",
        at=now,
        actor=actor,
        element_id=item.element_id,
        details={"task_id": task_id},
    )
    return item


def unclaim(session: Session, task_id: str, actor: str, *, force: bool = False) -> WorkItem:
    """Release a claimed task; only its assignee may, unless `force` (an administrator)."""
    item = session.get(WorkItem, task_id)
    if item is None:
        raise NotFound(f"task {task_id} does not exist")
    if item.state != "open":
        raise Conflict(f"task {task_id} is {item.state}")
    if item.assignee is None:
        return item
    if item.assignee != actor and not force:
        raise Conflict(f"task {task_id} is claimed by {item.assignee}, not by {actor}")
    item.assignee = None
    item.claimed_at = None
    add_audit(
        session,
        item.instance_id,
        "task_unclaimed",
        at=clock.now(),
        actor=actor,
        element_id=item.element_id,
        details={"task_id": task_id},
    )
    return item


def task_info(item: WorkItem, now: datetime | None = None) -> TaskInfo:
    """A work item as the public record the CLI, the API and the UI read."""
    now = now or clock.now()
    overdue = bool(item.due_at and item.due_at < now and item.state == "open")
    return TaskInfo.from_row(item, overdue=overdue)
