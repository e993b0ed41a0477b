"""Plain-language text for the verification reasons and statuses shown on the pages."""

from __future__ import annotations

from workdiary.core.model import Reason, Status

REASON_TEXT: dict[str, str] = {
    Reason.BAD_SIGNATURE: "Signature does not match the device's key",
    Reason.UNKNOWN_DEVICE: "Signed by a device that is not registered or was revoked",
    Reason.CHAIN_BREAK: "Break in the device's record chain (a record is missing or reordered)",
    Reason.OVERLAP: "Overlaps time already recorded by this freelancer",
    Reason.FUTURE: "Starts in the future",
    Reason.OUTSIDE_CONTRACT: "Outside the contract (closed, or not this freelancer's)",
    Reason.WEEK_LOCKED: "Arrived after the week locked",
    Reason.OVER_WEEKLY_LIMIT: "Past the weekly limit: those minutes are not billed",
    Reason.NO_SCREENSHOT: "No screenshot",
    Reason.SCREENSHOT_UNBOUND: "A screenshot is not this segment's own (another device, "
                               "segment or moment)",
    Reason.CAPTURE_FAILED: "The screenshot could not be captured",
    Reason.NO_ACTIVITY: "No keyboard or mouse activity",
    Reason.NO_MEMO: "No memo",
    Reason.MANUAL: "Manual time",
    Reason.REDACTED: "Screenshot redacted by the freelancer",
    Reason.DELETED: "Deleted by the freelancer",
}

STATUS_TEXT: dict[str, str] = {
    Status.PROTECTED: "Protected",
    Status.UNPROTECTED: "Unprotected",
    Status.REJECTED: "Rejected",
}

STATUS_HELP: dict[str, str] = {
    Status.PROTECTED: "Verified evidence: signed, chained, with screenshot, activity and memo.",
    Status.UNPROTECTED: "Billable, but the evidence is incomplete for the reasons listed.",
    Status.REJECTED: "Not billable, for the reasons listed.",
}


def reason_text(code: str) -> str:
    """The sentence for a reason code; an unknown code is shown as it is rather than hidden."""
    return REASON_TEXT.get(code, code.replace("_", " ").capitalize())


def status_text(status: str) -> str:
    return STATUS_TEXT.get(status, status.capitalize())
