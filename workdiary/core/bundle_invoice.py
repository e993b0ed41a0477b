"""An evidence bundle's invoice recomputed: from the recomputed verdicts, the disputed segments
and the week's rate, with ``core.billing`` (seconds to cents rounded once, half up)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workdiary.core.billing import amount_cents, hours_minutes_seconds
from workdiary.core.bundle_verdicts import SegmentCheck
from workdiary.core.model import Status


def check_invoice(problems: list[str], invoice: Mapping[str, Any], contract: Mapping[str, Any],
                  segments: Sequence[SegmentCheck]) -> str:
    """The week's figures recomputed from the recomputed verdicts and the terms; a problem
    per figure that differs from invoice.json. Returns the recomputed line."""
    try:
        rate = int(invoice["rate_cents"])
        currency = str(invoice.get("currency") or contract["contract"].get("currency", ""))
        disputed_ids = {str(i) for i in invoice.get("disputed_segment_ids", [])}
        claimed = (int(invoice["billable_seconds"]), int(invoice["disputed_seconds"]),
                   int(invoice["amount_cents"]))
        terms_rate = int(contract["terms"]["rate_cents"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.append(f"invoice.json is malformed ({exc!r}).")
        return ""
    billed = sum(s.billable_seconds for s in segments if s.status != Status.REJECTED.value)
    disputed = sum(s.billable_seconds for s in segments
                   if s.id in disputed_ids and s.status != Status.REJECTED.value)
    amount = amount_cents(max(0, billed - disputed), rate)
    if rate != terms_rate:
        problems.append("invoice.json's rate differs from the week's terms in contract.json.")
    if claimed != (billed, disputed, amount):
        problems.append(
            f"the invoice says {claimed[0]} s billed, {claimed[1]} s disputed, {claimed[2]} "
            f"cents; the segments give {billed} s, {disputed} s, {amount} cents.")
    kind = "invoiced" if invoice.get("invoiced") else "not invoiced yet (live figures)"
    return (f"{kind}: {hours_minutes_seconds(billed)} billed, "
            f"{hours_minutes_seconds(disputed)} disputed, at {money(rate, currency)}/h: "
            f"{money(amount, currency)}")


def money(cents: int, currency: str) -> str:
    """Exact, in units of a hundred cents (as every amount in workdiary): ``12.50 USD``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d} {currency}".rstrip()
