"""Human-readable lines for a sync pass (`workdiary sync`, `workdiary demo`)."""

from __future__ import annotations

from collections import Counter

from workdiary.core.billing import hours_minutes_seconds
from workdiary.sync.outbox import SyncReport


def format_report(report: SyncReport, pending: int | None = None) -> list[str]:
    """One summary line, one line per verdict that is not plainly protected, then problems."""
    lines: list[str] = []
    if report.verdicts:
        counts = Counter(v.status for v in report.verdicts)
        seconds = sum(v.billable_seconds for v in report.verdicts)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        lines.append(f"uploaded {len(report.verdicts)} segment(s): {summary}; "
                     f"{hours_minutes_seconds(seconds)} billable")
        for v in report.verdicts:
            if v.status != "protected" or v.reasons:
                why = ", ".join(v.reasons) or "no reason given"
                lines.append(f"  {v.id}: {v.status} ({why}), {v.billable_seconds} billable s")
    if report.screenshots_uploaded:
        lines.append(f"uploaded {report.screenshots_uploaded} screenshot(s)")
    for sha, why in report.screenshot_problems:
        lines.append(f"  screenshot {sha[:12]}: not uploaded ({why})")
    for segment_id in report.deleted:
        lines.append(f"deleted on the server: {segment_id}")
    for segment_id in report.memo_edited:
        lines.append(f"memo edited on the server: {segment_id}")
    for segment_id, reason in report.memo_refused:
        lines.append(f"{segment_id}: {reason}; the memo on the server stays as it was")
    for segment_id, reason in report.quarantined:
        lines.append(f"quarantined {segment_id}: {reason} (kept locally, not retried)")
    if report.purged:
        lines.append(f"removed {report.purged} local screenshot file(s) accepted long ago")
    if report.too_early:
        lines.append(f"{len(report.too_early)} segment(s) not accepted yet: "
                     f"{report.clock_warning}")
    if report.token_notice:
        lines.append(f"login: {report.token_notice}")
    if report.paused:
        lines.append(f"paused: {report.paused}")
    if report.error:
        lines.append(f"sync incomplete: {report.error}")
    if report.refused:
        lines.append(f"upload refused: {report.refused}")
    if pending is not None:
        lines.append(f"pending uploads: {pending}" if pending else "nothing left to upload")
    return lines
