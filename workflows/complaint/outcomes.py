"""How a case ended, in the citizen's words: one row per outcome code (da/en).

An outcome code is the process's `outcome`, refined by its `rejection_reason` for a
rejection (`afvisning:late`); `outcome_text` looks up the refined code first, then the
plain one. A new way for a case to end is one row in `OUTCOME_TEXTS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeText:
    """An outcome in words: a short label and one sentence on what it means."""

    label_da: str
    label_en: str
    meaning_da: str
    meaning_en: str


OUTCOME_TEXTS: dict[str, OutcomeText] = {
    "stadfaestelse": OutcomeText(
        "Stadfæstet", "Upheld",
        "Nævnet har stadfæstet afgørelsen: den gælder uændret.",
        "The board upheld the decision: it stands unchanged.",
    ),
    "aendring": OutcomeText(
        "Ændret", "Changed",
        "Nævnet har ændret afgørelsen.",
        "The board changed the decision.",
    ),
    "ophaevelse": OutcomeText(
        "Ophævet", "Annulled",
        "Nævnet har ophævet afgørelsen: den gælder ikke længere.",
        "The board annulled the decision: it no longer applies.",
    ),
    "ophaevelse_hjemvisning": OutcomeText(
        "Ophævet og hjemvist", "Annulled and sent back",
        "Nævnet har ophævet afgørelsen og sendt sagen tilbage til myndigheden, som skal "
        "træffe en ny afgørelse.",
        "The board annulled the decision and sent the case back to the authority, which "
        "must make a new decision.",
    ),
    "afvisning:late": OutcomeText(
        "Afvist som for sent indgivet", "Rejected as filed too late",
        "Klagen er indgivet efter klagefristen, og nævnet har afvist at behandle den.",
        "The complaint was filed after the complaint deadline, and the board refused to "
        "consider it.",
    ),
    "afvisning:no_standing": OutcomeText(
        "Afvist (ikke klageberettiget)", "Rejected (no standing)",
        "Nævnet har vurderet, at klageren ikke er klageberettiget, og har derfor ikke "
        "behandlet klagen.",
        "The board found that the complainant has no standing and did not consider the "
        "complaint.",
    ),
    "afvisning:outside_competence": OutcomeText(
        "Afvist (uden for nævnets kompetence)", "Rejected (outside the board's competence)",
        "Klagen hører ikke under nævnet, og nævnet har derfor ikke behandlet den.",
        "The complaint is not one the board may consider, so it was not considered.",
    ),
    "afvisning:non_payment": OutcomeText(
        "Afvist for manglende betaling", "Rejected for non-payment",
        "Klagegebyret blev ikke betalt inden fristen, og klagen er derfor afvist.",
        "The complaint fee was not paid by the deadline, so the complaint was rejected.",
    ),
    "afvisning": OutcomeText(
        "Afvist", "Rejected",
        "Nævnet har afvist klagen uden at tage stilling til sagens indhold.",
        "The board rejected the complaint without considering its merits.",
    ),
    "tilbagetraekning": OutcomeText(
        "Trukket tilbage", "Withdrawn",
        "Klageren har trukket klagen tilbage, og sagen er afsluttet uden afgørelse.",
        "The complainant withdrew the complaint; the case ended without a decision.",
    ),
    "authority_changed": OutcomeText(
        "Myndigheden har ændret sin afgørelse", "The authority changed its decision",
        "Myndigheden har selv ændret afgørelsen, og klagesagen er derfor afsluttet.",
        "The authority changed its decision itself, so the complaint case ended.",
    ),
}  # fmt: skip


def outcome_code(outcome: str | None, rejection_reason: str | None = None) -> str | None:
    """The most specific code of `OUTCOME_TEXTS` for an outcome (None for no outcome)."""
    if not outcome:
        return None
    refined = f"{outcome}:{rejection_reason}" if rejection_reason else None
    if refined in OUTCOME_TEXTS:
        return refined
    return outcome


def outcome_text(outcome: str | None, rejection_reason: str | None = None) -> OutcomeText | None:
    """The words for an outcome, or None when the code has no row (yet)."""
    code = outcome_code(outcome, rejection_reason)
    return OUTCOME_TEXTS.get(code) if code else None
