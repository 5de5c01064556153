"""How command results are printed: one conversion to plain data, then JSON or text for people."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any


def plain(value: Any) -> Any:
    """A result as JSON-ready data: dataclasses become dicts, datetimes ISO strings.

    Engine results are dicts today and typed records tomorrow; commands format through
    this one function so either shape prints the same.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Path):
        return str(value)
    return value


def to_json(value: Any) -> str:
    """Indented JSON of a result (Danish letters kept as they are)."""
    return json.dumps(plain(value), indent=2, ensure_ascii=False)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as aligned columns with an upper-case header; "(none)" for no rows."""
    if not rows:
        return "(none)"
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    header = "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in [header, *body])


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def instance_text(view: Mapping[str, Any], *, history: bool = False) -> str:
    """An instance summary or full view as labelled lines, with its history if asked.

    A step returns a summary (no incidents, no history); `show` returns the full view.
    Only what the result holds is printed, so both read well.
    """
    lines = [
        f"instance   {view['id']}",
        f"process    {view['process_key']} v{view['version']}",
        f"case       {view.get('business_key') or '-'}",
        f"status     {view['status']}",
        f"active     {', '.join(view.get('active_elements') or []) or '-'}",
        f"next timer {view.get('next_timer_due_at') or '-'}",
    ]
    for task in view.get("open_tasks") or []:
        group = f" ({task['candidate_group']})" if task.get("candidate_group") else ""
        lines.append(f"task       {task['id']}  {task['name'] or task['element_id']}{group}")
    for incident in view.get("incidents") or []:
        if not incident.get("resolved_at"):
            lines.append(
                f"incident   #{incident['id']} at {incident['element_id']}: {incident['message']}"
            )
    if history:
        lines.append("history")
        for event in view.get("history") or []:
            who = f" by {event['actor']}" if event.get("actor") else ""
            lines.append(f"  {event['at']}  {event['kind']} {event.get('element_id') or ''}{who}")
    return "\n".join(lines)


def mail_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Outbox rows, one line each: id, status, attempts, recipients, subject, last error."""
    if not rows:
        return "(none)"
    lines = []
    for row in rows:
        error = f"  ({row['last_error']})" if row.get("last_error") else ""
        lines.append(
            f"{row['id']:>6}  {row['status']:8} {row['attempts']:>2}x  "
            f"{', '.join(row['recipients'])}  {row['subject']}{error}"
        )
    return "\n".join(lines)
