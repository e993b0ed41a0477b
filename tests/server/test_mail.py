"""Mail: SMTP settings, delivery to a real SMTP server on loopback (aiosmtpd), .eml files without
SMTP, retries through an outage, each mail once with two workers, the weekly job's mails queued
once, opt-out (never for security mail), and GET/PUT /me/notifications."""

from __future__ import annotations

import json
import stat
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World
from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.server.app import mail_sender
from workdiary.server.mail.delivery import LEASE, MailSender, backoff, claim_due, deliver_due
from workdiary.server.mail.transport import FileTransport, SmtpTransport
from workdiary.server.models import AuditEntry, MailRow, User
from workdiary.server.services import mail, notifications
from workdiary.server.services.weeks import approve_week, close_weeks
from workdiary.server.settings import Settings, SettingsError, StorageSettings
from workdiary.server.smtpurl import SmtpUrlError, parse_smtp_url
from workdiary.testing.smtp_rig import SmtpRig

SUNDAY_NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # the week of NOW (Mon 2026-11-16)
LOCK = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
THURSDAY_NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
REVIEW_END = datetime(2026, 11, 27, 23, 59, tzinfo=UTC)


@pytest.fixture
def smtp() -> SmtpRig:
    rig = SmtpRig().start()
    yield rig
    rig.stop()


def smtp_sender(app, rig: SmtpRig, **timing: timedelta) -> MailSender:
    return MailSender(renderer=app.state.mail_renderer,
                      transport=SmtpTransport(parse_smtp_url(rig.url), timeout=5),
                      sender="workdiary <billing@example.com>",
                      base_url="https://diary.example.com", **timing)


def queue_one(session: Session, user: User, kind: str = "verify_email",
              **context: object) -> MailRow:
    row = mail.queue(session, kind=kind, to_email=user.email, user=user, now=NOW,
                     context={"name": user.name, "link": "/verify-email?token=abc", **context})
    session.commit()
    assert row is not None
    return row


def rows(session: Session) -> list[MailRow]:
    session.expire_all()
    return list(session.scalars(select(MailRow).order_by(MailRow.created_at, MailRow.kind)))


def user_of(session: Session, email: str) -> User:
    found = session.scalar(select(User).where(User.email == email))
    assert found is not None
    return found


# --- settings ------------------------------------------------------------------------------

def test_smtp_urls_are_read_and_bad_ones_refused_without_showing_the_password() -> None:
    plain = parse_smtp_url("smtp://relay.internal")
    assert (plain.host, plain.port, plain.starttls, plain.implicit_tls) == (
        "relay.internal", 25, False, False)
    tls = parse_smtp_url("smtp+starttls://me%40x.org:s3cr%3At@mail.example.com:2525")
    assert (tls.username, tls.password, tls.port, tls.starttls) == ("me@x.org", "s3cr:t", 2525,
                                                                    True)
    assert parse_smtp_url("smtps://u:p@mail.example.com").port == 465
    assert "s3cr" not in repr(tls) and "s3cr" not in tls.describe()
    for bad, words in (("http://u:hunter2@mail.example.com", "must start with smtp://"),
                       ("smtp://u:hunter2@", "names no host"),
                       ("smtp://u:hunter2@host:port", "cannot be read"),
                       ("smtp://u:hunter2@host/path", "remove the path")):
        with pytest.raises(SmtpUrlError) as caught:
            parse_smtp_url(bad)
        assert words in str(caught.value) and "hunter2" not in str(caught.value)


def test_the_server_refuses_to_start_with_a_bad_smtp_url_or_sender(tmp_path) -> None:
    storage = StorageSettings(database_url="sqlite://", data_dir=tmp_path)
    with pytest.raises(SettingsError, match="smtp"):
        Settings(storage=storage, demo=True, smtp_url="mail.example.com:25")
    with pytest.raises(SettingsError, match="WORKDIARY_MAIL_FROM"):
        Settings(storage=storage, demo=True, mail_from="nobody")
    env = {"WORKDIARY_SMTP_URL": "smtp+starttls://u:pw@mail.example.com",
           "WORKDIARY_MAIL_FROM": "Billing <billing@example.com>",
           "WORKDIARY_PUBLIC_URL": "https://diary.example.com"}
    good = Settings.from_env(data_dir=tmp_path, demo=True, environ=env)
    assert good.describe_mail() == "smtp+starttls://u:***@mail.example.com:587"
    assert good.sender == "Billing <billing@example.com>"
    local = Settings.from_env(data_dir=tmp_path, demo=True, environ={})
    assert local.smtp_target is None and local.describe_mail().endswith("/mail")
    assert local.sender == "workdiary <workdiary@localhost>"


