"""A dispute's page for its two parties and the admins: facts, disputed segments, the
conversation, and the forms each side may use (message, accept, contest, withdraw, decide).

Reads through ``services.dispute_conversation`` like the API, so the page offers exactly what
``DisputeView.can`` allows; a stranger gets the same 404 as for a missing dispute.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.server.blobs import SHA256_RE, BlobStore
from workdiary.server.errors import NotFound, ServiceError
from workdiary.server.i18n.language import N_
from workdiary.server.services import dispute_conversation as conversation
from workdiary.server.services.screenshots import may_view, segment_showing, stored_content_type
from workdiary.server.web.deps import DB, CheckedForm, PageNotFound, Viewer
from workdiary.server.web.rendering import finish, page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)

DONE = {
    "message": N_("Message sent: the other party is told by email."),
    "accept": N_("Dispute accepted: the disputed time leaves the invoice for good."),
    "contest": N_("Dispute contested: unless the client withdraws it in time, an admin "
                  "decides."),
    "decide": N_("Decision recorded: both parties are told by email."),
}


def _now(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


@router.get("/disputes/{dispute_id}")
def dispute_page(request: Request, dispute_id: str, db: DB, viewer: Viewer) -> Response:
    """The dispute with its segments and conversation, and the viewer's forms."""
    try:
        view = conversation.get_dispute(db, user=viewer, dispute_id=dispute_id)
    except NotFound as exc:
        raise PageNotFound() from exc
    # An admin sees the pictures only while the dispute waits for their decision.
    show_shots = view.viewer_side != "admin" or view.dispute.state == "escalated"
    return render(request, "dispute.html", {
        "v": view, "d": view.dispute, "contract": view.contract, "can": view.can,
        "show_shots": show_shots,
        "nav": "admin_disputes" if view.viewer_side == "admin" else "dashboard",
        "max_message": conversation.MAX_MESSAGE, "max_note": conversation.MAX_NOTE,
    })


@router.get("/disputes/{dispute_id}/screenshots/{sha256}")
def dispute_screenshot(request: Request, dispute_id: str, sha256: str, db: DB,
                       viewer: Viewer) -> Response:
    """A screenshot of a disputed segment: for the parties, and for an admin while deciding
    (``screenshots.may_view``). Not cached: an admin's access ends with the decision."""
    try:
        view = conversation.get_dispute(db, user=viewer, dispute_id=dispute_id)
    except NotFound as exc:
        raise PageNotFound() from exc
    shas = {shot.sha256 for s in view.segments for shot in s.screenshots}
    if not (SHA256_RE.match(sha256) and sha256 in shas
            and segment_showing(db, contract_id=view.contract.id, sha256=sha256) is not None
            and may_view(db, user=viewer, sha256=sha256)):
        raise PageNotFound(N_("This screenshot does not exist, or it is not yours to see."))
    blobs: BlobStore = request.app.state.blobs
    data = blobs.get(sha256)
    if data is None:
        raise PageNotFound(N_("This screenshot was referenced by a segment but never uploaded."))
    response = Response(data, media_type=stored_content_type(db, sha256=sha256),
                        headers={"Cache-Control": "no-store"})
    return finish(request, response)


def _act(request: Request, dispute_id: str, action: str, call: object) -> Response:
    session = web_session(request)
    try:
        assert callable(call)
        call()
    except NotFound as exc:
        raise PageNotFound() from exc
    except ServiceError as exc:
        session.set_flash("error", exc.message[:1].upper() + exc.message[1:])
    else:
        session.set_flash("ok", page_language(request).gettext(DONE[action]))
    return redirect(request, f"/disputes/{dispute_id[:64]}")


@router.post("/disputes/{dispute_id}/messages")
def message(request: Request, dispute_id: str, db: DB, viewer: Viewer,
            form: CheckedForm) -> Response:
    """A party writes; an empty or too long text comes back as the service's sentence."""
    text = str(form.get("text") or "")
    return _act(request, dispute_id, "message", lambda: conversation.post_message(
        db, user=viewer, dispute_id=dispute_id, text=text, now=_now(request).now()))


@router.post("/disputes/{dispute_id}/accept")
def accept(request: Request, dispute_id: str, db: DB, viewer: Viewer,
           form: CheckedForm) -> Response:
    return _act(request, dispute_id, "accept", lambda: conversation.accept_dispute(
        db, user=viewer, dispute_id=dispute_id, now=_now(request).now()))


@router.post("/disputes/{dispute_id}/contest")
def contest(request: Request, dispute_id: str, db: DB, viewer: Viewer,
            form: CheckedForm) -> Response:
    return _act(request, dispute_id, "contest", lambda: conversation.contest_dispute(
        db, user=viewer, dispute_id=dispute_id, now=_now(request).now()))


@router.post("/disputes/{dispute_id}/decision")
def decide(request: Request, dispute_id: str, db: DB, viewer: Viewer,
           form: CheckedForm) -> Response:
    """An admin decides: pay or refund, with a note."""
    outcome = str(form.get("outcome") or "")[:16]
    note = str(form.get("note") or "")
    return _act(request, dispute_id, "decide", lambda: conversation.decide_dispute(
        db, user=viewer, dispute_id=dispute_id, outcome=outcome, note=note,
        now=_now(request).now()))
