"""The cases app's notices (``clinic.notify``): declared here and in the workflow folders'
``notices.py``, which this module imports so that ``autodiscover_modules("notices")`` finds
them all."""

from __future__ import annotations

from cases.statistics import notices as _statistics  # noqa: F401
from cases.subsidies import notices as _subsidies  # noqa: F401
from cases.visits import notices as _visits  # noqa: F401
