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
