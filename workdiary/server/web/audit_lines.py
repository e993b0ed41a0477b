"""The audit page's rows in words: who (name and email), what (a sentence), about what (a link
where a page exists) and the detail as a few labelled values, in the viewer's language and zone.

The log stores codes and ids (services/audit.py); this module only reads them for people. An
action or detail key it does not know is shown as stored rather than hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from workdiary.server.i18n import formatting
from workdiary.server.i18n.language import N_, Language
from workdiary.server.services.admin import AuditNames, audit_contract_id
from workdiary.server.services.audit import AuditView
from workdiary.server.web.pages_notifications import KIND_LABELS
from workdiary.server.web.reasons import state_word

# One sentence per action, said of the actor ("Ada Admin — Decided the dispute").
ACTION_TEXT: dict[str, str] = {
    "contract.offered": N_("Offered the contract"),
    "contract.accepted": N_("Accepted the offer"),
    "contract.declined": N_("Declined the offer"),
    "contract.terms_changed": N_("Changed the contract's rate or weekly limit"),
    "contract.policy_changed": N_("Changed the tracking policy"),
    "contract.paused": N_("Paused the contract"),
    "contract.resumed": N_("Resumed the contract"),
    "contract.ended": N_("Ended the contract"),
    "dispute.opened": N_("Opened a dispute"),
    "dispute.message": N_("Wrote in the dispute"),
    "dispute.accepted": N_("Accepted the dispute: the time is not billed"),
    "dispute.contested": N_("Contested the dispute"),
    "dispute.withdrawn": N_("Withdrew the dispute"),
    "dispute.escalated": N_("Sent the dispute to an admin (nobody answered in time)"),
    "dispute.decided": N_("Decided the dispute"),
    "segment.memo_edited": N_("Edited a segment's memo"),
    "user.signed_up": N_("Signed up"),
    "user.email_verified": N_("Confirmed the email address"),
    "user.password_reset": N_("Set a new password with a mailed link"),
    "user.password_changed": N_("Changed the password"),
    "user.notifications": N_("Changed the mail settings"),
    "user.disabled": N_("Disabled the account"),
    "user.enabled": N_("Enabled the account"),
    "week.locked": N_("Locked the week and issued its invoice"),
    "week.approved": N_("Approved the week"),
    "week.paid": N_("Paid the week"),
}

# The detail keys worth showing, with their labels, in the order shown. Ids that the subject
# already links to (contract, invoice, message) are left out.
DETAIL_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "role": N_("Role"),
    "email": N_("Email"),
    "freelancer_email": N_("Freelancer's email"),
    "via": N_("How"),
    "status": N_("Status"),
    "state": N_("State"),
    "from": N_("Before"),
    "to": N_("After"),
    "outcome": N_("Outcome"),
    "note": N_("Note"),
    "side": N_("Side"),
    "characters": N_("Length"),
    "memo_length": N_("Memo length"),
    "week_start": N_("Week"),
    "from_week": N_("From the week of"),
    "segment_ids": N_("Segments"),
    "escalate_at": N_("Escalates at"),
    "rate_cents": N_("Rate per hour"),
    "weekly_limit_minutes": N_("Weekly limit"),
    "version": N_("Policy version"),
    "changes": N_("Changed"),
    "amount_cents": N_("Amount"),
    "by": N_("By"),
    "entry_no": N_("Ledger entry"),
    "off": N_("Mail turned off"),
}
HIDDEN_KEYS = frozenset({"contract_id", "invoice_id", "message_id", "currency", "policy"})
ROLE_WORDS = {"client": N_("client"), "freelancer": N_("freelancer"), "admin": N_("admin")}
SIDE_WORDS = {"client": N_("the client"), "freelancer": N_("the freelancer"),
              "admin": N_("an admin")}
APPROVER_WORDS = {"client": N_("the client"),
                  "auto": N_("nobody: the review time ran out, so it was approved")}
OUTCOME_WORDS = {"pay": N_("paid to the freelancer"), "refund": N_("kept by the client")}


@dataclass(frozen=True)
class Subject:
    """What an entry is about, as the page names it; ``href`` is None when no page shows it."""

    text: str
    href: str | None


@dataclass(frozen=True)
class AuditLine:
    id: int
    when: str
    actor_name: str | None  # None: the server itself
    actor_email: str
    sentence: str
    subject: Subject
    details: list[tuple[str, str]]


class _Writer:
    """Writes one page's lines for one language, zone and set of names."""

    def __init__(self, language: Language, zone: ZoneInfo, names: AuditNames) -> None:
        self.lang, self.zone, self.names = language, zone, names

    def line(self, entry: AuditView) -> AuditLine:
        actor = self.names.users.get(entry.actor_id or "")
        sentence = ACTION_TEXT.get(entry.action)
        return AuditLine(
            id=entry.id, when=self.stamp(entry.at),
            actor_name=(actor.name if actor else entry.actor_name) if entry.actor_id else None,
            actor_email=actor.email if actor else "",
            sentence=self.lang.gettext(sentence) if sentence else entry.action,
            subject=self.subject(entry), details=self.details(entry))

    def stamp(self, moment: datetime) -> str:
        return formatting.zoned_stamp(moment, self.zone, self.lang.locale)

    def _contract_text(self, contract_id: str | None) -> str:
        contract = self.names.contracts.get(contract_id or "")
        return (self.lang.gettext("Contract “%(title)s”") % {"title": contract.title}
                if contract else self.lang.gettext("A contract that no longer exists"))

    def subject(self, entry: AuditView) -> Subject:
        kind, sid = entry.subject_type, entry.subject_id
        contract_id = audit_contract_id(entry)
        contract_href = f"/admin/contracts#contract-{contract_id}" if contract_id else None
        if kind == "user":
            user = self.names.users.get(sid)
            if user is None:
                return Subject(self.lang.gettext("An account that no longer exists"), None)
            return Subject(f"{user.name} <{user.email}>", f"/admin/users#user-{sid}")
        if kind == "dispute":
            dispute = self.names.disputes.get(sid)
            if dispute is None:
                return Subject(self.lang.gettext("A dispute that no longer exists"), None)
            contract = self.names.contracts.get(dispute.contract_id)
            return Subject(self.lang.gettext("Dispute over the week of %(week)s, “%(title)s”") % {
                "week": formatting.week_date(dispute.week_start, self.lang.locale),
                "title": contract.title if contract else "?"}, f"/disputes/{sid}")
        if kind == "week":
            week = _day(sid.split(":", 1)[-1])
            contract = self.names.contracts.get(contract_id or "")
            if week is None or contract is None:
                return Subject(sid, None)
            return Subject(self.lang.gettext("Week of %(week)s, “%(title)s”") % {
                "week": formatting.week_date(week, self.lang.locale), "title": contract.title},
                contract_href)
        if kind == "segment":
            return Subject(self.lang.gettext("A segment of the contract “%(title)s”") % {
                "title": self.names.contracts[contract_id].title}
                if contract_id in self.names.contracts else sid, contract_href)
        if kind == "contract":
            return Subject(self._contract_text(sid),
                           contract_href if sid in self.names.contracts else None)
        return Subject(f"{kind} {sid}", None)

    def details(self, entry: AuditView) -> list[tuple[str, str]]:
        shown = [k for k in DETAIL_LABELS if k in entry.detail]
        shown += sorted(k for k in entry.detail if k not in DETAIL_LABELS and k not in HIDDEN_KEYS)
        return [(self.lang.gettext(DETAIL_LABELS[k]) if k in DETAIL_LABELS else k,
                 self.value(entry, k, entry.detail[k])) for k in shown]

    def value(self, entry: AuditView, key: str, value: object) -> str:
        if isinstance(value, dict) and set(value) == {"old", "new"}:
            old, new = (self.value(entry, key, value[k]) for k in ("old", "new"))
            return f"{old} → {new}"
        g, locale = self.lang.gettext, self.lang.locale
        if value is None:
            return g("none")
        if key in ("status", "state", "from", "to"):
            return g(state_word(str(value)))
        if key == "role":
            return g(ROLE_WORDS.get(str(value), str(value)))
        if key == "side":
            return g(SIDE_WORDS.get(str(value), str(value)))
        if key == "outcome":
            return g(OUTCOME_WORDS.get(str(value), str(value)))
        if key in ("rate_cents", "amount_cents") and isinstance(value, int):
            return formatting.money(value, self._currency(entry), locale)
        if key == "weekly_limit_minutes" and isinstance(value, int):
            return formatting.duration_words(value, locale)
        if key in ("week_start", "from_week") and isinstance(value, str) and _day(value):
            return formatting.week_date(_day(value) or date.min, locale)
        if key == "escalate_at" and isinstance(value, str):
            moment = _moment(value)
            return self.stamp(moment) if moment else value
        if key in ("characters", "memo_length") and isinstance(value, int):
            return self.lang.ngettext("%(num)d character", "%(num)d characters", value) % {
                "num": value}
        if key == "segment_ids" and isinstance(value, list):
            return self.lang.ngettext("%(num)d segment", "%(num)d segments", len(value)) % {
                "num": len(value)}
        if key == "changes" and isinstance(value, dict):
            return ", ".join(sorted(value)) or g("none")
        if key == "off" and isinstance(value, list):
            return ", ".join(g(KIND_LABELS.get(str(k), str(k))) for k in value) or g("none")
        if key == "by" and isinstance(value, str):
            user = self.names.users.get(value)
            return user.name if user else g(APPROVER_WORDS.get(value, value))
        if isinstance(value, (dict, list)):
            return json.dumps(value, sort_keys=True)[:200]
        return str(value)

    def _currency(self, entry: AuditView) -> str:
        stored = entry.detail.get("currency")
        if isinstance(stored, str):
            return stored
        contract = self.names.contracts.get(audit_contract_id(entry) or "")
        return contract.currency if contract else "USD"


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def audit_lines(entries: list[AuditView], *, names: AuditNames, language: Language,
                zone: ZoneInfo) -> list[AuditLine]:
    """The page's rows, newest first as the log gives them."""
    writer = _Writer(language, zone, names)
    return [writer.line(e) for e in entries]
