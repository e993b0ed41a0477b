"""Plain-language text for the verification reasons and statuses shown on the pages.

The texts are English msgids marked with ``N_``: the templates translate them where they are
shown (``{{ _(text) }}``, the ``state`` filter), in the viewer's language.
"""

from __future__ import annotations

from workdiary.core.model import Reason, Status
from workdiary.server.i18n.language import N_

REASON_TEXT: dict[str, str] = {
    Reason.BAD_SIGNATURE: N_("Signature does not match the device's key"),
    Reason.UNKNOWN_DEVICE: N_("Signed by a device that is not registered or was revoked"),
    Reason.CHAIN_BREAK: N_("Break in the device's record chain (a record is missing or reordered)"),
    Reason.OVERLAP: N_("Overlaps time already recorded by this freelancer"),
    Reason.FUTURE: N_("Starts in the future"),
    Reason.OUTSIDE_CONTRACT: N_("Outside the contract (closed, or not this freelancer's)"),
    Reason.CONTRACT_INACTIVE: N_("Started while the contract was paused or ended"),
    Reason.WEEK_LOCKED: N_("Arrived after the week locked"),
    Reason.OVER_WEEKLY_LIMIT: N_("Past the weekly limit: those minutes are not billed"),
    Reason.NO_SCREENSHOT: N_("No screenshot"),
    Reason.SCREENSHOT_UNBOUND: N_("A screenshot is not this segment's own (another device, "
                               "segment or moment)"),
    Reason.CAPTURE_FAILED: N_("The screenshot could not be captured"),
    Reason.NO_ACTIVITY: N_("No keyboard or mouse activity"),
    Reason.NO_MEMO: N_("No memo"),
    Reason.MANUAL: N_("Manual time"),
    Reason.REDACTED: N_("Screenshot redacted by the freelancer"),
    Reason.DELETED: N_("Deleted by the freelancer"),
}

STATUS_HELP: dict[str, str] = {
    Status.PROTECTED: N_("Verified evidence: signed, chained, with screenshot, activity and memo."),
    Status.UNPROTECTED: N_("Billable, but the evidence is incomplete for the reasons listed."),
    Status.REJECTED: N_("Not billable, for the reasons listed."),
}


def reason_text(code: str) -> str:
    """The sentence for a reason code; an unknown code is shown as it is rather than hidden."""
    return REASON_TEXT.get(code, code.replace("_", " ").capitalize())


STATE_WORDS: dict[str, str] = {
    "active": N_("active"),
    "paused": N_("paused"),
    "offered": N_("offered"),
    "declined": N_("declined"),
    "ended": N_("ended"),
    "closed": N_("closed"),
    "open": N_("open"),
    "in_review": N_("in review"),
    "approved": N_("approved"),
    "paid": N_("paid"),
    "disputed": N_("disputed"),
    "protected": N_("Protected"),
    "unprotected": N_("Unprotected"),
    "rejected": N_("Rejected"),
    # dispute states (services/dispute_states.py)
    "accepted": N_("accepted by the freelancer"),
    "contested": N_("contested"),
    "withdrawn": N_("withdrawn"),
    "escalated": N_("waiting for an admin"),
    "decided_pay": N_("decided: paid to the freelancer"),
    "decided_refund": N_("decided: kept by the client"),
}


def state_word(code: str) -> str:
    """The English word for a status code (contract, invoice, segment); unknown codes readable."""
    return STATE_WORDS.get(code, code.replace("_", " "))
