"""An embedded workdiary server on a free loopback port (uvicorn in a thread), and demo seeding.

Used by `workdiary demo`, the sync tests and the sync benchmark. It needs the ``server`` extra.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workdiary.core.clock import Clock, SystemClock
from workdiary.core.model import Policy

DEMO_PASSWORD = "demo-password"
DEMO_CLIENT = ("client@demo.example", "Dana Client")
DEMO_FREELANCER = ("freelancer@demo.example", "Frank Freelancer")


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    client_email: str
    freelancer_email: str
    password: str
    contract_id: str


class EmbeddedServer:
    """``with EmbeddedServer(data_dir) as server: server.url ...``: SQLite in ``data_dir``."""

    def __init__(self, data_dir: Path, *, clock: Clock | None = None, port: int = 0,
                 close_weeks_interval: float = 0.0) -> None:
        import uvicorn

        from workdiary.server.app import create_app
        from workdiary.server.settings import local_settings

        data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = local_settings(data_dir, demo=True,
                                       close_weeks_interval=close_weeks_interval)
        self.clock = clock or SystemClock()
        self.app = create_app(self.settings, clock=self.clock)
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto says TCP; without it every response waits ~40 ms on Nagle + delayed ACK.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port = int(self._socket.getsockname()[1])
        self.app.state.public_url = self.url  # links in mails point here
        config = uvicorn.Config(self.app, log_level="warning", access_log=False,
                                lifespan="on", proxy_headers=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._socket]},
                                        name="workdiary-embedded-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> EmbeddedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the embedded server did not start; see the log above")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(15)
        self._socket.close()

    def stop_socket(self) -> None:
        """Release the port of a server that was built (for its database) but never started."""
        self._socket.close()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def session(self) -> Any:
        """A SQLAlchemy session on the server's database (for seeding and inspection)."""
        return self.app.state.sessionmaker()


def seed_demo(server: EmbeddedServer, *, policy: Policy | None = None,
              password: str = DEMO_PASSWORD, weekly_limit_minutes: int | None = None,
              client: tuple[str, str] = DEMO_CLIENT,
              freelancer: tuple[str, str] = DEMO_FREELANCER) -> DemoAccounts:
    """A client, a freelancer and an active contract between them (1-minute segments)."""
    from workdiary.server.services import contracts, users

    now = server.clock.now()
    with server.session() as session:
        for (email, name), role in ((client, "client"), (freelancer, "freelancer")):
            users.create_user(session, email=email, name=name, role=role, password=password,
                              now=now)
        contract = contracts.create_contract(
            session, client_email=client[0], freelancer_email=freelancer[0],
            title="Demo: build the landing page", rate_cents=2500, now=now,
            weekly_limit_minutes=weekly_limit_minutes,
            policy=policy or Policy(segment_minutes=1, screenshots_per_segment=1,
                                    idle_minutes=5))
        contract_id = str(contract.id)
    return DemoAccounts(client[0], freelancer[0], password, contract_id)
