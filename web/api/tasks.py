"""Work items: the task list, claim, unclaim, complete."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from engine import NotFound, PermissionDenied, TaskFilter, TaskInfo

from .. import auth
from . import services
from .operation import operation
from .schemas import (
    CompleteTaskSchema,
    InstanceSummarySchema,
    TaskPageSchema,
    TaskQuerySchema,
    TaskSchema,
)

PREFIX = "/tasks"
blp = Blueprint("tasks", __name__, description="User tasks waiting for caseworkers")
WORKERS = ("authority_caseworker", "board_caseworker", "complainant", "permit_holder", "admin")


def _groups_filter(group: str | None) -> tuple[str, ...] | None:
    principal = auth.current()
    if principal.role == "admin":
        return (group,) if group else None
    if group and group not in principal.groups:
        raise PermissionDenied(f"you are not in group {group!r}")
    return (group,) if group else principal.groups


def _task_for_caller(task_id: str) -> TaskInfo:
    task = services().engine.task(task_id)
    principal = auth.current()
    if principal.role != "admin" and task.candidate_group not in principal.groups:
        raise NotFound(f"task {task_id} does not exist")
    return task


@blp.route("")
class Tasks(MethodView):
    @operation(blp, 200, TaskPageSchema, *WORKERS, arguments=TaskQuerySchema, location="query")
    def get(self, query):
        """Open tasks of my groups (or one of them), overdue and soonest due first; paginated."""
        flt = TaskFilter(
            groups=_groups_filter(query["group"]),
            assignee=query["assignee"],
            overdue=query["overdue"],
            search=query["search"],
        )
        size, page = query["page_size"], query["page"]
        items = services().engine.tasks(flt, limit=size, offset=(page - 1) * size)
        return {
            "items": items,
            "page": page,
            "page_size": size,
            "total": services().engine.count_tasks(flt),
        }


@blp.route("/<task_id>")
class Task(MethodView):
    @operation(blp, 200, TaskSchema, *WORKERS)
    def get(self, task_id):
        """One task, with the form definition it names."""
        return _task_for_caller(task_id)


@blp.route("/<task_id>/claim")
class Claim(MethodView):
    @operation(blp, 200, TaskSchema, *WORKERS)
    def post(self, task_id):
        """Take the task (409 if someone else has it)."""
        _task_for_caller(task_id)
        principal = auth.current()
        return services().engine.claim(
            task_id,
            principal.username,
            actor_groups=None if principal.role == "admin" else principal.groups,
        )


@blp.route("/<task_id>/unclaim")
class Unclaim(MethodView):
    @operation(blp, 200, TaskSchema, *WORKERS)
    def post(self, task_id):
        """Give the task back (administrators may release anyone's)."""
        _task_for_caller(task_id)
        principal = auth.current()
        return services().engine.unclaim(
            task_id, principal.username, force=principal.role == "admin"
        )


@blp.route("/<task_id>/complete")
class Complete(MethodView):
    @operation(blp, 200, InstanceSummarySchema, *WORKERS, arguments=CompleteTaskSchema)
    def post(self, body, task_id):
        """Complete the task with its form data (422 with field errors; 409 if already done)."""
        _task_for_caller(task_id)
        principal = auth.current()
        return services().engine.complete_task(
            task_id, body["data"], actor=principal.username, actor_groups=principal.groups
        )
