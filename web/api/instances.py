"""Process instances: start, show (status, elements, data, incidents, history), messages."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from engine import NotFound

from .. import auth, case_access
from ..access import can_view_instance
from . import services
from .operation import operation
from .schemas import (
    IncidentSchema,
    InstanceSchema,
    InstanceSummarySchema,
    MessageSchema,
    StartInstanceSchema,
)

PREFIX = "/instances"
blp = Blueprint("instances", __name__, description="Running and finished process instances")


def visible_instance(instance_id: str) -> None:
    """404 unless the caller may see the instance (existence must not leak)."""
    if not can_view_instance(services(), auth.current(), instance_id):
        raise NotFound(f"process instance {instance_id} does not exist")


@blp.route("")
class Instances(MethodView):
    @operation(blp, 201, InstanceSummarySchema, "designer", "admin", arguments=StartInstanceSchema)
    def post(self, body):
        """Start an instance of a deployed process (complaints start through /complaints)."""
        return services().engine.start_summary(
            body["key"],
            body["data"],
            business_key=body["business_key"],
            actor=auth.current().username,
            version=body["version"],
        )


@blp.route("/<instance_id>")
class Instance(MethodView):
    @operation(blp, 200, InstanceSchema)
    def get(self, instance_id):
        """Status, active and completed elements, data, open tasks, incidents and history.

        Staff get all of it (and the access is logged). A party to the case gets only where
        it stands and the case's public view in `case` (what the case page shows).
        """
        visible_instance(instance_id)
        principal = auth.current()
        view = services().engine.show(instance_id)
        if case_access.is_staff(principal):
            case_access.record(
                services().engine.db, principal, "view_instance", "api", instance_id=instance_id
            )
            return view
        track = None
        if view.business_key and view.process_key == "complaint":
            track = services().complaints.track(principal, view.business_key)
        return case_access.public_instance(view, track)


@blp.route("/<instance_id>/messages")
class InstanceMessages(MethodView):
    @operation(blp, 200, InstanceSummarySchema, "admin", arguments=MessageSchema)
    def post(self, body, instance_id):
        """Deliver a message to an instance that waits for it (409 if it does not)."""
        return services().engine.send_message(
            instance_id, body["name"], body["data"], actor=auth.current().username
        )


@blp.route("/incidents")
class Incidents(MethodView):
    @operation(blp, 200, IncidentSchema(many=True), "admin")
    def get(self):
        """Open incidents, newest first."""
        return services().engine.incidents()


@blp.route("/incidents/<int:incident_id>/retry")
class IncidentRetry(MethodView):
    @operation(blp, 200, InstanceSummarySchema, "admin")
    def post(self, incident_id):
        """Retry the step an incident recorded."""
        return services().engine.retry_incident(incident_id, actor=auth.current().username)
