"""Demo master data for `klageflow run`: an authority, the two boards, users and a decision.

The decision is the Gammeldam landzone permit from Sønderborg Kommune (published 11 July
2025), so a visitor can file a complaint against it at once. Seeding is idempotent: it
does nothing when the demo users exist.
"""

from __future__ import annotations

from datetime import date

from engine.errors import NotFound

from .accounts import Accounts
from .complaints.service import ComplaintService

DEMO_PASSWORD = "klageflow-demo"  # printed at start-up; demo databases only

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

GAMMELDAM = {
    "authority": "soenderborg",
    "title": "Landzonetilladelse til opførelse af enfamiliehus, Gammeldam, Sønderborg",
    "legal_bases": ["planloven-35"],
    "published_at": date(2025, 7, 11),
    "permit_holder": {"name": "Gammeldam ApS", "email": "ansoeger@example.dk"},
}


def seed(accounts: Accounts, complaints: ComplaintService) -> bool:
    """Create the demo organisations, users and decision; False if they exist already."""
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
    complaints.register_decision(accounts.by_username("admin"), GAMMELDAM)
    return True
