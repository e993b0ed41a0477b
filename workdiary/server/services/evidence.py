"""What goes into a contract-week's evidence bundle (GET /contracts/{id}/weeks/{w}/evidence).

``gather_week`` reads, for one week of one contract the caller is party to: the stored signed
records (the newest memo edit; tombstones as stored), the devices' public keys, the chain
hashes of the records just before them that are not in the week (anchors), the screenshots'
uploaders and stamps, the server's verdicts with what they were judged by (the contract's
status and policy at each segment's start, the upload moment), and the invoice or the live
figures with the week's terms and the disputed segments. ``services/evidence_zip.py`` writes
them as the zip; ``core/evidence.py`` names the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core.billing import amount_cents
from workdiary.core.canonical import segment_from_dict
from workdiary.core.model import Contract as CoreContract
from workdiary.core.signing import key_id
from workdiary.core.timegrid import isoformat_z
from workdiary.server.models import (
    Contract,
    Device,
    Dispute,
    DisputeSegment,
    Screenshot,
    SegmentRow,
    SegmentScreenshot,
    User,
)
from workdiary.server.services import billing, weeks
from workdiary.server.services.batch_state import referenced_shas
from workdiary.server.services.contract_timeline import load_timelines
from workdiary.server.services.contracts import get_contract_for, party_names, to_core
from workdiary.server.services.dispute_states import WITHHOLDING
from workdiary.server.services.timesheet import invoice_dict


@dataclass(frozen=True, slots=True)
class ShotFile:
    """An image to put in the bundle: bound to one of the week's live segments."""

    sha256: str
    content_type: str


@dataclass(frozen=True, slots=True)
class EvidenceWeek:
    contract_id: str
    week_start: date
    records: list[SegmentRow]
    contract: dict[str, Any]
    devices: dict[str, Any]
    chain: dict[str, Any]
    screenshots: list[dict[str, Any]]  # the file path is set by the writer
    shot_files: list[ShotFile]
    verdicts: dict[str, Any]
    invoice: dict[str, Any]


def _moment(value: datetime | None) -> str | None:
    """Full precision (microseconds): the verifier compares upload moments with these."""
    return value.isoformat() if value is not None else None


