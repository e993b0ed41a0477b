"""Screenshot PUTs of one upload pass, a few at a time on their own kept-alive connections.

Why: one PUT at a time leaves the server idle while the client reads the next file and frames
its request, and the client idle while the server hashes, decodes and stores the image. With
two or three requests in flight both stay busy (a catch-up after a week offline sends hundreds
of pictures; benchmarks/ingest.md, "Catch-up sync").

What stays as it was: each request has the outbox's retry policy; a file is read just before
its PUT (at most one picture per connection in memory); the first picture of a pass goes
alone on the outbox's own connection, so a pass that finds the server down fails the way it
always did, after one request's retries, and a pass with one picture (the tray every ten
minutes) opens no connection and no thread. After a failure that ends the pass, no further
picture starts and the retry waits of those in flight end; what went is reported as sent.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from workdiary.store.protocols import StoredFile
from workdiary.sync.api import ApiClient, Rejected
from workdiary.sync.retry import RetryPolicy, Stopped, call_with_retry

MAX_CONNECTIONS = 8
Wait = Callable[[float], bool]  # a retry's wait; True: stop trying


class NotSent:
    """The outcome of a picture that was not tried: an earlier one ended the pass."""

    def __repr__(self) -> str:
        return "NOT_SENT"


NOT_SENT = NotSent()
Outcome = None | Exception | NotSent  # None: the server has the picture


@dataclass(frozen=True, slots=True)
class ShotJob:
    sha256: str
    file: StoredFile
    device_id: str | None  # the device that signs the picture's segment


class ShotUploads:
    """Uploads one pass's pictures; ``close()`` at the end of the pass."""

    def __init__(self, api: ApiClient, *, connections: int, policy: RetryPolicy,
                 rng: random.Random, stop_event: threading.Event,
                 record_errors: Collection[int]) -> None:
        if not 1 <= connections <= MAX_CONNECTIONS:
            raise ValueError(f"upload connections must be 1-{MAX_CONNECTIONS}, not {connections}")
        self.api = api
        self.connections = connections
        self.policy = policy
        self._rng = rng
        self._stop = stop_event
        self._record_errors = frozenset(record_errors)
        self._siblings: list[ApiClient] = []  # opened when first needed, kept for the pass
        self._proven = False  # a PUT of this pass went through: the server is up

    def close(self) -> None:
        for client in self._siblings:
            client.close()
        self._siblings.clear()

    def put_all(self, jobs: Sequence[ShotJob]) -> list[Outcome]:
        """``start(jobs).wait()``."""
        return self.start(jobs).wait()

    def start(self, jobs: Sequence[ShotJob]) -> Uploading:
        """Begin the jobs; ``wait()`` on the answer gives each job's outcome.

        Until a PUT of this pass went through, and with one connection, pictures go one at a
        time on the outbox's connection before this returns; the rest go on the pass's own
        connections, in threads, while the caller does something else (posts the previous
        batch on its connection)."""
        outcomes: list[Outcome] = [NOT_SENT] * len(jobs)
        index = 0
        while index < len(jobs) and (not self._proven or self.connections == 1):
            outcome = outcomes[index] = self._put(self.api, jobs[index], self._stop.wait)
            if outcome is None:
                self._proven = True
            elif self._ends_pass(outcome):
                return Uploading(outcomes, [])
            index += 1
        if index == len(jobs):
            return Uploading(outcomes, [])
        return Uploading(outcomes, self._in_parallel(jobs, outcomes, index))

    def _in_parallel(self, jobs: Sequence[ShotJob], outcomes: list[Outcome], first: int
                     ) -> list[threading.Thread]:
        failed = threading.Event()
        lock = threading.Lock()
        todo = iter(range(first, len(jobs)))

        def wait(seconds: float) -> bool:
            """A retry's wait: True (stop) when the worker stops or another picture failed."""
            deadline = time.monotonic() + seconds
            while not (self._stop.is_set() or failed.is_set()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                failed.wait(min(left, 0.1))  # a failure wakes it at once; the stop within 0.1 s
            return True

        def work(client: ApiClient) -> None:
            while not failed.is_set():
                with lock:
                    index = next(todo, None)
                if index is None:
                    return
                outcome = self._put(client, jobs[index], wait)
                if isinstance(outcome, Stopped) and failed.is_set() and not self._stop.is_set():
                    outcome = NOT_SENT  # cut short by another picture's failure, not a stop
                outcomes[index] = outcome
                if outcome is not None and self._ends_pass(outcome):
                    failed.set()

        count = min(self.connections, len(jobs) - first)
        while len(self._siblings) < count:
            self._siblings.append(self.api.sibling())
        threads = [threading.Thread(target=work, args=(client,), name="workdiary-upload",
                                    daemon=True) for client in self._siblings[:count]]
        for thread in threads:
            thread.start()
        return threads

    def _put(self, client: ApiClient, job: ShotJob, wait: Wait) -> Outcome:
        try:
            body = job.file.read_bytes()  # once, whatever the retries
            call_with_retry(lambda: client.put_screenshot(job.sha256, body, job.device_id),
                            self.policy, rng=self._rng, wait=wait)
        except Exception as exc:  # handed to the outbox, which decides what it means
            return exc
        return None

    def _ends_pass(self, outcome: Outcome) -> bool:
        if isinstance(outcome, NotSent) or outcome is None:
            return False
        return not (isinstance(outcome, Rejected) and outcome.status in self._record_errors)


class Uploading:
    """Pictures on their way; ``wait()`` for their outcomes (in the jobs' order)."""

    def __init__(self, outcomes: list[Outcome], threads: list[threading.Thread]) -> None:
        self._outcomes = outcomes
        self._threads = threads

    def wait(self) -> list[Outcome]:
        for thread in self._threads:
            thread.join()
        return self._outcomes
