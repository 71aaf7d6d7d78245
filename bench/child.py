"""A benchmark's child process: ``python -m bench.child bench.<name>`` sets Django up on
``BENCH_DATABASE_URL`` (created afresh when ``BENCH_FRESH=1``), then imports the benchmark's
module, which may use the models from its first line, and prints what its ``child()``
returns as JSON. ``bench.run_child`` starts it."""

from __future__ import annotations

import importlib
import json
import os
import sys

from bench import setup_database

if __name__ == "__main__":
    setup_database(fresh=os.environ.get("BENCH_FRESH") == "1")
    print(json.dumps(importlib.import_module(sys.argv[1]).child()))
