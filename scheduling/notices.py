"""The scheduling app's notices (``clinic.notify``)."""

from __future__ import annotations
