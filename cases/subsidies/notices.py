"""The notices of the subsidies folder (``clinic.notify``), imported by ``cases.notices``."""

from __future__ import annotations
