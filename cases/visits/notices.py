"""The notices of the visits folder (``clinic.notify``), imported by ``cases.notices``."""

from __future__ import annotations
