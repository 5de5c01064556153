"""Messages without an instance id (a start event, or correlation by process data) and signals."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import auth
from . import services
from .operation import operation
from .schemas import (
    CorrelatedMessageSchema,
    InstanceSummarySchema,
    SignalReportSchema,
    SignalSchema,
)

PREFIX = ""
blp = Blueprint("events", __name__, description="Messages by name and correlation, signals")


@blp.route("/messages")
class Messages(MethodView):
    @operation(blp, 200, InstanceSummarySchema, "admin", arguments=CorrelatedMessageSchema)
    def post(self, body):
        """Deliver a message by name: to the one instance waiting for it with `correlation`,
        or, without correlation, to the process whose message start event catches it (a new
        instance). 404 when nothing takes it; 409 listing them when more than one would."""
        return services().engine.correlate_message(
            body["name"], body["correlation"], body["data"], actor=auth.current().username
        )


@blp.route("/signals")
class Signals(MethodView):
    @operation(blp, 200, SignalReportSchema, "admin", arguments=SignalSchema)
    def post(self, body):
        """Throw a signal to every instance waiting for it and to signal start events; each
        delivery is its own step, exactly once. Lists the deliveries."""
        return services().engine.signal(body["name"], body["data"], actor=auth.current().username)
