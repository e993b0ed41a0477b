"""The language picker's target: remembered on the account when signed in, else in the cookie."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.server.i18n.language import Languages
from workdiary.server.services import users
from workdiary.server.web.deps import DB, CheckedForm, safe_next, signed_in_user
from workdiary.server.web.rendering import page_language, redirect, web_session

router = APIRouter(include_in_schema=False)


@router.post("/language")
def choose_language(request: Request, db: DB, form: CheckedForm) -> Response:
    """Switch the pages to the posted language and go back to the page the picker was on."""
    languages: Languages = request.app.state.web_languages
    back = safe_next(str(form.get("return_to") or "/")[:2000])
    session = web_session(request)
    chosen = languages.get(str(form.get("language") or "")[:16])
    if chosen is None:
        message = page_language(request).gettext(
            "That language is not offered here. Pick one from the list.")
        session.set_flash("error", message)
        return redirect(request, back)
    session.set_lang(chosen.code)
    user = signed_in_user(request, db)
    if user is not None:
        users.set_language(db, user=user, language=chosen.code)
    return redirect(request, back)