def gather_week(session: Session, *, user: User, contract_id: str, week_start: date
                ) -> EvidenceWeek:
    """Everything the bundle holds; NotFound for a contract the caller is not party to."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    weeks.require_week_start(week_start)
    rows = list(session.scalars(select(SegmentRow).where(
        SegmentRow.contract_id == contract.id, SegmentRow.week_start == week_start)
        .order_by(SegmentRow.start, SegmentRow.id)))
    timeline = load_timelines(session, [contract])[contract.id]
    base = to_core(session, contract)
    terms = timeline.terms_for_week(week_start)
    client_name, freelancer_name = party_names(session, contract)
    shots, shot_files = _screenshots(session, rows)
    return EvidenceWeek(
        contract_id=contract.id, week_start=week_start, records=rows,
        contract={"contract": {"id": contract.id, "title": contract.title,
                               "client": client_name, "freelancer": freelancer_name,
                               "currency": contract.currency, "status": contract.status},
                  "terms": {**terms.to_dict(), "currency": contract.currency}},
        devices=_devices(session, contract, rows),
        chain=_anchors(session, contract, rows),
        screenshots=shots, shot_files=shot_files,
        verdicts={"segments": [
            _verdict(row, timeline.as_of(base, row.start, row.end, week_start))
            for row in rows]},
        invoice=_invoice(session, contract, week_start, rows, terms.rate_cents),
    )


def _verdict(row: SegmentRow, judged_by: CoreContract) -> dict[str, Any]:
    return {"id": row.id, "device_id": row.device_id, "seq": row.seq, "kind": row.kind,
            "start": isoformat_z(row.start), "end": isoformat_z(row.end),
            "received_at": _moment(row.received_at), "status": row.status,
            "reasons": list(row.reasons), "billable_seconds": row.billable_seconds,
            "over_limit_seconds": row.over_limit_seconds, "memo_edited": row.memo_edited,
            "deleted": row.deleted, "contract_status": judged_by.status,
            "policy": judged_by.policy.to_dict()}


def _devices(session: Session, contract: Contract, rows: list[SegmentRow]) -> dict[str, Any]:
    ids = {row.device_id for row in rows}
    devices = session.scalars(select(Device).where(Device.id.in_(ids))).all() if ids else []
    return {"devices": [
        {"device_id": d.id, "public_key": d.public_key, "key_id": key_id(d.public_key),
         "name": d.name, "revoked": d.revoked, "registered_at": isoformat_z(d.created_at)}
        for d in sorted(devices, key=lambda d: d.id) if d.user_id == contract.freelancer_id]}


def _anchors(session: Session, contract: Contract, rows: list[SegmentRow]) -> dict[str, Any]:
    """Chain hashes of the records just before the week's first record of each run (on
    another contract or in another week), as the server holds them."""
    held = {(row.device_id, row.seq) for row in rows}
    wanted = {(row.device_id, row.seq - 1) for row in rows if row.seq > 1} - held
    anchors = []
    if wanted:
        found = session.execute(select(
            SegmentRow.device_id, SegmentRow.seq, SegmentRow.chain_hash, SegmentRow.received_at)
            .where(SegmentRow.freelancer_id == contract.freelancer_id,
                   SegmentRow.device_id.in_({d for d, _ in wanted}),
                   SegmentRow.seq.in_({s for _, s in wanted})))
        anchors = [{"device_id": device, "seq": seq, "chain_hash": chain,
                    "received_at": _moment(received)}
                   for device, seq, chain, received in found if (device, seq) in wanted]
    return {"anchors": sorted(anchors, key=lambda a: (a["device_id"], a["seq"]))}


def _screenshots(session: Session, rows: list[SegmentRow]
                 ) -> tuple[list[dict[str, Any]], list[ShotFile]]:
    """Every referenced image's uploader, stamp and upload moment; the images bound to the
    week's live segments are the ones the bundle may carry (a borrowed reference to someone
    else's image never puts that image in)."""
    live = [row for row in rows if not row.deleted]
    referenced: set[str] = set()
    for row in live:
        referenced |= referenced_shas(segment_from_dict(dict(row.body)))
    if not referenced:
        return [], []
    bound = set(session.scalars(select(SegmentScreenshot.sha256).where(
        SegmentScreenshot.segment_id.in_({row.id for row in live}))))
    shots = session.scalars(select(Screenshot).where(Screenshot.sha256.in_(referenced))).all()
    meta, files = [], []
    for shot in sorted(shots, key=lambda s: s.sha256):
        meta.append({"sha256": shot.sha256, "device_id": shot.device_id,
                     "stamp_segment_id": shot.stamp_segment_id,
                     "stamp_taken_at": isoformat_z(shot.stamp_taken_at)
                     if shot.stamp_taken_at else None,
                     "uploaded_at": _moment(shot.created_at), "bound": shot.sha256 in bound,
                     "content_type": shot.content_type if shot.sha256 in bound else None,
                     "size": shot.size if shot.sha256 in bound else None, "file": None})
        if shot.sha256 in bound:
            files.append(ShotFile(shot.sha256, shot.content_type))
    return meta, files


def _invoice(session: Session, contract: Contract, week_start: date, rows: list[SegmentRow],
             rate_cents: int) -> dict[str, Any]:
    disputed_ids = sorted(set(session.scalars(
        select(DisputeSegment.segment_id).join(Dispute, Dispute.id == DisputeSegment.dispute_id)
        .where(Dispute.contract_id == contract.id, Dispute.week_start == week_start,
               Dispute.state.in_(WITHHOLDING)))))
    invoice = weeks.get_invoice(session, contract_id=contract.id, week_start=week_start)
    if invoice is not None:
        return {"invoiced": True, "invoice": invoice_dict(invoice),
                "rate_cents": invoice.rate_cents, "currency": invoice.currency,
                "billable_seconds": invoice.billable_seconds,
                "disputed_seconds": invoice.disputed_seconds,
                "amount_cents": invoice.amount_cents, "disputed_segment_ids": disputed_ids}
    billed = sum(row.billable_seconds for row in rows
                 if not row.deleted and row.status != "rejected")
    disputed = billing.disputed_seconds(session, contract_id=contract.id, week_start=week_start)
    return {"invoiced": False, "invoice": None, "rate_cents": rate_cents,
            "currency": contract.currency, "billable_seconds": billed,
            "disputed_seconds": disputed,
            "amount_cents": amount_cents(max(0, billed - disputed), rate_cents),
            "disputed_segment_ids": disputed_ids}
