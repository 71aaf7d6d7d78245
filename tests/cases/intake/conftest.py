"""The look-up limit counts in the cache: each test starts with none counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_probes_counted() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
