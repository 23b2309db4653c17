"""The diary's numbers without I/O: weighted average, projected term grade (domain/diary.py,
"Numbers, the same everywhere"); the statistics page that shows them: tests/functional/test_statistics.py."""

from __future__ import annotations

from decimal import Decimal

from chalicelib.domain.diary import average, projected


def test_rounding_rules():
    assert average(17, 4) == Decimal("4.25") and projected(Decimal("4.25")) == 4
    assert average(9, 2) == Decimal("4.50") and projected(Decimal("4.50")) == 5
    assert average(14, 3) == Decimal("4.67") and projected(Decimal("3.49")) == 3
    assert average(0, 0) is None and projected(None) is None

