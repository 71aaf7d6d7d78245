"""Threads released together against PostgreSQL, for the race tests of every app.

Each race runs ``THREADS`` threads that wait at a barrier and then act at the same moment;
each test repeats its race ``REPEATS`` times on fresh objects, since one lucky interleaving
proves little.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connections

THREADS = 8
REPEATS = 50


def race(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """Run ``work(i)`` for i in range(threads), all released together; return each result or
    the exception it raised."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    running = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return results


def of_type(results: list[Any], kind: type | tuple[type, ...]) -> list[Any]:
    return [r for r in results if isinstance(r, kind)]
