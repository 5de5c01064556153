"""The engine's public face: deploy, start, complete, message, show, list, claim, retry."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from . import clock
from . import deploy as _deploy
from . import migration as _migration
from .attempts import not_leased
from .config import Settings, load_settings
from .db import MAX_ID, Database, get_by_id
from .documents import DocumentStore
from .errors import (
    Conflict,
    DeploymentError,
    DeployProblem,
    HelpersNotRegistered,
    IncidentRaised,
    InvalidData,
    NotFound,
    PermissionDenied,
    TaskNotReady,
)
from .forms import json_object, localized_form, validate_submission
from .letters import Letterhead, LetterRenderer
from .mail import MailTemplates
from .models import (
    AuditEvent,
    Incident,
    InstanceMigration,
    ProcessDefinition,
    ProcessInstance,
    StartTimer,
    WorkItem,
)
from .modeltests import failure_problems, run_model_tests
from .outbox import Outbox, send_mail_service
from .records import (
    Definition,
    DefinitionInfo,
    DeployResult,
    HistoryEntry,
    IncidentInfo,
    InstanceListItem,
    InstanceSummary,
    InstanceView,
    MigrationOutcome,
    MigrationRecord,
    ModelTestResult,
    TaskInfo,
)
from .runtime import Runtime, ServiceHandler, StepContext, StepResult, workflow_elements
from .scripting import engine_helpers, register_helpers
from .spiff import SpecCache, load_state, to_plain
from .triggers import EventTriggers
from .worklist import (
    TaskFilter,
    claim,
    count_work_items,
    list_work_items,
    task_info,
    translations,
    unclaim,
)


class Engine(EventTriggers):
    """The BPMN runtime over one database. Thread-safe; one per process is enough.

    Timer, message and signal start events, messages by correlation and signals come from
    `EventTriggers` (engine/triggers.py).
    """

    def __init__(self, db: Database, settings: Settings | None = None):
        self.db = db
        self.settings = settings or load_settings()
        self.runtime = Runtime(
            db,
            engine_helpers(self.settings.zone),
            SpecCache(),
            step_seconds=self.settings.step_seconds,
            step_attempts=self.settings.step_attempts,
        )
        self.mail_templates = MailTemplates(self.settings.zone)
        # Case documents, letters and mail attachments, kept by SHA-256 outside the web root.
        self.documents = DocumentStore(self.settings.data_dir / "documents")
        self.letters = LetterRenderer(self.settings.zone, _letterhead(self.settings))
        self.outbox = Outbox(db, self.settings, self.documents)
        # Helper problems of deployed versions by content hash (see `_require_helpers`).
        self._helper_problems: dict[str, list[DeployProblem]] = {}
        self.register_service(
            "send_mail", partial(send_mail_service, templates=self.mail_templates)
        )

    # -- services -----------------------------------------------------------------------------

    def register_service(self, name: str, handler: ServiceHandler) -> None:
        """Make `name` callable from BPMN service tasks (spiffworkflow:serviceTaskOperator)."""
        self.runtime.services[name] = handler

    def register_helpers(self, namespace: str, helpers: Mapping[str, object]) -> None:
        """Let scripts call `helpers` as `namespace.name(...)` (e.g. `complaint.fee(...)`).

        Register before deploying or starting processes that use them: deploy refuses a
        bundle using a namespace this engine has not registered.
        """
        register_helpers(self.runtime.helpers, namespace, helpers)
        self._helper_problems.clear()

    def add_mail_templates(self, folder: str | Path) -> None:
        """Look `send_mail` templates up in `folder` too (before the engine's own)."""
        self.mail_templates.add_folder(folder)

    def queue_mail(
        self,
        session,
        recipients: list[str],
        template: str,
        context: dict[str, Any],
        *,
        language: str = "da",
        instance_id: str | None = None,
    ) -> str | None:
        """Render `template` into the outbox in the caller's transaction `session`.

        For mails a domain action sends outside a process step (an invitation, a receipt
        written with the start of a case). Addresses without `@` are dropped; with none
        left nothing is queued and None is returned, else the mail's Message-ID. The mail
        goes out after the transaction commits, like a step's.
        """
        addresses = [r for r in recipients if isinstance(r, str) and "@" in r]
        if not addresses:
            return None
        mail = self.mail_templates.outbox_mail(addresses, template, language, context)
        mail.instance_id = instance_id
        session.add(mail)
        return mail.message_id

    # -- definitions ----------------------------------------------------------------------------

    def deploy(
        self,
        files: dict[str, bytes | str],
        *,
        deployed_by: str | None = None,
        shipped: bool = False,
    ) -> list[DeployResult]:
        """Deploy a bundle of BPMN/DMN/form files: a new version of each changed process.

        A process whose own files are unchanged keeps its version (a no-op). `shipped`
        files come with the installation and are compared with the version `deployed_by`
        deployed last, so they never replace a version deployed since by someone else
        unless they changed themselves. Raises DeploymentError with every problem found;
        nothing is stored then. A bundle whose model tests fail (`test_model`) is refused
        with one problem per failing test, naming it and the differences.
        """
        raw = _raw_files(files)
        texts, parsed = _deploy.check_bundle(raw, self.runtime.helpers, self.runtime.services)
        failing = failure_problems(self._run_model_tests(texts, parsed))
        if failing:
            raise DeploymentError(failing)
        with self.db.write() as session:
            results = _deploy.store(session, texts, parsed, deployed_by, shipped=shipped)
        content_hash = _deploy.bundle_hash(texts)
        for key, definition in parsed.items():
            self.runtime.specs.put(content_hash, key, definition)
        return results

    def validate(self, files: dict[str, bytes | str]) -> list[str]:
        """Check a bundle as deploy would, without storing it; return the process keys.

        Raises DeploymentError with every problem found.
        """
        raw = _raw_files(files)
        _texts, parsed = _deploy.check_bundle(raw, self.runtime.helpers, self.runtime.services)
        return sorted(parsed)

    def test_model(
        self, files: dict[str, bytes | str], *, only: Collection[str] | None = None
    ) -> list[ModelTestResult]:
        """Run the model tests of a bundle (of the BPMN files `only`, if given) as deploy does.

        Script unit tests (`spiffworkflow:unitTests`) and process tests (`test_<model>.json`,
        see `engine.modeltests`) run in the sandbox scripts run in at run time, each under
        the step budget; nothing is stored. Raises DeploymentError if the bundle would be
        refused for anything else.
        """
        raw = _raw_files(files)
        texts, parsed = _deploy.check_bundle(raw, self.runtime.helpers, self.runtime.services)
        chosen = None if only is None else {Path(name).name for name in only}
        return self._run_model_tests(texts, parsed, chosen)

    def _run_model_tests(
        self,
        texts: dict[str, str],
        parsed: dict[str, Any],
        only: Collection[str] | None = None,
    ) -> list[ModelTestResult]:
        return run_model_tests(
            texts, parsed, self.runtime.helpers, step_seconds=self.settings.step_seconds, files=only
        )

    def deploy_paths(
        self, paths: Iterable[str | Path], *, deployed_by: str | None = None, shipped: bool = False
    ) -> list[DeployResult]:
        """Deploy files from disk (see `deploy`)."""
        return self.deploy(
            {str(p): Path(p).read_bytes() for p in paths}, deployed_by=deployed_by, shipped=shipped
        )

    def definitions(self) -> list[DefinitionInfo]:
        """The latest version of each process key, with version and running-instance counts."""
        with self.db.read() as session:
            rows = _deploy.latest_versions(session)
            running = dict(
                session.execute(
                    select(ProcessInstance.process_key, func.count())
                    .where(ProcessInstance.status != "completed")
                    .group_by(ProcessInstance.process_key)
                ).all()
            )
            starts = _next_starts(session)
            return [
                _definition_info(
                    row, running=running.get(row.key, 0), next_start=starts.get(row.id)
                )
                for row in rows
            ]

    def definition_versions(self, key: str) -> list[DefinitionInfo]:
        """Every version of a process key, newest first, with running-instance counts."""
        with self.db.read() as session:
            rows = session.scalars(
                select(ProcessDefinition)
                .where(ProcessDefinition.key == key)
                .order_by(ProcessDefinition.version.desc())
            ).all()
            if not rows:
                raise NotFound(f"no process is deployed with key {key!r}")
            running = dict(
                session.execute(
                    select(ProcessInstance.definition_id, func.count())
                    .where(
                        ProcessInstance.process_key == key, ProcessInstance.status != "completed"
                    )
                    .group_by(ProcessInstance.definition_id)
                ).all()
            )
            starts = _next_starts(session)
            return [
                _definition_info(row, running=running.get(row.id, 0), next_start=starts.get(row.id))
                for row in rows
            ]

    def definition(self, key: str, version: int | None = None) -> Definition:
        """A definition version with its files (the latest when `version` is None)."""
        with self.db.read() as session:
            row = self._definition(session, key, version)
            return Definition.from_row(row, files=dict(row.files))

    def waiting_at(self, key: str, version: int) -> dict[str, int]:
        """How many unfinished instances of a version wait at each element (the designer's view).

        Reads only the small `active_elements` column of that version's unfinished instances.
        """
        counts: dict[str, int] = {}
        with self.db.read() as session:
            definition = self._definition(session, key, version)
            rows = session.scalars(
                select(ProcessInstance.active_elements).where(
                    ProcessInstance.definition_id == definition.id,
                    ProcessInstance.status != "completed",
                )
            )
            for elements in rows:
                for element in elements or ():
                    counts[element] = counts.get(element, 0) + 1
        return counts

    def _definition(self, session, key: str, version: int | None) -> ProcessDefinition:
        if version is not None and not 0 < version <= MAX_ID:
            raise NotFound(f"version {version} of process {key!r} is not deployed")
        query = select(ProcessDefinition).where(ProcessDefinition.key == key)
        if version is not None:
            query = query.where(ProcessDefinition.version == version)
        row = session.scalars(query.order_by(ProcessDefinition.version.desc()).limit(1)).first()
        if row is None:
            what = f"version {version} of " if version is not None else ""
            raise NotFound(f"{what}process {key!r} is not deployed")
        return row

    def _require_helpers(self, definition: Definition) -> None:
        """Refuse a version whose scripts use helpers this engine has not registered."""
        problems = self._helper_problems.get(definition.content_hash)
        if problems is None:
            problems = _deploy.helper_problems(definition.files, self.runtime.helpers)
            self._helper_problems[definition.content_hash] = problems
        if problems:
            raise HelpersNotRegistered(definition.key, definition.version, problems)

    # -- instances ------------------------------------------------------------------------------

    def start(
        self,
        key: str,
        data: dict[str, Any] | None = None,
        *,
        business_key: str | None = None,
        actor: str | None = None,
        version: int | None = None,
    ) -> str:
        """Start an instance of the latest (or the given) version; return its id."""
        data = json_object(data, "instance data")
        return self.start_summary(
            key, data, business_key=business_key, actor=actor, version=version
        ).id

    def start_summary(
        self,
        key: str,
        data: dict[str, Any] | None = None,
        *,
        business_key: str | None = None,
        actor: str | None = None,
        version: int | None = None,
        in_transaction=None,
    ) -> InstanceSummary:
        """Start an instance (see `start`) and return its summary: status, elements, open tasks.

        `in_transaction(session, instance_id)`, when given, writes domain rows in the
        start's own transaction: both commit, or neither does.
        """
        data = json_object(data, "instance data")
        definition = self.definition(key, version)
        self._require_helpers(definition)
        return self.runtime.start_instance(
            definition, dict(data or {}), business_key, actor, in_transaction
        )

    def complete_task(
        self,
        task_id: str,
        data: dict[str, Any] | None = None,
        *,
        actor: str | None = None,
        actor_groups: Iterable[str] | None = None,
        instance_id: str | None = None,
    ) -> InstanceSummary:
        """Complete a READY user task with data, as `actor`; return the instance's summary.

        `actor_groups`, when given, must contain the task's candidate group. `instance_id`,
        when given, must be the task's instance. The task's form (if any) validates `data`.
        """
        data = json_object(data, "task data")

        def locate(session) -> str:
            item = session.get(WorkItem, task_id)
            if item is None:
                raise NotFound(f"task {task_id} does not exist")
            if instance_id is not None and item.instance_id != instance_id:
                raise NotFound(f"task {task_id} does not belong to instance {instance_id}")
            if actor_groups is not None and item.candidate_group not in set(actor_groups):
                raise PermissionDenied(f"task {task_id} is for group {item.candidate_group!r}")
            return item.instance_id

        record = {
            "kind": "complete_task",
            "task_id": task_id,
            "data": to_plain(data or {}),
            "actor": actor,
        }

        def action(ctx: StepContext):
            task = ctx.workflow.get_task_from_id(UUID(task_id))
            if task is None:
                raise NotFound(f"task {task_id} does not belong to instance {ctx.instance.id}")
            row = ctx.session.get_one(WorkItem, task_id)
            # task.run() on a CANCELLED task would silently complete it: check first.
            if task.state != TaskState.READY or not task.task_spec.manual or row.state != "open":
                state = row.state if row.state != "open" else TaskState.get_name(task.state).lower()
                raise TaskNotReady(f"task {task_id} is {state}, not ready to be completed")
            if row.assignee and actor and row.assignee != actor:
                raise Conflict(f"task {task_id} is claimed by {row.assignee}")
            values = dict(data or {})
            if row.form_key:
                values = validate_submission(ctx.parsed.forms[row.form_key], values)
            task.set_data(**values)
            ctx.current_element = task.task_spec.bpmn_id
            ctx.completed_task_id = task_id
            task.run()
            ctx.audit(
                "task_completed",
                task.task_spec.bpmn_id,
                task_id=task_id,
                name=task.task_spec.bpmn_name,
                data=values,
            )

        return _summary_of(self.runtime.run_step(locate, action, actor=actor, action_record=record))

    def send_message(
        self,
        instance_id: str,
        name: str,
        data: dict[str, Any] | None = None,
        *,
        actor: str | None = None,
        in_transaction=None,
    ) -> InstanceSummary:
        """Deliver a message (for example "fee_paid") to an instance waiting for it.

        `in_transaction(session, instance_id)`, when given, writes domain rows in the
        step's transaction once the message is taken (a payment's idempotency record).
        """
        data = json_object(data, "message data")
        record = {"kind": "message", "name": name, "data": to_plain(data or {}), "actor": actor}

        def action(ctx: StepContext):
            if ctx.instance.status != "running":
                raise Conflict(
                    f"instance {instance_id} is {ctx.instance.status}; it takes no messages"
                )
            try:
                ctx.workflow.send_event(BpmnEvent(MessageEventDefinition(name), dict(data or {})))
            except WorkflowException:
                # Nothing caught it, so nothing changed.
                raise Conflict(
                    f"instance {instance_id} is not waiting for message {name!r}"
                ) from None
            ctx.audit("message_received", None, name=name, data=data or {})
            if in_transaction is not None:
                ctx.on_write(lambda session: in_transaction(session, instance_id))

        return _summary_of(
            self.runtime.run_step(instance_id, action, actor=actor, action_record=record)
        )

    def claim_due_timer(self, *, actor: str = "scheduler") -> tuple[str, list[HistoryEntry]] | None:
        """Claim the running instance whose timer is due earliest and fire its due timers.

        The claim is a short write of its own that counts the attempt and leases the
        instance to this process (`engine.attempts`): on PostgreSQL the row is locked with
        SKIP LOCKED while claiming, so concurrent schedulers each take a different instance;
        on SQLite the write lock serialises the claims. An instance leased to a live step
        is not claimed; one whose steps ended their process too often is put in an
        incident (IncidentRaised) instead. Returns (instance id, timer_fired events), or
        None when nothing is due. Raises IncidentRaised when a timer fails.
        """
        claimed: list[str] = []

        def locate(session) -> str | None:
            query = (
                select(ProcessInstance.id)
                .where(
                    # Strictly before now, as SpiffWorkflow fires a timer only once its
                    # instant has passed (an equal instant fires on the next round).
                    ProcessInstance.next_timer_due_at < clock.now(),
                    ProcessInstance.status == "running",
                    not_leased(),  # another process is stepping it now
                )
                .order_by(ProcessInstance.next_timer_due_at)
                .limit(1)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            instance_id = session.scalar(query)
            if instance_id is not None:
                claimed.append(instance_id)
            return instance_id

        result = self.runtime.run_step(
            locate, None, actor=actor, action_record={"kind": "advance"}, timers_only=True
        )
        if not claimed:
            return None
        events = result.value if result is not None and result.summary else None
        fired = [
            HistoryEntry(
                at=event["at"],
                actor=event["actor"],
                kind=event["kind"],
                element_id=event["element_id"],
                details=event["details"],
            )
            for event in events or ()
        ]
        return claimed[0], fired

    def advance(self, instance_id: str, *, actor: str | None = "scheduler") -> InstanceSummary:
        """Run one step with no input: fires due timers (what the scheduler does); return the summary."""
        return _summary_of(
            self.runtime.run_step(instance_id, None, actor=actor, action_record={"kind": "advance"})
        )

    def retry_incident(
        self, incident_id: int, *, actor: str | None = None, data: dict[str, Any] | None = None
    ) -> InstanceView:
        """Retry the step an incident recorded; on success the incident is resolved.

        `data`, when given, replaces the data of a failed task completion or message
        (the operator's fix for input that made a script fail).
        """
        with self.db.read() as session:
            incident = get_by_id(session, Incident, incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id} does not exist")
            if incident.resolved_at is not None:
                raise Conflict(f"incident {incident_id} is already resolved")
            action = dict(incident.action or {})
        if data is not None:
            action["data"] = data
        kind = action.get("kind")
        # The retried step resolves the incident in its own commit: both happen, or neither.
        with self.runtime.resolving(incident_id, actor):
            if kind == "complete_task":
                self.complete_task(action["task_id"], action.get("data"), actor=action.get("actor"))
            elif kind == "signal":
                self._signal_step(
                    incident.instance_id,
                    action["name"],
                    action.get("data") or {},
                    action.get("actor"),
                )
            elif kind == "message":
                self.send_message(
                    incident.instance_id,
                    action["name"],
                    action.get("data"),
                    actor=action.get("actor"),
                )
            else:
                self.advance(incident.instance_id, actor=actor)
        return self.show(incident.instance_id)

    def incidents(
        self, *, open_only: bool = True, limit: int = 100, offset: int = 0
    ) -> list[IncidentInfo]:
        """Incidents, newest first (open ones only unless told otherwise)."""
        with self.db.read() as session:
            query = select(Incident).order_by(Incident.id.desc()).limit(limit).offset(offset)
            if open_only:
                query = query.where(Incident.resolved_at.is_(None))
            return [IncidentInfo.from_row(row) for row in session.scalars(query)]

    def count_incidents(self, *, open_only: bool = True) -> int:
        """How many incidents there are (open ones only unless told otherwise)."""
        with self.db.read() as session:
            query = select(func.count()).select_from(Incident)
            if open_only:
                query = query.where(Incident.resolved_at.is_(None))
            return session.scalar(query) or 0

    # -- migration --------------------------------------------------------------------------

    def migrate_instances(
        self,
        key: str,
        from_version: int,
        to_version: int,
        *,
        actor: str | None = None,
        dry_run: bool = False,
    ) -> list[MigrationOutcome]:
        """Move the unfinished instances of version `from_version` of `key` to `to_version`.

        Each instance is checked with SpiffWorkflow's diff of the two versions
        (`engine.migration`): it can move when every element it has completed or waits at
        is unchanged in the new version. A dry run only reports; otherwise each instance
        that can move moves in a step of its own (fired timers first, checked against the
        state the step read, audited as `instance_migrated` and kept in its version
        history), and one that cannot, or that another step changed meanwhile, stays as
        it is. Returns one outcome per instance, oldest first.
        """
        if from_version == to_version:
            raise InvalidData(
                "the versions to migrate from and to are the same", {"to": ["same version"]}
            )
        source = self.definition(key, from_version)
        target = self.definition(key, to_version)
        self._require_helpers(target)
        with self.db.read() as session:
            instance_ids = list(
                session.scalars(
                    select(ProcessInstance.id)
                    .where(
                        ProcessInstance.definition_id == source.id,
                        ProcessInstance.status != "completed",
                    )
                    .order_by(
                        ProcessInstance.created_at, ProcessInstance.business_key, ProcessInstance.id
                    )
                )
            )
        return [
            self._check_migration(instance_id, source, target)
            if dry_run
            else self._migrate(instance_id, source, target, actor)
            for instance_id in instance_ids
        ]

    def instance_migrations(self, instance_id: str) -> list[MigrationRecord]:
        """The version history of an instance: its migrations, oldest first."""
        with self.db.read() as session:
            rows = session.scalars(
                select(InstanceMigration)
                .where(InstanceMigration.instance_id == instance_id)
                .order_by(InstanceMigration.id)
            )
            return [MigrationRecord.from_row(row) for row in rows]

    def _check_migration(
        self, instance_id: str, source: Definition, target: Definition
    ) -> MigrationOutcome:
        """A dry run for one instance: its committed state against the target version."""
        with self.db.read() as session:
            instance = session.get_one(ProcessInstance, instance_id)
            outcome = partial(
                MigrationOutcome,
                instance_id=instance.id,
                business_key=instance.business_key,
                status=instance.status,
                active_elements=list(instance.active_elements or []),
                migrated=False,
            )
            if instance.status != "running":
                return outcome(migratable=False, reasons=[_NOT_RUNNING])
            ref = self.runtime.definition_ref(session, source.id)
            parsed = self.runtime.parsed(session, ref)
            workflow = load_state(instance.state, parsed.spec, parsed.subprocess_specs, None)
            target_parsed = self.runtime.parsed(
                session, self.runtime.definition_ref(session, target.id)
            )
            found = _migration.obstacles(workflow, target_parsed)
            return outcome(
                migratable=not found,
                reasons=[str(obstacle) for obstacle in found],
                obstacles=[obstacle.as_dict() for obstacle in found],
            )

    def _migrate(
        self, instance_id: str, source: Definition, target: Definition, actor: str | None
    ) -> MigrationOutcome:
        """Move one instance in a step of its own; an outcome whether it moved or not."""
        seen: dict[str, Any] = {}

        def action(ctx: StepContext) -> None:
            seen.update(
                business_key=ctx.instance.business_key,
                status=ctx.instance.status,
                active_elements=list(ctx.instance.active_elements or []),
            )
            if ctx.definition.id != source.id:
                raise _MigrationRefused(
                    [f"it runs version {ctx.definition.version}, not {source.version}"]
                )
            if ctx.instance.status != "running":
                raise _MigrationRefused([_NOT_RUNNING])
            target_ref = self.runtime.definition_ref(ctx.session, target.id)
            target_parsed = self.runtime.parsed(ctx.session, target_ref)
            found = _migration.obstacles(ctx.workflow, target_parsed)
            if found:
                raise _MigrationRefused(
                    [str(obstacle) for obstacle in found], [o.as_dict() for o in found]
                )
            _migration.migrate(ctx.workflow, target_parsed)
            ctx.move_to(target_ref, target_parsed)
            ctx.audit(
                "instance_migrated", None, from_version=source.version, to_version=target.version
            )
            ctx.on_write(
                lambda session: session.add(
                    InstanceMigration(
                        instance_id=instance_id,
                        from_definition_id=source.id,
                        to_definition_id=target.id,
                        from_version=source.version,
                        to_version=target.version,
                        migrated_at=ctx.now,
                        migrated_by=actor,
                    )
                )
            )

        try:
            result = self.runtime.run_step(
                instance_id, action, actor=actor, action_record={"kind": "advance"}
            )
        except _MigrationRefused as refused:
            return self._outcome(
                instance_id, seen, reasons=refused.reasons, obstacles=refused.obstacles
            )
        except (Conflict, IncidentRaised) as exc:
            return self._outcome(instance_id, seen, reasons=[exc.message])
        summary = _summary_of(result)
        return MigrationOutcome(
            instance_id=instance_id,
            business_key=summary.business_key,
            status=summary.status,
            active_elements=summary.active_elements,
            migratable=True,
            migrated=True,
            reasons=[],
        )

    def _outcome(
        self,
        instance_id: str,
        seen: dict[str, Any],
        *,
        reasons: list[str],
        obstacles: list[dict[str, Any]] | None = None,
    ) -> MigrationOutcome:
        """The outcome of an instance that did not move."""
        if not seen:
            with self.db.read() as session:
                row = session.get_one(ProcessInstance, instance_id)
                seen = {
                    "business_key": row.business_key,
                    "status": row.status,
                    "active_elements": list(row.active_elements or []),
                }
        return MigrationOutcome(
            instance_id=instance_id,
            migratable=False,
            migrated=False,
            reasons=reasons,
            obstacles=obstacles or [],
            **seen,
        )

    def show(self, instance_id: str) -> InstanceView:
        """Status, active and completed elements, data, open tasks, incidents and history."""
        with self.db.read() as session:
            instance = session.get(ProcessInstance, instance_id)
            if instance is None:
                raise NotFound(f"process instance {instance_id} does not exist")
            definition = self.runtime.definition_ref(session, instance.definition_id)
            parsed = self.runtime.parsed(session, definition)
            workflow = load_state(instance.state, parsed.spec, parsed.subprocess_specs, None)
            active, completed = workflow_elements(workflow)
            events = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.instance_id == instance_id)
                .order_by(AuditEvent.id)
            ).all()
            tasks = session.scalars(
                select(WorkItem).where(
                    WorkItem.instance_id == instance_id, WorkItem.state == "open"
                )
            ).all()
            incidents = session.scalars(
                select(Incident).where(Incident.instance_id == instance_id).order_by(Incident.id)
            ).all()
            return InstanceView.from_row(
                instance,
                version=definition.version,
                active_elements=active,
                completed_elements=completed,
                open_tasks=[task_info(item) for item in tasks],
                definition_id=definition.id,
                incidents=[IncidentInfo.from_row(row) for row in incidents],
                history=[_history_entry(event) for event in events],
                row_version=instance.version,
            )

    def instances(
        self,
        *,
        key: str | None = None,
        business_key: str | None = None,
        status: str | None = None,
        version: int | None = None,
        unfinished: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> list[InstanceListItem]:
        """Instances, newest first, narrowed by key, business key and status, and with a
        key by `version` of it and to the `unfinished` ones."""
        with self.db.read() as session:
            query = select(ProcessInstance).order_by(ProcessInstance.created_at.desc())
            if key:
                query = query.where(ProcessInstance.process_key == key)
                if version is not None:
                    definition = self._definition(session, key, version)
                    query = query.where(ProcessInstance.definition_id == definition.id)
            if unfinished:
                query = query.where(ProcessInstance.status != "completed")
            if business_key:
                query = query.where(ProcessInstance.business_key == business_key)
            if status:
                query = query.where(ProcessInstance.status == status)
            rows = session.scalars(query.limit(limit).offset(offset))
            return [InstanceListItem.from_row(row) for row in rows]

    def instance_data(self, instance_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The process data of each of these instances (one query); unknown ids are left out."""
        ids = set(instance_ids)
        if not ids:
            return {}
        with self.db.read() as session:
            rows = session.execute(
                select(ProcessInstance.id, ProcessInstance.data).where(ProcessInstance.id.in_(ids))
            )
            return {instance_id: data or {} for instance_id, data in rows}

    def history(
        self, instance_id: str, *, kinds: Iterable[str] | None = None
    ) -> list[HistoryEntry]:
        """The audit events of an instance, oldest first; only those of `kinds` when given."""
        with self.db.read() as session:
            query = select(AuditEvent).where(AuditEvent.instance_id == instance_id)
            if kinds is not None:
                query = query.where(AuditEvent.kind.in_(set(kinds)))
            return [
                _history_entry(event) for event in session.scalars(query.order_by(AuditEvent.id))
            ]

    def instances_with_open_task(
        self, instance_ids: Iterable[str], groups: Iterable[str]
    ) -> set[str]:
        """Which of these instances have an open task for one of these groups (one query)."""
        ids, candidate_groups = set(instance_ids), set(groups)
        if not ids or not candidate_groups:
            return set()
        with self.db.read() as session:
            return set(
                session.scalars(
                    select(WorkItem.instance_id)
                    .where(
                        WorkItem.instance_id.in_(ids),
                        WorkItem.state == "open",
                        WorkItem.candidate_group.in_(candidate_groups),
                    )
                    .distinct()
                )
            )

    # -- work items -----------------------------------------------------------------------------

    def tasks(
        self, flt: TaskFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[TaskInfo]:
        """Open tasks matching the filter, overdue first."""
        with self.db.read() as session:
            items = list_work_items(session, flt or TaskFilter(), limit=limit, offset=offset)
            return [task_info(item) for item in items]

    def count_tasks(self, flt: TaskFilter | None = None) -> int:
        """How many open tasks match the filter."""
        with self.db.read() as session:
            return count_work_items(session, flt or TaskFilter())

    def task(self, task_id: str, language: str | None = None) -> TaskInfo:
        """One work item (open or done), with the form definition it names.

        With `language`, its name, documentation and form are in that language where the
        model gives a variant (`name_en`, `documentation_en` properties of the task, form
        texts as in `forms.localized_form`); otherwise as the model is written.
        """
        with self.db.read() as session:
            item = session.get(WorkItem, task_id)
            if item is None:
                raise NotFound(f"task {task_id} does not exist")
            instance = session.get_one(ProcessInstance, item.instance_id)
            definition = self.runtime.definition_ref(session, instance.definition_id)
            parsed = self.runtime.parsed(session, definition)
            form = parsed.forms.get(item.form_key) if item.form_key else None
            result = replace(task_info(item), form=form)
            if language is None:
                return result
            texts = translations(parsed.task_spec(item.element_id), language)
            return replace(
                result,
                name=texts.get("name", result.name),
                documentation=texts.get("documentation", result.documentation),
                form=localized_form(form, language),
            )

    def claim(
        self, task_id: str, actor: str, *, actor_groups: Iterable[str] | None = None
    ) -> TaskInfo:
        """Assign an open task to `actor` (who must be in its group when groups are given)."""
        with self.db.write() as session:
            item = session.get(WorkItem, task_id)
            if (
                item is not None
                and actor_groups is not None
                and item.candidate_group not in set(actor_groups)
            ):
                raise PermissionDenied(f"task {task_id} is for group {item.candidate_group!r}")
            return task_info(claim(session, task_id, actor))

    def unclaim(self, task_id: str, actor: str, *, force: bool = False) -> TaskInfo:
        """Release a task claimed by `actor` (or by anyone, with `force`)."""
        with self.db.write() as session:
            return task_info(unclaim(session, task_id, actor, force=force))


_NOT_RUNNING = "it has an open incident: retry it first"


class _MigrationRefused(Conflict):
    """An instance cannot move: `reasons` say which elements it reached changed or vanished."""

    def __init__(self, reasons: list[str], obstacles: list[dict[str, Any]] | None = None):
        super().__init__("the instance cannot move to the new version: " + "; ".join(reasons))
        self.reasons = reasons
        self.obstacles = obstacles or []


def _letterhead(settings: Settings) -> Letterhead:
    """The operator's address, contact details and logo, printed on every letter."""
    return Letterhead(
        address=settings.operator_address,
        email=settings.operator_email,
        phone=settings.operator_phone,
        url=settings.operator_url,
        logo=Path(settings.operator_logo) if settings.operator_logo else None,
    )


def _summary_of(result: StepResult | None) -> InstanceSummary:
    # Only the scheduler's timers-only step may return no result or no summary.
    assert result is not None and result.summary is not None
    return result.summary


def _raw_files(files: dict[str, bytes | str]) -> dict[str, bytes]:
    """Files by base name as bytes; text that is not valid Unicode is refused by the UTF-8 check."""
    return {
        Path(name).name: c.encode("utf-8", "surrogatepass") if isinstance(c, str) else c
        for name, c in files.items()
    }


def _history_entry(event: AuditEvent) -> HistoryEntry:
    return HistoryEntry.from_row(event, details=event.details or {})


def _definition_info(
    row: ProcessDefinition, running: int = 0, next_start: datetime | None = None
) -> DefinitionInfo:
    return DefinitionInfo.from_row(
        row, files=sorted(row.files), running_instances=running, next_start_at=next_start
    )


def _next_starts(session) -> dict[int, datetime]:
    """The next timer start of each definition version that has one, by definition id."""
    return {
        definition_id: due
        for definition_id, due in session.execute(
            select(StartTimer.definition_id, func.min(StartTimer.next_due_at))
            .where(StartTimer.next_due_at.is_not(None))
            .group_by(StartTimer.definition_id)
        )
    }
