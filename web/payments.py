"""Payment providers confirm fees by signed, timestamped, idempotent callbacks.

A provider is a user with the role `payment_provider`. It confirms a fee with
`POST /api/v1/complaints/{reference}/payments`, its bearer token and three headers:

- `Idempotency-Key`: one value per payment. A repeat with the same key and the same body
  is answered with the case as it stands (nothing is paid twice); the same key with
  another body or case is refused.
- `X-Klageflow-Timestamp`: the Unix time (seconds) at which the provider signed; it must
  be within five minutes of ours.
- `X-Klageflow-Signature`: `sha256=` and the hex HMAC-SHA256, keyed with the provider's
  secret (KLAGEFLOW_PAYMENT_SECRETS), of the timestamp, a `.` and the raw request body.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine import Conflict, InvalidData, PermissionDenied, clock
from engine.config import Settings

from .accounts import NotAuthenticated, Principal
from .complaints.models import PaymentConfirmation

SIGNATURE_HEADER = "X-Klageflow-Signature"
TIMESTAMP_HEADER = "X-Klageflow-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WINDOW_SECONDS = 300
MIN_SECRET_BYTES = 32
_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no spaces


def callback_secrets(settings: Settings) -> dict[str, str]:
    """The providers' secrets by username, from "username=secret" pairs (ValueError if bad)."""
    secrets: dict[str, str] = {}
    for item in re.split(r"[,\s]+", settings.payment_secrets.strip()):
        if not item:
            continue
        name, separator, secret = item.partition("=")
        if not separator or not name or not secret:
            raise ValueError(
                "KLAGEFLOW_PAYMENT_SECRETS must be provider=secret pairs separated by commas"
            )
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"KLAGEFLOW_PAYMENT_SECRETS: the secret of {name} is shorter than "
                f"{MIN_SECRET_BYTES} bytes"
            )
        secrets[name] = secret
    return secrets


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for `body` signed at `timestamp` (what a provider sends)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    settings: Settings,
    provider: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
) -> None:
    """Refuse a callback that is not signed by `provider`'s secret within the time window."""
    secret = callback_secrets(settings).get(provider)
    if secret is None:
        raise PermissionDenied(f"no callback secret is configured for payment provider {provider}")
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    if not timestamp.isdigit():
        raise NotAuthenticated(f"{TIMESTAMP_HEADER} is missing or not a Unix time in seconds")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > WINDOW_SECONDS:
        raise NotAuthenticated(
            f"{TIMESTAMP_HEADER} is more than {WINDOW_SECONDS // 60} minutes from our clock"
        )
    sent = headers.get(SIGNATURE_HEADER, "")
    if not hmac.compare_digest(sent.encode(), sign(secret, timestamp, body).encode()):
        raise NotAuthenticated(f"{SIGNATURE_HEADER} does not match the body")


def idempotency_key(headers: Mapping[str, str]) -> str:
    """The callback's idempotency key (422 if missing or malformed)."""
    key = headers.get(IDEMPOTENCY_HEADER, "")
    if not _KEY.fullmatch(key):
        raise InvalidData(
            f"{IDEMPOTENCY_HEADER} is required",
            {IDEMPOTENCY_HEADER: ["1 to 200 printable ASCII characters, one value per payment"]},
        )
    return key


def confirm(
    complaints,
    principal: Principal,
    reference: str,
    payment: dict[str, Any],
    *,
    key: str,
    body: bytes,
) -> tuple[dict[str, Any], bool]:
    """Deliver a verified payment once per key: (the case's track view, whether a repeat)."""
    digest = hashlib.sha256(body).hexdigest()
    existing = _recorded(complaints.db, principal.username, key)
    if existing is not None:
        return _repeat(complaints, existing, reference, digest), True

    def record(session, instance_id: str) -> None:
        session.add(
            PaymentConfirmation(
                provider=principal.username,
                idempotency_key=key,
                request_sha256=digest,
                reference=reference,
                amount_dkk=payment["amount_dkk"],
                provider_ref=payment.get("provider_ref"),
                received_at=clock.now(),
            )
        )

    try:
        view = complaints.pay(
            principal,
            reference,
            {**payment, "provider": principal.username},
            in_transaction=record,
        )
    except (Conflict, IntegrityError):
        # The same payment may have been delivered meanwhile by a concurrent repeat.
        existing = _recorded(complaints.db, principal.username, key)
        if existing is None:
            raise
        return _repeat(complaints, existing, reference, digest), True
    return view, False


def _recorded(db, provider: str, key: str) -> dict[str, str] | None:
    with db.read() as session:
        row = session.scalar(
            select(PaymentConfirmation).where(
                PaymentConfirmation.provider == provider,
                PaymentConfirmation.idempotency_key == key,
            )
        )
        return None if row is None else {"reference": row.reference, "sha256": row.request_sha256}


def _repeat(complaints, existing: dict[str, str], reference: str, digest: str) -> dict[str, Any]:
    if existing["reference"] != reference or existing["sha256"] != digest:
        raise InvalidData(
            f"this {IDEMPOTENCY_HEADER} was used for another payment",
            {IDEMPOTENCY_HEADER: ["use a new key for a new payment"]},
        )
    return complaints.track_as_system(reference)