# --- delivery -------------------------------------------------------------------------------

def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_a_queued_mail_reaches_a_real_smtp_server_as_text_and_html(
        app, session: Session, world: World, smtp: SmtpRig) -> None:
    freelancer = user_of(session, world.freelancer_a.email)
    row = queue_one(session, freelancer)
    report = deliver_due(app.state.sessionmaker, smtp_sender(app, smtp), NOW)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [message] = smtp.wait_for(1)
    assert smtp.recipients == [[freelancer.email]]
    assert message["Subject"] == "Confirm your email address for workdiary"
    assert message["Message-ID"] == f"<{row.id}@example.com>"
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    assert "https://diary.example.com/verify-email?token=abc" in text
    assert 'href="https://diary.example.com/verify-email?token=abc"' in html
    [stored] = rows(session)
    assert (stored.status, stored.attempts, stored.sent_at) == ("sent", 1, NOW)
    assert deliver_due(app.state.sessionmaker, smtp_sender(app, smtp), NOW + LEASE * 2).sent == 0


def test_smtp_auth_is_used_when_the_url_names_a_user(app, session: Session,
                                                     world: World) -> None:
    with SmtpRig(login=("mailer", "pa ss")) as rig:
        queue_one(session, user_of(session, world.client_a.email))
        good = MailSender(renderer=app.state.mail_renderer, sender="w <w@example.com>",
                          transport=SmtpTransport(parse_smtp_url(
                              f"smtp://mailer:pa%20ss@127.0.0.1:{rig.port}"), timeout=5),
                          base_url="http://x")
        assert deliver_due(app.state.sessionmaker, good, NOW).sent == 1
        assert len(rig.wait_for(1)) == 1


def test_without_smtp_mails_are_owner_only_eml_files(app, session: Session, world: World,
                                                      settings: Settings) -> None:
    assert isinstance(app.state.mail_transport, FileTransport)
    row = queue_one(session, user_of(session, world.client_a.email), kind="password_changed")
    assert deliver_due(app.state.sessionmaker, mail_sender(app), NOW).sent == 1
    folder = settings.data_dir / "mail"
    written = folder / f"{row.id}.eml"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    body = written.read_text()
    assert "Subject: Your workdiary password was changed" in body
    assert "To: client.a@example.com" in body


def test_an_smtp_outage_loses_nothing_and_sends_nothing_twice(
        app, session: Session, world: World, smtp: SmtpRig) -> None:
    queued = [queue_one(session, user_of(session, email))
              for email in (world.client_a.email, world.freelancer_a.email)]
    sender = smtp_sender(app, smtp)
    smtp.stop()  # the SMTP server is down
    at = NOW
    for attempt in (1, 2, 3):
        report = deliver_due(app.state.sessionmaker, sender, at)
        assert (report.sent, report.retrying) == (0, 2)
        assert all(r.status == "pending" and r.attempts == attempt for r in rows(session))
        # Not due again before its backoff.
        assert deliver_due(app.state.sessionmaker, sender, at + timedelta(seconds=1)).retrying == 0
        at += backoff(attempt)
    assert backoff(1) == timedelta(seconds=30) and backoff(30) == timedelta(hours=1)
    smtp.start()  # back, on the same port
    assert deliver_due(app.state.sessionmaker, sender, at).sent == 2
    for later in (1, 2, 3):
        assert deliver_due(app.state.sessionmaker, sender, at + LEASE * later).sent == 0
    arrived = smtp.wait_for(2)
    assert sorted(m["Message-ID"] for m in arrived) == sorted(
        f"<{r.id}@example.com>" for r in queued)
    assert len(smtp.messages) == 2


