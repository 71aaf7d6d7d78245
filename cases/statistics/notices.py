"""The notices of the statistics folder (``clinic.notify``), imported by ``cases.notices``."""

from __future__ import annotations
