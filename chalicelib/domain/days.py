"""The calendar the diary lives in: the days a request or an upload may name.

The bounds keep date arithmetic (a week's Sunday, a default span, the year around a moved event)
far from the calendar's ends, where 9999-12-31 + 6 days overflows.
"""

from __future__ import annotations

import datetime as dt

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def within_bounds(day: dt.date) -> bool:
    """Whether the diary can hold this day."""
    return FIRST_DAY <= day <= LAST_DAY
