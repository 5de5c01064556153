"""The test clock (only with KLAGEFLOW_TEST_CLOCK=1): read and set the engine's one clock."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from engine import clock, testclock

from . import services
from .schemas import ClockSchema

PREFIX = "/test"
blp = Blueprint("testclock", __name__, description="Test mode only: the settable clock")


@blp.route("/clock")
class Clock(MethodView):
    @blp.response(200, ClockSchema)
    def get(self):
        """The engine's current time."""
        return {"now": clock.now()}

    @blp.arguments(ClockSchema)
    @blp.response(200, ClockSchema)
    def put(self, body):
        """Move the clock to `now` for every process on this database (it runs on from there)."""
        return {"now": testclock.set_shared(services().engine.db, body["now"])}
