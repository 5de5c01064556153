"""The complaint domain: Danish planning and environment complaints to PKN and MFKN.

Plain Python the BPMN processes and the web layer call: the working-day calendar,
deadlines (klagefrist and the rest), fees (gebyr) and refunds, legal bases and standing
(klageberettigelse), suspensive effect (opsættende virkning), case references, parties,
and track and trace. Nothing here reads the clock, touches a database or imports the
engine: every function is given the dates it needs.
"""

from .calendar import (
    DEFAULT_POLICY,
    CalendarPolicy,
    add_working_days,
    holiday_name,
    is_working_day,
    next_working_day,
    public_holidays,
    working_day_on_or_after,
)
from .deadlines import (
    COPENHAGEN,
    comment_deadline,
    complaint_deadline,
    end_of_day,
    expired_at,
    forwarding_deadline,
    is_filed_in_time,
    lawsuit_deadline,
    local_date,
    notification_date,
    payment_deadline,
    to_local_iso,
    to_utc_iso,
)
from .facts import CaseFacts
from .fees import FEE_TABLE, Fee, RefundDecision, fee_amounts, fee_for, refund_due
from .parties import (
    Authority,
    Board,
    CoComplainant,
    Complainant,
    Parties,
    PermitHolder,
    all_confirmed,
    recipient_emails,
    recipients,
)
from .references import (
    InvalidReference,
    Reference,
    format_reference,
    is_valid_reference,
    parse_reference,
)
from .scripting import script_helpers
from .standing import (
    LEGAL_BASES,
    LegalBasis,
    StandingAssessment,
    legal_basis,
    may_complain,
    permit_state,
)
from .status import STATUSES, ProcessingTimes, derive_status, track_and_trace

__all__ = [
    "COPENHAGEN",
    "DEFAULT_POLICY",
    "FEE_TABLE",
    "LEGAL_BASES",
    "STATUSES",
    "Authority",
    "Board",
    "CalendarPolicy",
    "CaseFacts",
    "CoComplainant",
    "Complainant",
    "Fee",
    "InvalidReference",
    "LegalBasis",
    "Parties",
    "PermitHolder",
    "ProcessingTimes",
    "Reference",
    "RefundDecision",
    "StandingAssessment",
    "add_working_days",
    "all_confirmed",
    "comment_deadline",
    "complaint_deadline",
    "derive_status",
    "end_of_day",
    "expired_at",
    "fee_amounts",
    "fee_for",
    "format_reference",
    "forwarding_deadline",
    "holiday_name",
    "is_filed_in_time",
    "is_valid_reference",
    "is_working_day",
    "lawsuit_deadline",
    "legal_basis",
    "local_date",
    "may_complain",
    "next_working_day",
    "notification_date",
    "parse_reference",
    "payment_deadline",
    "permit_state",
    "public_holidays",
    "recipient_emails",
    "recipients",
    "refund_due",
    "script_helpers",
    "to_local_iso",
    "to_utc_iso",
    "track_and_trace",
    "working_day_on_or_after",
]
