"""Run the benchmarks and write ``bench/results.json``; ``python -m bench [name ...]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import django

django.setup()

from bench import documents, roster  # noqa: E402  (after Django is set up)

BENCHMARKS = {"roster": roster.run, "documents": documents.run}


def main(names: list[str]) -> int:
    results = []
    for name, run in BENCHMARKS.items():
        if names and name not in names:
            continue
        results.extend(run())
    Path(__file__).with_name("results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    width = max(len(r["name"]) for r in results)
    print(
        f"{'benchmark':<{width}}  {'value':>10}  {'baseline':>10}  {'ratio':>7}  {'limit':>7}  ok"
    )
    for r in results:
        print(
            f"{r['name']:<{width}}  {r['value']:>10.3f}  {r['baseline']:>10.3f}  "
            f"{r['ratio']:>7.3f}  {r['limit']:>7.3f}  {'yes' if r['passed'] else 'NO'}"
        )
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
