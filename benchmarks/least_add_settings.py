"""The panel's settings with benchmarks.least_add as the only URLs: the intake benchmark's second server."""

from panel.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.least_add"
