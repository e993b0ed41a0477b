"""A contract's tracking policy in plain words: shown before clocking in (DESIGN.md, Privacy).

The sentences go through ``i18n.translate`` (the tray app's language); money through Babel."""

from __future__ import annotations

from workdiary.capture.base import CaptureLimits
from workdiary.core.model import CaptureMode, Contract, Policy
from workdiary.desktop import formatting
from workdiary.desktop.i18n import plural, translate


def _capture(mode: CaptureMode) -> str:
    if mode is CaptureMode.ALL:
        return translate("Policy", "all your monitors (stitched into one picture)")
    if mode is CaptureMode.PRIMARY:
        return translate("Policy", "your primary monitor only")
    return translate("Policy", "the monitor under the mouse pointer only")


def describe_policy(policy: Policy, limits: CaptureLimits | None = None) -> list[str]:
    """One sentence per rule the freelancer agrees to by clocking in; ``limits`` (from
    ``capture.platform.capture_limits``) says what this desktop records differently."""
    limits = limits or CaptureLimits()
    shots = policy.screenshots_per_segment
    lines = [
        plural(shots,
               translate("Policy", "Time is recorded in {minutes}-minute segments; {shots} "
                                   "screenshot is taken at a random moment in each, of {what}."),
               translate("Policy", "Time is recorded in {minutes}-minute segments; {shots} "
                                   "screenshots are taken at random moments in each, of {what}."),
               ).format(minutes=policy.segment_minutes, shots=shots,
                        what=_capture(policy.capture)),
        translate("Policy", "Screenshots are blurred on this computer before they are stored: "
                            "text cannot be read.")
        if policy.blur else translate("Policy", "Screenshots are stored sharp (not blurred)."),
        _titles(policy, limits),
        translate("Policy", "Activity is measured from the desktop's idle time: this desktop "
                            "lets no application count keys or clicks, so minutes record active "
                            "seconds only.")
        if limits.activity_from_idle else
        translate("Policy", "Keyboard and mouse activity is counted: how many events, never "
                            "which keys."),
        translate("Policy", "After {minutes} minutes without input the time is marked idle; "
                            "when you come back you keep or discard it."
                  ).format(minutes=policy.idle_minutes),
        translate("Policy", "You can redact parts of a screenshot before upload (the segment "
                            "keeps its time).")
        if policy.allow_redaction else
        translate("Policy", "This contract does not allow redaction: a screenshot can only be "
                            "deleted, with its segment's time."),
    ]
    if limits.screenshot_consent:
        lines.insert(1, translate(
            "Policy", "Your desktop asks once whether workdiary may take screenshots: allow it, "
                      "or every screenshot is recorded as a failed capture and the segments "
                      "lose protection (not pay)."))
    return lines


def _titles(policy: Policy, limits: CaptureLimits) -> str:
    if not policy.window_titles:
        return translate("Policy", "Window titles are not recorded.")
    if limits.titles_unavailable:
        return translate("Policy", "The policy asks for window titles. {why}").format(
            why=limits.titles_unavailable)
    return translate("Policy", "The active application and window title are recorded with "
                               "each screenshot.")


def describe_contract(contract: Contract) -> str:
    """Client, rate and weekly limit on one line (the title is shown apart)."""
    limit = (translate("Policy", "no weekly limit") if contract.weekly_limit_minutes is None
             else translate("Policy", "limit {hours} h/week").format(
                 hours=formatting.number(round(contract.weekly_limit_minutes / 60, 2))))
    rate = translate("Policy", "{money}/h").format(
        money=formatting.money(contract.rate_cents, contract.currency))
    return " · ".join(part for part in (contract.client_name, rate, limit) if part)


def _switched(now_on: bool, on: str, off: str) -> str:
    return on if now_on else off


def describe_policy_change(old: Policy, new: Policy) -> list[str]:
    """What changed between two policies, one short phrase each (the tray says it once)."""
    changes: list[str] = []
    if old.segment_minutes != new.segment_minutes:
        changes.append(translate("Policy", "segments of {minutes} minutes (were {before})").format(
            minutes=new.segment_minutes, before=old.segment_minutes))
    if old.screenshots_per_segment != new.screenshots_per_segment:
        changes.append(plural(
            new.screenshots_per_segment,
            translate("Policy", "{shots} screenshot per segment (were {before})"),
            translate("Policy", "{shots} screenshots per segment (were {before})"),
        ).format(shots=new.screenshots_per_segment, before=old.screenshots_per_segment))
    if old.capture != new.capture:
        changes.append(translate("Policy", "screenshots of {what}").format(
            what=_capture(new.capture)))
    if old.blur != new.blur:
        changes.append(_switched(new.blur, translate("Policy", "screenshots are blurred"),
                                 translate("Policy", "screenshots are no longer blurred")))
    if old.allow_redaction != new.allow_redaction:
        changes.append(_switched(new.allow_redaction,
                                 translate("Policy", "redaction is allowed"),
                                 translate("Policy", "redaction is no longer allowed")))
    if old.allow_manual != new.allow_manual:
        changes.append(_switched(new.allow_manual, translate("Policy", "manual time is allowed"),
                                 translate("Policy", "manual time is no longer allowed")))
    if old.window_titles != new.window_titles:
        changes.append(_switched(new.window_titles,
                                 translate("Policy", "window titles are recorded"),
                                 translate("Policy", "window titles are no longer recorded")))
    if old.idle_minutes != new.idle_minutes:
        changes.append(translate("Policy", "idle after {minutes} minutes (was {before})").format(
            minutes=new.idle_minutes, before=old.idle_minutes))
    return changes


def policy_change_message(title: str, old: Policy, new: Policy) -> str | None:
    """The tray's sentence about a changed policy, or None when nothing changed."""
    changes = describe_policy_change(old, new)
    if not changes:
        return None
    return translate("Policy", "The client changed the tracking policy of “{title}”: "
                               "{changes}. It applies from the next segment.").format(
        title=title, changes="; ".join(changes))


def describe_offer(contract: Contract, limits: CaptureLimits | None = None) -> list[str]:
    """An offer as the freelancer reads it before answering: title, terms, then the policy."""
    return [f"{contract.title}: {describe_contract(contract)}",
            translate("Policy", "If you accept, this is what is recorded while you are clocked "
                                "in:"),
            *(f"  - {line}" for line in describe_policy(contract.policy, limits))]
