"""How long one letter takes: the complaint's decision letter rendered to PDF/A-2b.

Prints the median and the slowest of the runs after a warm-up (fonts and templates loaded),
on the deployed bundle of bpmn/complaint with the Gammeldam case's data: wall-clock time,
and the CPU time of this process (what one letter costs when a core is free for it).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.letters import LetterRenderer, letter_files

BUNDLE = Path(__file__).resolve().parents[1] / "bpmn" / "complaint"
RUNS = 20
CASE = {
    "reference": "KP-2025-000123",
    "decision_title": "Landzonetilladelse, Gammeldam",
    "authority_name": "Sønderborg Kommune",
    "board_code": "PKN",
    "outcome": "ophaevelse",
    "decision_summary": "Nævnet har behandlet klagen.",
    "fee_paid_at": "2025-08-14T10:00:00+00:00",
    "fee_amount_dkk": 900,
    "refund": True,
    "only_change_is_longer_compliance_deadline": False,
    "lawsuit_deadline": "2026-05-20T21:59:59+00:00",
    "sender": {"kind": "board", "name": "Planklagenævnet"},
    "recipients": [
        {"role": "complainant", "name": "Karen Klager"},
        {"role": "permit_holder", "name": "Gammeldam ApS"},
        {"role": "authority", "name": "Sønderborg Kommune"},
    ],
}


def main() -> None:
    files = letter_files({p.name: p.read_text() for p in BUNDLE.glob("*.letter.html")})
    renderer = LetterRenderer(ZoneInfo("Europe/Copenhagen"))
    dated = datetime(2025, 11, 20, 13, 0, tzinfo=UTC)

    def once() -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        renderer.render("bench", lambda: files, "decision", "da", CASE, dated=dated, key="bench")
        return time.perf_counter() - start, time.process_time() - cpu

    first, _ = once()
    runs = [once() for _ in range(RUNS)]
    wall = sorted(w for w, _ in runs)
    cpu = sorted(c for _, c in runs)
    print(f"letter (decision, PDF/A-2b): first {first * 1000:.0f} ms, "
          f"median {statistics.median(wall) * 1000:.0f} ms "
          f"(CPU {statistics.median(cpu) * 1000:.0f} ms), "
          f"slowest {wall[-1] * 1000:.0f} ms over {RUNS} runs (target < 300 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
