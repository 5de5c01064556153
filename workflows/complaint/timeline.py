"""The case history as a citizen reads it: events turned into labelled entries (da/en).

An event is a mapping with `at` (an aware datetime or ISO 8601 text with offset), `kind`
and `actor`, and optionally `element_id` and `details`: the shape of the engine's audit
events. Its domain kind is found in this order:
1. `kind` itself, if it is one of `EVENT_LABELS` (an adapter that already speaks domain);
2. for `message_received`, the message name in `details["name"]` (fee_paid, withdrawn...);
3. for `task_completed`, `element_completed` and `timer_fired`, the BPMN element id, looked
   up in `aliases` first, then in `EVENT_LABELS` (so an element may simply be named after
   its domain event, e.g. id="forwarded");
4. `instance_started` is the filing and `instance_completed` the closing of the case.
Events with no domain kind (mails queued, gateways, incidents) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .deadlines import parse_instant, to_local_iso

# Domain event kind -> (Danish, English) label.
EVENT_LABELS: dict[str, tuple[str, str]] = {
    "drafted": ("Kladde oprettet", "Draft created"),
    "co_complainant_invited": ("Medklager inviteret", "Co-complainant invited"),
    "co_complainant_declined": ("Medklager har takket nej", "Co-complainant declined"),
    "co_complainant_confirmed": ("Medklager har bekræftet klagen", "Co-complainant confirmed"),
    "filed": ("Klagen er indsendt", "Complaint filed"),
    "complaint_deadline_expired": ("Klagefristen er udløbet", "The complaint deadline expired"),
    "authority_started": (
        "Myndigheden behandler klagen",
        "The authority is reconsidering its decision",
    ),
    "authority_changed_decision": (
        "Myndigheden har ændret sin afgørelse",
        "The authority changed its decision",
    ),
    "forwarded": ("Klagen er videresendt til nævnet", "Complaint forwarded to the board"),
    "statement_sent": (
        "Myndighedens udtalelse er sendt til parterne",
        "The authority's statement was sent to the parties",
    ),
    "comments_received": ("Bemærkninger modtaget", "Comments received"),
    "fee_requested": ("Gebyr opkrævet", "Fee requested"),
    "fee_paid": ("Gebyr betalt", "Fee paid"),
    "fee_refunded": ("Gebyr tilbagebetalt", "Fee refunded"),
    "board_received": ("Modtaget i nævnet", "Received by the board"),
    "suspensive_effect_decided": (
        "Nævnet har taget stilling til opsættende virkning",
        "The board ruled on suspensive effect",
    ),
    "decided": ("Nævnet har truffet afgørelse", "The board has decided"),
    "withdrawn": ("Klagen er trukket tilbage", "Complaint withdrawn"),
    "closed": ("Sagen er afsluttet", "Case closed"),
}

_ENGINE_KINDS = {"instance_started": "filed", "instance_completed": "closed"}
_ELEMENT_KINDS = {"task_completed", "element_completed", "timer_fired"}
# Every event kind that can give a timeline entry (an adapter may read only these).
SOURCE_KINDS: frozenset[str] = frozenset(
    {*EVENT_LABELS, "message_received", *_ELEMENT_KINDS, *_ENGINE_KINDS}
)


def domain_kind(event: Mapping[str, Any], aliases: Mapping[str, str] | None = None) -> str | None:
    """The domain kind of an event (see the module docstring), or None if it has none."""
    kind = event.get("kind")
    if kind is None:
        return None
    details = event.get("details") or {}
    if kind in EVENT_LABELS:
        return kind
    if kind == "message_received":
        name = details.get("name")
        return name if name in EVENT_LABELS else None
    if kind in _ELEMENT_KINDS:
        element = event.get("element_id")
        if element is None:
            return None
        mapped = (aliases or {}).get(element, element)
        return mapped if mapped in EVENT_LABELS else None
    return _ENGINE_KINDS.get(kind)


def entry(
    at: datetime | str, kind: str, actor: str | None = None, note: tuple[str, str] | None = None
) -> dict[str, Any]:
    """One timeline entry: Copenhagen time, kind, Danish `label`, English `label_en`, actor.

    `note` adds a (Danish, English) detail to the labels, e.g. the outcome of a decision.
    """
    label_da, label_en = EVENT_LABELS[kind]
    if note is not None:
        label_da, label_en = f"{label_da}: {note[0]}", f"{label_en}: {note[1]}"
    return {
        "at": to_local_iso(parse_instant(at)),
        "kind": kind,
        "label": label_da,
        "label_en": label_en,
        "actor": actor,
    }


def timeline(
    events: Iterable[Mapping[str, Any]], aliases: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Turn events into labelled entries, oldest first; events without a domain kind go.

    A domain kind that repeats (comments received twice) gives one entry per event, except
    that `filed` and `closed` appear once: the engine and an adapter may both report them.
    """
    entries: list[dict[str, Any]] = []
    once: set[str] = set()
    for event in events:
        kind = domain_kind(event, aliases)
        if kind is None or kind in once:
            continue
        if kind in ("filed", "closed"):
            once.add(kind)
        entries.append(entry(event["at"], kind, event.get("actor")))
    return sort_entries(entries)


_LIFECYCLE_ORDER = {kind: rank for rank, kind in enumerate(EVENT_LABELS)}


def sort_entries(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries in time order; at equal instants in lifecycle order (drafted before filed).

    Closing is what happens last: the engine may stamp the end of a step a moment before
    the step's own scripts stamp what they record (the decision), so `closed` sorts after
    every other entry rather than by its instant.
    """
    return sorted(
        entries,
        key=lambda item: (
            item["kind"] == "closed",
            parse_instant(item["at"]),
            _LIFECYCLE_ORDER[item["kind"]],
        ),
    )
