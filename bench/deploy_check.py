"""Deploy-check benchmark: how long a refusal takes as a model's schema errors grow.

The deploy check is meant to be linear in the model's size however many errors it has;
this prints the time to refuse the example approval process with N bad elements added
(each a task with an unknown child element), up to the most the 5 MiB file limit allows.

    .venv/bin/python bench/deploy_check.py [--counts 1000,8000,32000,100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from engine import DeploymentError
from engine.deploy import check_bundle
from engine.scripting import engine_helpers

EXAMPLES = Path(__file__).resolve().parent.parent / "bpmn" / "examples"
# The names scripts see on a plain engine (the example process needs no domain helpers).
HELPERS = engine_helpers(ZoneInfo("Europe/Copenhagen"))


def refusal_seconds(bad_elements: int) -> tuple[float, int]:
    """Seconds to refuse a bundle with `bad_elements` schema errors, and the file's size."""
    bpmn = (EXAMPLES / "approval.bpmn").read_text()
    bad = "\n".join(f'<bpmn:task id="b{i}"><bpmn:x/></bpmn:task>' for i in range(bad_elements))
    files = {
        "approval.bpmn": bpmn.replace("</bpmn:process>", bad + "\n</bpmn:process>", 1).encode(),
        "fee.dmn": (EXAMPLES / "fee.dmn").read_bytes(),
        "review.form": (EXAMPLES / "review.form").read_bytes(),
    }
    started = time.perf_counter()
    try:
        check_bundle(files, HELPERS)
    except DeploymentError:
        pass
    else:
        raise SystemExit("the bundle was not refused")
    return time.perf_counter() - started, len(files["approval.bpmn"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,8000,32000,100000")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for count in (int(c) for c in args.counts.split(",")):
        seconds, size = refusal_seconds(count)
        rows.append({"schema_errors": count, "file_bytes": size, "seconds": round(seconds, 3)})
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'schema errors':>14} {'file size':>12} {'refused in':>11}")
    for row in rows:
        print(f"{row['schema_errors']:>14,} {row['file_bytes']:>12,} {row['seconds']:>10.3f}s")


if __name__ == "__main__":
    main()
