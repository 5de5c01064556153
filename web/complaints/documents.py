"""Case documents: statements, case documents, the board's decision, comments.

Files are checked before they are kept: a size limit, and a type that both the name and
the content agree on (PDF, PNG, JPEG, plain text). They are stored outside the web root
under the data folder, named by their SHA-256 (so a name from a user never becomes a
path), and served only to whoever may see the case.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import InvalidData, NotFound, PermissionDenied, clock
from engine.db import Database, get_by_id

from ..accounts import Principal
from ..case_access import is_staff
from .access import is_party
from .models import Complaint, ComplaintDocument, Decision

_FORBIDDEN_IN_NAMES = set('"*:<>?|;')
MAX_BYTES = 8 * 1024 * 1024  # below the request limit (10 MB), so the form gets field errors
# content type -> (file name endings, a check of the first bytes)
TYPES: dict[str, tuple[tuple[str, ...], Any]] = {
    "application/pdf": ((".pdf",), lambda head: head.startswith(b"%PDF-")),
    "image/png": ((".png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": ((".jpg", ".jpeg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    "text/plain": ((".txt",), lambda head: b"\x00" not in head),
}
# who may add which kind of document
KINDS_BY_ROLE = {
    "complainant": ("comment", "attachment"),
    "permit_holder": ("comment",),
    "authority_caseworker": ("statement", "case_document"),
    "board_caseworker": ("board_decision", "case_document"),
    "admin": ("statement", "case_document", "board_decision", "comment", "attachment"),
}
# The permit holder comments while the case is with the board for comments (the hearing):
# from the authority's forwarding until the board's decision.
HEARING_STATUSES = ("forwarded", "awaiting_fee", "under_consideration")
# A case that has ended takes no more comments or attachments from the citizens.
ENDED_STATUSES = ("decided", "closed", "withdrawn")


def may_add(principal: Principal, status: str) -> bool:
    """Whether the caller may add documents to a case in `status` at all (by role)."""
    if principal.role == "permit_holder":
        return status in HEARING_STATUSES
    if principal.role == "complainant" and status in ENDED_STATUSES:
        return False
    return bool(KINDS_BY_ROLE.get(principal.role))


KIND_LABELS = {
    "comment": ("Bemærkninger", "Comments"),
    "attachment": ("Bilag fra klager", "Attachment from the complainant"),
    "statement": ("Myndighedens udtalelse", "The authority's statement"),
    "case_document": ("Sagens dokument", "Case document"),
    "board_decision": ("Nævnets afgørelse", "The board's decision"),
    # letters the process writes (web/complaints/letters.py)
    "letter_receipt": ("Kvittering for klagen", "Receipt for the complaint"),
    "letter_permit_holder_notice": ("Underretning om klagen", "Notice of the complaint"),
    "letter_fee_request": ("Opkrævning af klagegebyr", "Request for the complaint fee"),
    "letter_decision": ("Nævnets afgørelse", "The board's decision"),
    "letter_rejection": ("Nævnets afvisning", "The board's rejection"),
    "letter_withdrawal_receipt": ("Kvittering for tilbagetrækning", "Receipt for the withdrawal"),
}


def safe_filename(filename: str) -> str:
    """An uploaded file's name made harmless: its last path part, printable, at most 200 chars.

    Control and formatting characters (line breaks, right-to-left overrides) and the
    characters Windows forbids in names (quotes among them) become `_`; the ending is kept.
    """
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(
        "_" if c in _FORBIDDEN_IN_NAMES or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
        else c
        for c in name
    ).strip(" .")  # fmt: skip
    if len(name) > 200:
        stem, dot, ending = name.rpartition(".")
        name = stem[: 199 - len(ending)] + dot + ending if dot and len(ending) <= 10 else name[:200]
    return name or "dokument"


def check_size(data: bytes, field: str) -> None:
    """Refuse an empty upload or one above MAX_BYTES (InvalidData naming the form field)."""
    if not data:
        raise InvalidData("the file is empty", {field: ["choose a file with content"]})
    if len(data) > MAX_BYTES:
        raise InvalidData(
            "the file is too large", {field: [f"at most {MAX_BYTES // (1024 * 1024)} MB"]}
        )


def store(folder: Path, data: bytes) -> str:
    """Keep `data` in `folder` under its SHA-256 (at `storage_key(digest)`); the digest."""
    digest = hashlib.sha256(data).hexdigest()
    target = folder / storage_key(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)  # appears whole or not at all
    return digest


def storage_key(digest: str) -> str:
    """Where a stored file lies below the documents folder."""
    return f"{digest[:2]}/{digest}"


def content_type_of(filename: str, data: bytes) -> str:
    """The type of an upload, if its name and its content agree on one we accept."""
    name = filename.lower()
    for content_type, (endings, looks_like) in TYPES.items():
        if name.endswith(endings) and looks_like(data[:1024]):
            if content_type == "text/plain":
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    continue
            return content_type
    raise InvalidData(
        "the file type is not accepted",
        {"file": ["PDF, PNG, JPEG or plain text (UTF-8), with a matching file name"]},
    )


class Documents:
    """Adding, listing and reading case documents, with the case's access rules."""

    def __init__(self, db: Database, complaints, folder: Path):
        self.db = db
        self.complaints = complaints  # the ComplaintService: its track() checks visibility
        self.folder = folder

    def add(
        self, principal: Principal, reference: str, kind: str, filename: str, data: bytes
    ) -> dict[str, Any]:
        track = self.complaints.track(principal, reference)  # NotFound unless they see it
        if not may_add(principal, track["status"]):
            if track["status"] in ENDED_STATUSES:
                raise PermissionDenied("the case has ended and takes no more documents")
            raise PermissionDenied("the permit holder comments while the board hears the case")
        if kind not in KINDS_BY_ROLE.get(principal.role, ()):
            raise PermissionDenied(f"a {principal.role} cannot add a {kind!r} document")
        check_size(data, "file")
        safe_name = safe_filename(filename)
        content_type = content_type_of(safe_name, data)
        digest = store(self.folder, data)
        with self.db.write() as session:
            if session.get(Complaint, reference) is None:
                raise NotFound("no such complaint")
            row = ComplaintDocument(
                reference=reference, kind=kind, filename=safe_name, content_type=content_type,
                size=len(data), sha256=digest, storage_key=storage_key(digest),
                uploaded_by=principal.username, uploaded_at=clock.now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return document_dict(row)

    def list(self, principal: Principal, reference: str) -> list[dict[str, Any]]:
        """The case's documents the caller may see: uploads, and letters addressed to them."""
        self.complaints.track(principal, reference)
        with self.db.read() as session:
            rows = session.scalars(
                select(ComplaintDocument)
                .where(ComplaintDocument.reference == reference)
                .order_by(ComplaintDocument.id)
            )
            roles = _party_roles(session, principal, reference)
            return [document_dict(row) for row in rows if _addressed(row, roles)]

    def read(
        self, principal: Principal, reference: str, document_id: int
    ) -> tuple[dict[str, Any], bytes]:
        self.complaints.track(principal, reference)
        with self.db.read() as session:
            row = get_by_id(session, ComplaintDocument, document_id)
            if row is None or row.reference != reference:
                raise NotFound("no such document")
            if not _addressed(row, _party_roles(session, principal, reference)):
                raise NotFound("no such document")  # a letter to another party: no leak
            meta = document_dict(row)
            key = row.storage_key
        return meta, (self.folder / key).read_bytes()


def _party_roles(session, principal: Principal, reference: str) -> set[str] | None:
    """The addressee roles a caller reads letters as: None for staff (every letter), else
    "complainant" and/or "permit_holder" as the caller is a party of the case."""
    if is_staff(principal):
        return None
    complaint = session.get(Complaint, reference)
    decision = session.get(Decision, complaint.decision_id) if complaint else None
    if complaint is None or decision is None or not is_party(principal, complaint, decision):
        return set()
    holder = (decision.permit_holder or {}).get("username")
    if principal.role == "permit_holder" and holder == principal.username:
        return {"permit_holder"}
    return {"complainant"}


def _addressed(row: ComplaintDocument, roles: set[str] | None) -> bool:
    """Uploads are for everyone who sees the case; a letter for its addressees and staff."""
    return roles is None or row.addressed_to is None or bool(roles & set(row.addressed_to))


def document_dict(row: ComplaintDocument) -> dict[str, Any]:
    return {
        "id": row.id,
        "reference": row.reference,
        "kind": row.kind,
        "kind_label": KIND_LABELS.get(row.kind, (row.kind, row.kind))[0],
        "kind_label_en": KIND_LABELS.get(row.kind, (row.kind, row.kind))[1],
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
        "addressed_to": row.addressed_to,
    }
