"""A contract's tracking policy in plain words: shown before clocking in (DESIGN.md, Privacy)."""

from __future__ import annotations

from workdiary.capture.base import CaptureLimits
from workdiary.core.model import CaptureMode, Contract, Policy

_CAPTURE = {
    CaptureMode.ALL: "all your monitors (stitched into one picture)",
    CaptureMode.PRIMARY: "your primary monitor only",
    CaptureMode.ACTIVE: "the monitor under the mouse pointer only",
}


def describe_policy(policy: Policy, limits: CaptureLimits | None = None) -> list[str]:
    """One sentence per rule the freelancer agrees to by clocking in; ``limits`` (from
    ``capture.platform.capture_limits``) says what this desktop records differently."""
    limits = limits or CaptureLimits()
    shots = policy.screenshots_per_segment
    lines = [
        f"Time is recorded in {policy.segment_minutes}-minute segments; "
        f"{shots} screenshot{'s are' if shots > 1 else ' is'} taken at random moments in each, "
        f"of {_CAPTURE[policy.capture]}.",
        "Screenshots are blurred on this computer before they are stored: text cannot be read."
        if policy.blur else "Screenshots are stored sharp (not blurred).",
        _titles(policy, limits),
        "Activity is measured from the desktop's idle time: this desktop lets no application "
        "count keys or clicks, so minutes record active seconds only."
        if limits.activity_from_idle else
        "Keyboard and mouse activity is counted: how many events, never which keys.",
        f"After {policy.idle_minutes} minutes without input the time is marked idle; when you "
        f"come back you keep or discard it.",
        "You can redact parts of a screenshot before upload (the segment keeps its time)."
        if policy.allow_redaction else
        "This contract does not allow redaction: a screenshot can only be deleted, with its "
        "segment's time.",
    ]
    if limits.screenshot_consent:
        lines.insert(1, "Your desktop asks once whether workdiary may take screenshots: allow "
                        "it, or every screenshot is recorded as a failed capture and the "
                        "segments lose protection (not pay).")
    return lines


def _titles(policy: Policy, limits: CaptureLimits) -> str:
    if not policy.window_titles:
        return "Window titles are not recorded."
    if limits.titles_unavailable:
        return f"The policy asks for window titles. {limits.titles_unavailable}"
    return "The active application and window title are recorded with each screenshot."


def describe_contract(contract: Contract) -> str:
    """Client, rate and weekly limit on one line (the title is shown apart)."""
    limit = ("no weekly limit" if contract.weekly_limit_minutes is None
             else f"limit {contract.weekly_limit_minutes / 60:g} h/week")
    client = f"{contract.client_name} · " if contract.client_name else ""
    return f"{client}{contract.rate_cents / 100:.2f} {contract.currency}/h · {limit}"


def describe_policy_change(old: Policy, new: Policy) -> list[str]:
    """What changed between two policies, one short phrase each (the tray says it once)."""
    changes: list[str] = []
    if old.segment_minutes != new.segment_minutes:
        changes.append(f"segments of {new.segment_minutes} minutes "
                       f"(were {old.segment_minutes})")
    if old.screenshots_per_segment != new.screenshots_per_segment:
        changes.append(f"{new.screenshots_per_segment} screenshot(s) per segment "
                       f"(were {old.screenshots_per_segment})")
    if old.capture != new.capture:
        changes.append(f"screenshots of {_CAPTURE[new.capture]}")
    if old.blur != new.blur:
        changes.append("screenshots are blurred" if new.blur else "screenshots are no longer "
                       "blurred")
    if old.allow_redaction != new.allow_redaction:
        changes.append("redaction is allowed" if new.allow_redaction
                       else "redaction is no longer allowed")
    if old.allow_manual != new.allow_manual:
        changes.append("manual time is allowed" if new.allow_manual
                       else "manual time is no longer allowed")
    if old.window_titles != new.window_titles:
        changes.append("window titles are recorded" if new.window_titles
                       else "window titles are no longer recorded")
    if old.idle_minutes != new.idle_minutes:
        changes.append(f"idle after {new.idle_minutes} minutes (was {old.idle_minutes})")
    return changes


def policy_change_message(title: str, old: Policy, new: Policy) -> str | None:
    """The tray's sentence about a changed policy, or None when nothing changed."""
    changes = describe_policy_change(old, new)
    if not changes:
        return None
    return (f"The client changed the tracking policy of \u201c{title}\u201d: "
            f"{'; '.join(changes)}. It applies from the next segment.")


def describe_offer(contract: Contract, limits: CaptureLimits | None = None) -> list[str]:
    """An offer as the freelancer reads it before answering: title, terms, then the policy."""
    return [f"{contract.title}: {describe_contract(contract)}",
            "If you accept, this is what is recorded while you are clocked in:",
            *(f"  - {line}" for line in describe_policy(contract.policy, limits))]
