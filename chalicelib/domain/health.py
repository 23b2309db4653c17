"""Is the system able to serve: the table and the queues answer."""

from __future__ import annotations

from chalicelib.dal import probes


def check() -> dict[str, str]:
    """"ok" or "down" for each dependency."""
    return {"database": probes.database(), "queues": probes.queues()}
