"""Fixtures of tests/sync: a central server and two enrolled laptops (see sync_world.py)."""

from sync_world import central, pair  # noqa: F401 - fixtures, found by pytest by name
