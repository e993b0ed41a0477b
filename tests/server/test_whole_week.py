"""The whole week without an operator (issue 9), over the real HTTP server, a real SMTP server
and the desktop's own commands, on PostgreSQL:

a client and a freelancer sign up and verify by the mailed links; the client offers a contract
and the freelancer accepts it from the desktop; the freelancer tracks (headless, Xvfb), adds
manual time and edits a memo; the client changes the rate and the policy, then disputes the
manual segment; they exchange messages, the freelancer contests, and an admin decides.
`workdiary server close-weeks` invoices and pays with the right cents, and every mail arrives
exactly once.

The server runs in this process under uvicorn with a clock that follows real time plus an
offset the test moves (the desktop records in real time; the week's later days are reached by
moving the server's clock and passing the same moment to `close-weeks --now`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.server.web.livesite import serve
from tests.sync.test_kill_faults import client_side
from workdiary.core.week import lock_time, week_start
from workdiary.server.db import make_engine
from workdiary.server.settings import Settings
from workdiary.testing.smtp_rig import SmtpRig

pytestmark = [pytest.mark.slow, pytest.mark.xvfb]

PASSWORD = "a long enough passphrase"
CLIENT, FREELANCER, ADMIN = "carla@client.test", "felix@freelance.test", "ada@admin.test"
SECRET_KEY = "whole-week-" * 5


class ShiftedClock:
    """Real time plus an offset the test moves forward (the server's clock)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def move_to(self, moment: datetime) -> None:
        with self._lock:
            self._offset = moment - datetime.now(UTC)


@pytest.fixture
def database_url() -> Iterator[str]:
    """An empty database of its own on the test PostgreSQL server (scripts/test.sh starts it)."""
    url = os.environ.get("WORKDIARY_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("needs PostgreSQL: run through scripts/test.sh (make test)")
    name = f"workdiary_week_{os.getpid()}"
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class World:
    url: str
    clock: ShiftedClock
    smtp: SmtpRig
    database_url: str
    desktop_env: dict[str, str]
    tmp: Path

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=30)

    def workdiary(self, *args: str, stdin: str | None = None, timeout: float = 120) -> str:
        done = subprocess.run([sys.executable, "-m", "workdiary", *args], env=self.desktop_env,
                              input=stdin, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"workdiary {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def close_weeks(self, moment: datetime) -> str:
        """The operator's weekly job at ``moment``, with the server's clock moved there too."""
        self.clock.move_to(moment)
        env = {**os.environ, "WORKDIARY_SMTP_URL": self.smtp.url,
               "WORKDIARY_SECRET_KEY": SECRET_KEY}
        done = subprocess.run(
            [sys.executable, "-m", "workdiary", "server", "close-weeks", "--database",
             self.database_url, "--data-dir", str(self.tmp / "server"), "--now",
             moment.isoformat()], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def mails(self, to: str, kind: str) -> list[EmailMessage]:
        return [m for m in self.smtp.messages
                if to in str(m["To"]) and m["X-Workdiary-Kind"] == kind]

    def wait_mail(self, to: str, kind: str, count: int = 1) -> EmailMessage:
        deadline = time.monotonic() + 30
        while len(self.mails(to, kind)) < count:
            got = [(m["To"], m["X-Workdiary-Kind"]) for m in self.smtp.messages]
            assert time.monotonic() < deadline, f"no {kind} mail to {to}; got {got}"
            time.sleep(0.2)
        return self.mails(to, kind)[-1]


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def mailed_path(message: EmailMessage, route: str) -> str:
    """The path and query of the link to ``route`` in a mail (the test's server URL is used)."""
    match = re.search(rf"https?://\S+{re.escape(route)}\?token=[\w\-]+", text_part(message))
    assert match, f"no {route} link in:\n{text_part(message)}"
    link = urlsplit(match.group(0))
    return f"{link.path}?{link.query}"


def sign_up_and_verify(world: World, email: str, name: str, role: str) -> str:
    """Sign up over the API, open the mailed link as a browser would; returns an API token."""
    with world.api() as api:
        made = api.post("/accounts", json={"email": email, "name": name,
                                           "password": PASSWORD, "role": role})
        assert made.status_code == 201, made.text
        assert made.json()["email_verified"] is False
        page = httpx.get(world.url + mailed_path(world.wait_mail(email, "verify_email"),
                                                 "/verify-email"), timeout=30)
        assert page.status_code == 200, page.text
        login = api.post("/auth/tokens", json={"email": email, "password": PASSWORD,
                                               "device_name": "e2e"})
        assert login.status_code == 201, login.text
        token = str(login.json()["token"])
    with world.api(token) as api:
        assert api.get("/me").json()["email_verified"] is True
    return token


def cents(seconds: int, rate_cents: int) -> int:
    """The invoice rule: seconds x rate / 3600, rounded once to the cent (half up)."""
    return int((Decimal(seconds) * rate_cents / 3600).quantize(Decimal(1), ROUND_HALF_UP))


def test_a_whole_week_without_an_operator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          database_url: str) -> None:
    now = datetime.now(UTC)
    monday = week_start(now)
    if now - monday < timedelta(minutes=40) or monday + timedelta(days=7) - now < timedelta(
            minutes=15):
        pytest.skip("too close to a week boundary for a week's story")

    # The operator's one step: an admin account (nobody can sign up as one).
    admin_add = subprocess.run(
        [sys.executable, "-m", "workdiary", "server", "add-user", "--database", database_url,
         "--data-dir", str(tmp_path / "server"), "--email", ADMIN, "--name", "Ada Admin",
         "--role", "admin", "--password-stdin"], input=PASSWORD + "\n", capture_output=True,
        text=True, timeout=120)
    assert admin_add.returncode == 0, admin_add.stdout + admin_add.stderr

    side = client_side(tmp_path, monkeypatch)
    desktop_env = {k: v for k, v in side.env.items() if k != "WAYLAND_DISPLAY"}
    desktop_env.update(WORKDIARY_DATA_DIR=str(side.directory), HOME=str(tmp_path),
                       DBUS_SESSION_BUS_ADDRESS="disabled:", TZ="UTC")
    clock = ShiftedClock()
    with SmtpRig() as smtp:
        settings = Settings.from_env(database_url=database_url, data_dir=tmp_path / "server",
                                     environ={}, secret_key=SECRET_KEY, smtp_url=smtp.url,
                                     close_weeks_interval=0,
                                     mail_interval=0.3)
        from workdiary.server.app import create_app

        app = create_app(settings, clock=clock)
        with serve(app) as url:
            world = World(url, clock, smtp, database_url, desktop_env, tmp_path)
            story(world, monday)
        app.state.engine.dispose()


def story(world: World, monday: datetime) -> None:
    client_token = sign_up_and_verify(world, CLIENT, "Carla Client", "client")
    freelancer_token = sign_up_and_verify(world, FREELANCER, "Felix Freelancer", "freelancer")
    client, freelancer = world.api(client_token), world.api(freelancer_token)

    # The client offers; the freelancer hears of it by mail and accepts on the desktop.
    offer = client.post("/contracts", json={
        "freelancer_email": FREELANCER, "title": "Invoice pages", "rate": "30.00",
        "currency": "USD", "weekly_limit_hours": 40,
        "policy": {"segment_minutes": 1, "screenshots_per_segment": 1, "capture": "all",
                   "blur": False, "allow_redaction": True, "allow_manual": True,
                   "window_titles": False, "idle_minutes": 10}})
    assert offer.status_code == 201, offer.text
    assert offer.json()["status"] == "offered"
    contract_id = offer.json()["id"]
    assert "Invoice pages" in text_part(world.wait_mail(FREELANCER, "contract_offer"))

    world.workdiary("login", world.url, "--email", FREELANCER, "--password-stdin",
                    stdin=PASSWORD + "\n")
    assert "OFFER" in world.workdiary("contracts")
    accepted = world.workdiary("accept", contract_id, "--yes")
    assert "screenshot" in accepted.lower()  # the policy was shown in words first
    world.wait_mail(CLIENT, "contract_answered")

    # Manual time for the first minute of the contract (a call), then a little over two minutes
    # of tracking, uploaded in the background.
    accepted_at = next(datetime.fromisoformat(event["at"]) for event in
                       freelancer.get(f"/contracts/{contract_id}/history").json()
                       if event["kind"] == "accepted")
    start, end = accepted_at + timedelta(seconds=1), accepted_at + timedelta(seconds=62)
    time.sleep(max(0.0, (end - datetime.now(UTC)).total_seconds() + 1))
    world.workdiary("manual", contract_id, "--start", start.isoformat(), "--end",
                    end.isoformat(), "--memo", "Planning call with Carla")
    world.workdiary("track", contract_id, "--duration", "130", "--memo", "Invoice page draft",
                    timeout=300)
    world.workdiary("sync", "--now")

    today = datetime.now(UTC).date().isoformat()
    diary = client.get(f"/contracts/{contract_id}/diary", params={"date": today}).json()
    segments = diary["segments"]
    manual = [s for s in segments if s["kind"] == "manual"]
    tracked = [s for s in segments if s["kind"] != "manual"]
    assert manual and tracked, diary
    assert sum(s["billable_seconds"] for s in manual) == 61, manual
    assert all(s["status"] == "unprotected" for s in manual), manual

    # A memo fixed after upload, until the lock.
    world.workdiary("memo", tracked[0]["id"], "Invoice page: layout and totals")
    world.workdiary("sync", "--now")
    edited = {s["id"]: s for s in client.get(f"/contracts/{contract_id}/diary",
                                             params={"date": today}).json()["segments"]}
    assert edited[tracked[0]["id"]]["memo"] == "Invoice page: layout and totals"
    assert edited[tracked[0]["id"]]["memo_edited"] is True

    # The client changes the rate (from next week) and the policy (from the next segment).
    changed = client.patch(f"/contracts/{contract_id}", json={
        "rate": "45.00", "policy": {"screenshots_per_segment": 2}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["rate_cents"] == 3000  # this week keeps its terms
    assert changed.json()["next_terms"]["rate_cents"] == 4500
    kinds = [event["kind"] for event in
             freelancer.get(f"/contracts/{contract_id}/history").json()]
    assert kinds[:2] == ["offered", "accepted"], kinds
    assert {"terms_changed", "policy_changed"} <= set(kinds), kinds
    world.wait_mail(FREELANCER, "contract_changed")

    # Sunday noon: the freelancer's weekly summary. Monday noon: the week locks and is invoiced.
    world.close_weeks(monday + timedelta(days=6, hours=12, minutes=5))
    world.wait_mail(FREELANCER, "weekly_summary")
    next_monday = monday + timedelta(days=7)
    world.close_weeks(lock_time(monday) + timedelta(minutes=5))
    world.wait_mail(CLIENT, "invoice_ready")
    week = monday.date().isoformat()
    sheet = client.get(f"/contracts/{contract_id}/timesheets/{week}").json()
    billable_seconds = sheet["billable_seconds"]
    assert billable_seconds >= 61 + 60, sheet
    invoice = next(i for i in client.get("/invoices").json() if i["contract_id"] == contract_id)
    assert invoice["status"] == "in_review"
    assert invoice["amount_cents"] == cents(billable_seconds, 3000), (invoice, sheet)

    settle(world, client, freelancer, contract_id, manual, billable_seconds, next_monday)

    # Every mail arrived exactly once, and nothing waits in the outbox.
    time.sleep(2)
    ids = [m["Message-ID"] for m in world.smtp.messages]
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    engine = make_engine(world.database_url)
    with engine.connect() as conn:
        waiting = conn.execute(text(
            "SELECT kind, status FROM mail_outbox WHERE status NOT IN ('sent', 'skipped')")).all()
        sent = conn.execute(text("SELECT count(*) FROM mail_outbox WHERE status = 'sent'")).scalar()
    engine.dispose()
    assert waiting == [] and sent == len(world.smtp.messages)
    client.close()
    freelancer.close()


def settle(world: World, client: httpx.Client, freelancer: httpx.Client, contract_id: str,
           manual: list[dict[str, object]], billable_seconds: int,
           next_monday: datetime) -> None:
    """The client disputes the manual time; they talk; the freelancer contests; past the review
    deadline the week is approved and its undisputed part paid, the dispute goes to an admin, who
    decides for the freelancer; the next run pays the rest."""
    disputed = sum(int(str(s["billable_seconds"])) for s in manual)
    opened = client.post(f"/contracts/{contract_id}/disputes", json={
        "segment_ids": [s["id"] for s in manual], "reason": "I do not remember this call."})
    assert opened.status_code == 201, opened.text
    dispute_id = opened.json()["id"]
    assert "I do not remember" in text_part(world.wait_mail(FREELANCER, "dispute_opened"))

    said = client.post(f"/disputes/{dispute_id}/messages",
                       json={"text": "Which call was this?"})
    assert said.status_code == 201, said.text
    world.wait_mail(FREELANCER, "dispute_message")
    answered = freelancer.post(f"/disputes/{dispute_id}/messages",
                               json={"text": "The planning call on Monday, see my notes."})
    assert answered.status_code == 201, answered.text
    assert "planning call" in text_part(world.wait_mail(CLIENT, "dispute_message")).lower()
    contested = freelancer.post(f"/disputes/{dispute_id}/contest")
    assert contested.status_code == 200 and contested.json()["state"] == "contested", contested.text

    # After the review deadline: the undisputed part is approved and paid, the dispute escalated.
    world.close_weeks(next_monday + timedelta(days=5, minutes=5))
    invoice = next(i for i in client.get("/invoices").json() if i["contract_id"] == contract_id)
    undisputed = cents(billable_seconds - disputed, 3000)
    assert invoice["paid_cents"] == undisputed, invoice
    world.wait_mail(FREELANCER, "week_paid")

    with world.api() as api:
        login = api.post("/auth/tokens", json={"email": ADMIN, "password": PASSWORD})
        assert login.status_code == 201, login.text
        admin_token = login.json()["token"]
    with world.api(admin_token) as admin:
        queue = admin.get("/admin/disputes", params={"state": "escalated"}).json()
        assert [d["id"] for d in queue] == [dispute_id], queue
        decided = admin.post(f"/disputes/{dispute_id}/decision",
                             json={"outcome": "pay", "note": "The call is in both calendars."})
        assert decided.status_code == 200, decided.text
        actions: set[str] = set()
        params: dict[str, int] = {}
        while True:  # the audit log, a page at a time
            page = admin.get("/admin/audit", params=params)
            assert page.status_code == 200, page.text
            actions |= {entry["action"] for entry in page.json()["entries"]}
            if page.json()["next_before_id"] is None:
                break
            params = {"before_id": page.json()["next_before_id"]}
    assert {"user.signed_up", "contract.offered", "contract.accepted", "segment.memo_edited",
            "week.locked", "dispute.opened", "dispute.contested", "dispute.escalated",
            "dispute.decided", "week.paid"} <= actions, actions
    world.wait_mail(CLIENT, "dispute_decided")
    world.wait_mail(FREELANCER, "dispute_decided")

    # The next run pays what the decision put back: the week is paid in full, to the cent.
    world.close_weeks(next_monday + timedelta(days=5, minutes=10))
    invoice = next(i for i in client.get("/invoices").json() if i["contract_id"] == contract_id)
    assert invoice["status"] == "paid" and invoice["paid_cents"] == cents(billable_seconds, 3000)
    world.wait_mail(FREELANCER, "week_paid", count=2)

    expected = {(FREELANCER, "verify_email"): 1, (CLIENT, "verify_email"): 1,
                (FREELANCER, "contract_offer"): 1, (CLIENT, "contract_answered"): 1,
                (FREELANCER, "weekly_summary"): 1, (CLIENT, "invoice_ready"): 1,
                (FREELANCER, "dispute_opened"): 1, (FREELANCER, "dispute_message"): 1,
                (CLIENT, "dispute_message"): 1, (FREELANCER, "dispute_decided"): 1,
                (CLIENT, "dispute_decided"): 1, (FREELANCER, "week_approved"): 1,
                (FREELANCER, "week_paid"): 2}
    time.sleep(2)  # anything sent twice would have arrived by now
    for (to, kind), count in expected.items():
        assert len(world.mails(to, kind)) == count, (to, kind, len(world.mails(to, kind)))
    names = {CLIENT: "Carla Client", FREELANCER: "Felix Freelancer"}
    for message in world.smtp.messages:  # every mail greets its reader and names its contract
        body = text_part(message)
        assert f"Hello {names[str(message['To'])]}," in body, body
        if message["X-Workdiary-Kind"] not in ("verify_email", "weekly_summary"):
            assert "Invoice pages" in body + str(message["Subject"]), (message["Subject"], body)
        assert "None" not in body and "—" not in str(message["Subject"]), body