def test_a_crash_after_sending_resends_after_the_lease_with_the_same_message_id(
        app, session: Session, world: World, smtp: SmtpRig) -> None:
    """At least once: a row claimed by a worker that died stays 'sending' until its lease ends,
    then goes out again under the same Message-ID (receivers show it once)."""
    row = queue_one(session, user_of(session, world.freelancer_a.email))
    sender = smtp_sender(app, smtp)
    [claimed] = claim_due(session, NOW)  # this worker then "dies" before marking it
    assert claimed.status == "sending"
    assert deliver_due(app.state.sessionmaker, sender, NOW + LEASE - timedelta(seconds=1)).sent == 0
    assert deliver_due(app.state.sessionmaker, sender, NOW + LEASE).sent == 1
    [message] = smtp.wait_for(1)
    assert message["Message-ID"] == f"<{row.id}@example.com>"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_delivery_workers_send_each_mail_once(app, session: Session, world: World,
                                                  smtp: SmtpRig) -> None:
    people = [user_of(session, e) for e in (world.client_a.email, world.freelancer_a.email,
                                            world.client_b.email, world.freelancer_b.email)]
    for i in range(40):
        mail.queue(session, kind="password_changed", to_email=people[i % 4].email,
                   user=people[i % 4], now=NOW, context={"name": f"n{i}"})
    session.commit()
    sender = smtp_sender(app, smtp)
    start = threading.Barrier(2)
    totals: list[int] = []

    def worker() -> None:
        start.wait()
        sent = 0
        for _ in range(6):
            sent += deliver_due(app.state.sessionmaker, sender, NOW, limit=7).sent
        totals.append(sent)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(totals) == 40
    ids = [m["Message-ID"] for m in smtp.wait_for(40)]
    assert len(ids) == len(set(ids)) == 40
    assert {r.status for r in rows(session)} == {"sent"}


# --- opt-out --------------------------------------------------------------------------------

def test_opted_out_kinds_are_skipped_but_security_mail_is_always_sent(
        app, session: Session, world: World, smtp: SmtpRig) -> None:
    freelancer = user_of(session, world.freelancer_a.email)
    notifications.set_preferences(session, user=freelancer,
                                  choices={"week_paid": False, "dispute_message": False},
                                  now=NOW)
    assert notifications.preferences(freelancer)["week_paid"] is False
    queue_one(session, freelancer, kind="week_paid", title="T", amount_cents=100,
              currency="USD", week_start="2026-11-16")
    queue_one(session, freelancer, kind="password_reset")
    queue_one(session, freelancer, kind="week_approved", title="T", amount_cents=100,
              currency="USD", week_start="2026-11-16")
    report = deliver_due(app.state.sessionmaker, smtp_sender(app, smtp), NOW)
    assert (report.sent, report.skipped) == (2, 1)
    kinds = sorted(m["X-Workdiary-Kind"] for m in smtp.wait_for(2))
    assert kinds == ["password_reset", "week_approved"]
    assert {r.kind: r.status for r in rows(session)}["week_paid"] == "skipped"
    audit = session.scalars(select(AuditEntry.action)).all()
    assert "user.notifications" in audit


def test_notification_settings_over_the_api(api: TestClient, world: World) -> None:
    h = world.freelancer_a.headers
    first = api.get("/me/notifications", headers=h).json()
    assert all(first["kinds"].values()) and "verify_email" in first["always"]
    assert "verify_email" not in first["kinds"]
    # Only the kinds a freelancer is sent; a client is offered the client's.
    assert "weekly_summary" in first["kinds"] and "invoice_ready" not in first["kinds"]
    client = api.get("/me/notifications", headers=world.client_a.headers).json()["kinds"]
    assert "invoice_ready" in client and "weekly_summary" not in client
    assert api.put("/me/notifications", headers=world.client_a.headers, json={
        "kinds": {"contract_offer": False}}).json()["error"]["code"] == "mail_kind_not_for_role"
    changed = api.put("/me/notifications", headers=h,
                      json={"kinds": {"weekly_summary": False, "week_paid": False}})
    assert changed.status_code == 200, changed.text
    assert [k for k, on in changed.json()["kinds"].items() if not on] == [
        "weekly_summary", "week_paid"]
    back = api.put("/me/notifications", headers=h, json={"kinds": {"week_paid": True}})
    assert [k for k, on in back.json()["kinds"].items() if not on] == ["weekly_summary"]
    # Other users are untouched.
    other = api.get("/me/notifications", headers=world.freelancer_b.headers).json()
    assert all(other["kinds"].values())
    for body, code in (({"kinds": {"password_reset": False}}, "security_mail"),
                       ({"kinds": {"spam": False}}, "unknown_mail_kind"),
                       ({"kinds": {"invoice_ready": False}}, "mail_kind_not_for_role")):
        refused = api.put("/me/notifications", headers=h, json=body)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == code
    assert "invoice_ready" in api.put("/me/notifications", headers=h, json={
        "kinds": {"invoice_ready": False}}).json()["error"]["message"]
    too_many = {"kinds": {f"k{i}": True for i in range(40)}}
    assert api.put("/me/notifications", headers=h, json=too_many).status_code == 422
    assert api.put("/me/notifications", headers=h, json={"kinds": {"x" * 60: True}}
                   ).status_code == 422


