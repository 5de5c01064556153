"""The test payment provider of demo mode (`klageflow run` only; never in production).

Its page stands in for a real provider's payment page and says plainly that it is a
test: no money moves. Production has no such page: there the fee is confirmed only by
the provider's signed callback (see `web.payments`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from engine import KlageflowError

from ..accounts import Principal
from . import current_user, login_required, services
from .i18n import error_message, t

bp = Blueprint("testpayment", __name__)


def _payable(reference: str) -> dict[str, Any]:
    """The case of the complainant who filed it, with a fee still due (404/403 otherwise)."""
    track = services().complaints.track(current_user(), reference)  # NotFound unless visible
    if services().complaints.owner(reference) != current_user().username:
        abort(403)
    return track


@bp.get("/sager/<reference>/betal")
@login_required("complainant")
def page(reference: str):
    track = _payable(reference)
    fee = track.get("fee") or {}
    due = bool(fee.get("amount_dkk")) and not fee.get("paid_at")
    return render_template("ui/test_payment.html", case=track, fee=fee, due=due)


@bp.post("/sager/<reference>/betal")
@login_required("complainant")
def pay(reference: str):
    """Pay through the test provider (clearly labelled; no money moves)."""
    track = _payable(reference)
    amount = (track.get("fee") or {}).get("amount_dkk")
    try:
        TestPaymentProvider(services().complaints).pay(reference, amount)
    except KlageflowError as exc:
        flash(error_message(exc.message, exc.status), "error")
    else:
        flash(t("paid"), "success")
    return redirect(url_for("ui.case", reference=reference))


class TestPaymentProvider:
    """The demo's payment provider: confirms at once, charges nothing (for trying out).

    A real provider sends the complainant to its own payment page and confirms with a
    signed callback to POST /api/v1/complaints/{ref}/payments once the payment cleared.
    """

    name = "test"

    def __init__(self, service):
        self.service = service

    def pay(self, reference: str, amount_dkk: int | None) -> dict[str, Any]:
        system = Principal(0, "testbetaling", "payment_provider", None, None, None, "Test")
        return self.service.pay(
            system, reference, {"amount_dkk": amount_dkk or 0, "provider": self.name,
                                "provider_ref": None, "paid_at": None},
        )  # fmt: skip
