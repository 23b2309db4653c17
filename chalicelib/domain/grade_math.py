"""The grade arithmetic the diary, the standing and the gradebook share: the weighted average and
the term grade it points to. A leaf of the domain (it imports nothing from it), so `standing` and
`diary` both read it and neither needs the other."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def average(sum_vw: Any, sum_w: Any) -> Decimal | None:
    """Σ(value·weight)/Σ(weight) rounded half up to 2 decimals; None without grades."""
    if not sum_w:
        return None
    return (Decimal(int(sum_vw)) / Decimal(int(sum_w))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def projected(avg: Decimal | None) -> int | None:
    """The term grade the average points to, x.5 rounding up."""
    if avg is None:
        return None
    return max(1, min(5, int(avg.quantize(Decimal(1), rounding=ROUND_HALF_UP))))