# --- the week's mails -----------------------------------------------------------------------

def by_kind(session: Session) -> dict[str, list[MailRow]]:
    found: dict[str, list[MailRow]] = {}
    for row in rows(session):
        found.setdefault(row.kind, []).append(row)
    return found


def test_the_weeks_mails_are_queued_once_however_often_the_job_runs(
        api: TestClient, app, session: Session, world: World) -> None:
    nine = NOW.replace(hour=9, minute=0)
    segments = [world.device.segment(world.contract_a, nine, memo="built it"),
                world.device.segment(world.contract_a, nine + timedelta(minutes=10), memo="")]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segments]})
    assert [v["status"] for v in response.json()["segments"]] == ["protected", "unprotected"]

    def run(at: datetime, times: int = 3) -> None:
        for _ in range(times):
            with app.state.sessionmaker() as db:
                close_weeks(db, at)

    run(SUNDAY_NOON - timedelta(seconds=1))
    assert by_kind(session) == {}
    run(SUNDAY_NOON)
    run(SUNDAY_NOON + timedelta(hours=20))
    [summary] = by_kind(session)["weekly_summary"]
    context = json.loads(summary.context)
    assert summary.to_email == world.freelancer_a.email
    assert (context["tracked_seconds"] // 60, context["at_risk_count"]) == (20, 1)
    assert context["at_risk"][0]["reasons"] == ["no_memo"]
    assert context["lock_at"] == LOCK.isoformat()

    run(LOCK)
    [invoice] = by_kind(session)["invoice_ready"]
    assert invoice.to_email == world.client_a.email
    assert json.loads(invoice.context)["review_deadline"] == REVIEW_END.isoformat()
    assert "review_reminder" not in by_kind(session)
    run(THURSDAY_NOON)
    run(THURSDAY_NOON + timedelta(hours=5))
    [reminder] = by_kind(session)["review_reminder"]
    assert reminder.to_email == world.client_a.email
    run(REVIEW_END)
    run(REVIEW_END + timedelta(days=1))
    found = by_kind(session)
    assert [len(found[k]) for k in ("weekly_summary", "invoice_ready", "review_reminder",
                                    "week_approved", "week_paid")] == [1, 1, 1, 1, 1]
    assert json.loads(found["week_approved"][0].context)["approved_by"] == "auto"
    assert json.loads(found["week_paid"][0].context)["amount_cents"] == 1000
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["week.locked", "week.approved", "week.paid"]
    # Every one of them renders.
    report = deliver_due(app.state.sessionmaker, mail_sender(app), REVIEW_END + timedelta(days=2))
    assert (report.sent, report.failed) == (5, 0)


def test_a_client_approval_is_recorded_and_mailed_to_the_freelancer(
        api: TestClient, app, session: Session, world: World) -> None:
    segment = world.device.segment(world.contract_a, NOW.replace(hour=9, minute=0))
    api.post("/segments", headers=world.freelancer_a.headers, json={"segments": [wire(segment)]})
    with app.state.sessionmaker() as db:
        close_weeks(db, LOCK)
    client = user_of(session, world.client_a.email)
    for _ in range(2):  # approving twice is one approval
        approve_week(session, user=client, contract_id=world.contract_a,
                     week_start=datetime(2026, 11, 16).date(), now=LOCK + timedelta(hours=1))
    [approved] = by_kind(session)["week_approved"]
    assert approved.to_email == world.freelancer_a.email
    assert json.loads(approved.context)["approved_by"] == "client"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "week.approved"))
    assert entry is not None and entry.actor_id == client.id


