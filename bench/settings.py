"""The project's settings plus one bare page for the latency baseline."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
