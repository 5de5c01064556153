"""The composition root: everything Klageflow wires together, visible in one place.

The CLI, the web app factory, the scheduler and the test fixtures build what they run
here: an Engine from Settings with the shipped complaint domain registered explicitly
(script helpers and mail templates), then what installed packages add through entry
points, and the web layer's services on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from engine import Engine
from engine.config import Settings
from engine.db import Database
from engine.mail import installed_template_folders
from engine.scripting import installed_helpers
from workflows.complaint import mail as complaint_mail
from workflows.complaint import scripting as complaint_scripting

from .access import InstanceRule
from .accounts import Accounts
from .complaints import access as complaint_access
from .complaints.letters import make_letter_service
from .complaints.service import ComplaintService


def build_engine(settings: Settings, *, db: Database | None = None) -> Engine:
    """The engine on the configured database (or on `db`) with every domain registered."""
    if db is None:
        db = Database(settings.database_url, pool_size=settings.db_pool_size)
    engine = Engine(db, settings)
    # The shipped complaint domain: its BPMN scripts call `complaint.fee(...)` and the
    # like, its notices are mail templates. Wired here, so a plain checkout runs it.
    engine.register_helpers("complaint", complaint_scripting.script_helpers())
    engine.add_mail_templates(complaint_mail.TEMPLATE_FOLDER)
    # Its letters are case documents (the templates are deployed with the process).
    engine.register_service("make_letter", partial(make_letter_service, engine=engine))
    # Packages installed beside Klageflow add theirs through entry points.
    for namespace, helpers in installed_helpers():
        engine.register_helpers(namespace, helpers)
    for folder in installed_template_folders():
        engine.add_mail_templates(folder)
    return engine


@dataclass(frozen=True)
class Services:
    """What request handlers reach through `web.context.services()`."""

    settings: Settings
    engine: Engine
    accounts: Accounts
    complaints: ComplaintService
    # Who may see an instance besides admins, designers and the groups of its open tasks.
    instance_rules: tuple[InstanceRule, ...] = ()


def build_services(settings: Settings, engine: Engine | None = None) -> Services:
    """The web layer's services over `engine` (built from `settings` when not given)."""
    engine = engine or build_engine(settings)
    accounts = Accounts(engine.db)
    return Services(
        settings,
        engine,
        accounts,
        ComplaintService(engine, accounts, settings.payment_days, settings.base_url),
        # Parties and organisations of a complaint may see its process instance.
        instance_rules=(complaint_access.instance_rule,),
    )