def test_starttls_with_login_and_a_refused_recipient_that_does_not_hold_up_the_others(
        app, session: Session, world: World) -> None:
    with SmtpRig(login=("mailer", "secret"), starttls=True,
                 refuse=frozenset({world.client_b.email})) as rig:
        target = parse_smtp_url(rig.url)
        assert target.starttls and target.username == "mailer"
        sender = MailSender(renderer=app.state.mail_renderer, sender="w <w@example.com>",
                            transport=SmtpTransport(target, timeout=5, tls=rig.client_tls()),
                            base_url="http://x")
        queue_one(session, user_of(session, world.client_b.email))
        queue_one(session, user_of(session, world.client_a.email))
        report = deliver_due(app.state.sessionmaker, sender, NOW)
        assert (report.sent, report.failed, report.retrying) == (1, 1, 0)
        assert "550" in report.errors[0]
        assert [m["To"] for m in rig.wait_for(1)] == [world.client_a.email]
        status = {r.to_email: r.status for r in rows(session)}
        assert status == {world.client_a.email: "sent", world.client_b.email: "failed"}
        # Without trusting the rig's certificate, STARTTLS fails: retried, not lost.
        queue_one(session, user_of(session, world.freelancer_a.email))
        untrusting = MailSender(renderer=app.state.mail_renderer, sender="w <w@example.com>",
                                transport=SmtpTransport(target, timeout=5), base_url="http://x")
        assert deliver_due(app.state.sessionmaker, untrusting, NOW).retrying == 1


def test_server_run_refuses_a_bad_smtp_url_and_says_where_mail_goes(
        tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import uvicorn

    from workdiary.cli.main import main

    monkeypatch.setenv("WORKDIARY_SERVER_DATA_DIR", str(tmp_path / "srv"))
    monkeypatch.setenv("WORKDIARY_SECRET_KEY", "k" * 40)
    for name in ("WORKDIARY_DATABASE_URL", "WORKDIARY_PUBLIC_URL", "WORKDIARY_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKDIARY_SMTP_URL", "smtps://me:topsecret@")
    assert main(["server", "run", "--port", "8123"]) == 1
    err = capsys.readouterr().err
    assert "WORKDIARY_SMTP_URL" in err and "names no host" in err and "topsecret" not in err

    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(app))
    monkeypatch.setenv("WORKDIARY_SMTP_URL", "smtp+starttls://me:topsecret@mail.example.com")
    assert main(["server", "run", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert "mail to smtp+starttls://me:***@mail.example.com:587" in out and "topsecret" not in out
    assert "links to http://127.0.0.1:8123" in out
    app = started[0]
    assert app.state.public_url == "http://127.0.0.1:8123"  # type: ignore[attr-defined]
    app.state.engine.dispose()  # type: ignore[attr-defined]
    app.state.database_lock.close()  # type: ignore[attr-defined]  # what process exit does

    monkeypatch.delenv("WORKDIARY_SMTP_URL")
    monkeypatch.setenv("WORKDIARY_PUBLIC_URL", "https://diary.example.com")
    assert main(["server", "run", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert f"mail to .eml files in {tmp_path / 'srv' / 'mail'}" in out
    assert "links to https://diary.example.com" in out
    started[-1].state.engine.dispose()  # type: ignore[attr-defined]
    started[-1].state.database_lock.close()  # type: ignore[attr-defined]


def test_absolute_links_in_a_context_are_kept(app) -> None:
    renderer = app.state.mail_renderer
    mail_ = renderer.render("verify_email", {"link": "https://elsewhere.example/x"},
                            language=renderer.language_for(None), base_url="http://here")
    assert "https://elsewhere.example/x" in mail_.text and "http://here/https" not in mail_.text


def test_the_servers_own_mail_timer_delivers_the_outbox(
        database_url: str, tmp_path, smtp: SmtpRig, clock) -> None:
    """create_app wires the worker: with an SMTP URL and a timer, a queued mail just arrives."""
    from workdiary.server.app import create_app
    from workdiary.server.services import users

    settings = Settings(storage=StorageSettings(database_url=database_url,
                                                data_dir=tmp_path / "srv"),
                        demo=True, close_weeks_interval=0, auto_migrate=False,
                        smtp_url=smtp.url, mail_interval=0.05,
                        public_url="https://diary.example.com")
    application = create_app(settings, clock=clock)
    try:
        with application.state.sessionmaker() as db:
            user = users.create_user(db, email="new@example.com", name="New", role="client",
                                     password="long enough pw", now=NOW)
            queue_one(db, user)
        with TestClient(application):
            [message] = smtp.wait_for(1)
        assert message["From"] == "workdiary <workdiary@diary.example.com>"
        assert "https://diary.example.com/verify-email?token=abc" in parts(message)[0]
    finally:
        application.state.engine.dispose()
