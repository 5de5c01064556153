"""Demo data for `klageflow run`: an authority, the two boards, users and decisions dated from today.

The decisions are the three parts of Sønderborg Kommune's Gammeldam decision (seed 001: a
retention basin at Gammeldam, Nordborg), dated relative to the engine clock's today so the
demo works whenever it is started: the landzone permit published a few days ago and the
lokalplan dispensation published today are open for complaints; the protection-line
dispensation's klagefrist passed weeks ago. Seeding is idempotent: users and organisations
are created once, the decisions once, and a database from an earlier day that has no
decision open any more gets a new landzone permit dated from today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from engine import clock
from engine.errors import NotFound
from workflows.complaint.calendar import is_working_day
from workflows.complaint.deadlines import local_date

from .accounts import Accounts
from .complaints.service import ComplaintService

DEMO_PASSWORD = "klageflow-demo"  # printed at start-up; demo databases only
AUTHORITY = "soenderborg"

ORGANISATIONS = [
    ("soenderborg", "authority", "Sønderborg Kommune", "plan@soenderborg.example", None),
    ("pkn", "board", "Planklagenævnet", "pkn@naevneneshus.example", "PKN"),
    ("mfkn", "board", "Miljø- og Fødevareklagenævnet", "mfkn@naevneneshus.example", "MFKN"),
]

USERS = [
    # username, role, organisation, e-mail, display name, complainant type
    ("klager", "complainant", None, "klager@example.dk", "Karen Klager", "private"),
    ("forening", "complainant", None, "post@forening.example", "Als Naturforening", "organisation"),
    ("ansoeger", "permit_holder", None, "ansoeger@example.dk", "Gammeldam ApS", None),
    ("kommune", "authority_caseworker", "soenderborg", "sb@soenderborg.example", "Søren Sagsbehandler", None),
    ("naevn", "board_caseworker", "pkn", "nb@naevneneshus.example", "Nanna Nævn", None),
    ("mfkn", "board_caseworker", "mfkn", "mb@naevneneshus.example", "Mads Miljø", None),
    ("designer", "designer", None, "designer@klageflow.example", "Procesdesigner", None),
    ("admin", "admin", None, "admin@klageflow.example", "Administrator", None),
    ("betaling", "payment_provider", None, None, "Testbetaling", None),
]  # fmt: skip

# The permit holder's account (`ansoeger`) follows the complaints about the permit.
PERMIT_HOLDER = {"name": "Gammeldam ApS", "email": "ansoeger@example.dk", "username": "ansoeger"}


@dataclass(frozen=True)
class DemoDecision:
    """One part of the Gammeldam decision, published `days_before` today (on a working day)."""

    title: str
    legal_basis: str
    days_before: int

    def body(self, today: date) -> dict[str, Any]:
        """The decision as `ComplaintService.register_decision` takes it."""
        return {
            "authority": AUTHORITY,
            "title": self.title,
            "legal_bases": [self.legal_basis],
            "published_at": _working_day_on_or_before(today - timedelta(days=self.days_before)),
            "permit_holder": PERMIT_HOLDER,
        }


# Registered in this order, so the landzone permit (newest) is listed first.
CLOSED_DISPENSATION = DemoDecision(
    "Dispensation fra sø- og å-beskyttelseslinjen til forsinkelsesbassin ved Gammeldam, "
    "matr.nr. 1193 Nordborg Ejerlav, Nordborg",
    "naturbeskyttelsesloven-65",
    days_before=8 * 7,  # the klagefrist (4 weeks) passed about a month ago
)
LOKALPLAN_DISPENSATION = DemoDecision(
    'Dispensation fra § 7.1 i lokalplan 166 "Grønt område ved Gammeldam i Nordborg" til '
    "forsinkelsesbassin, matr.nr. 1193 Nordborg Ejerlav, Nordborg",
    "planloven-19",
    days_before=0,
)
LANDZONE_PERMIT = DemoDecision(
    "Landzonetilladelse til forsinkelsesbassin ved Gammeldam, matr.nr. 1193 Nordborg Ejerlav, "
    "Nordborg",
    "planloven-35",
    days_before=3,
)
DECISIONS = (CLOSED_DISPENSATION, LOKALPLAN_DISPENSATION, LANDZONE_PERMIT)


@dataclass(frozen=True)
class Seeded:
    """What `seed` did: whether it created the users, which decisions it registered, and
    the decision open for complaints that a visitor starts with (None if there is none)."""

    users_created: bool
    decisions_created: list[dict[str, Any]] = field(default_factory=list)
    start_decision: dict[str, Any] | None = None


def seed(accounts: Accounts, complaints: ComplaintService, today: date | None = None) -> Seeded:
    """Create what the demo lacks: organisations, users, and decisions open for complaints.

    `today` is the engine clock's day in Copenhagen unless given.
    """
    today = today or local_date(clock.now())
    users_created = _seed_accounts(accounts)
    admin = accounts.by_username("admin")
    titles = {decision.title for decision in DECISIONS}
    existing = complaints.decisions(authority_id=AUTHORITY)
    if not any(decision["title"] in titles for decision in existing):
        wanted: tuple[DemoDecision, ...] = DECISIONS
    elif not complaints.decisions(authority_id=AUTHORITY, open_only=True):
        wanted = (LANDZONE_PERMIT,)  # a demo from an earlier day: open a new permit today
    else:
        wanted = ()
    created = [complaints.register_decision(admin, d.body(today)) for d in wanted]
    return Seeded(users_created, created, _start_decision(complaints))


def _seed_accounts(accounts: Accounts) -> bool:
    """The organisations and users; False if they exist already."""
    try:
        accounts.by_username("admin")
        return False
    except NotFound:
        pass
    for org_id, kind, name, email, code in ORGANISATIONS:
        accounts.upsert_organisation(
            org_id, kind=kind, name=name, notification_email=email, board_code=code
        )
    for username, role, organisation, email, display_name, complainant_type in USERS:
        accounts.create_user(
            username,
            role,
            password=DEMO_PASSWORD,
            organisation_id=organisation,
            email=email,
            display_name=display_name,
            complainant_type=complainant_type,
        )
    return True


def _start_decision(complaints: ComplaintService) -> dict[str, Any] | None:
    """The newest open decision, a landzone permit if there is one (suspensive by law)."""
    open_decisions = complaints.decisions(authority_id=AUTHORITY, open_only=True)
    landzone = [d for d in open_decisions if LANDZONE_PERMIT.legal_basis in d["legal_bases"]]
    return (landzone or open_decisions or [None])[0]


def _working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
