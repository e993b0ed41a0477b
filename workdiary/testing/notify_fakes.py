"""A notifier that records what it was asked to show (for GUI tests)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RecordingNotifier:
    sent: list[tuple[str, str]] = field(default_factory=list)
    closed: bool = False

    def notify(self, summary: str, body: str) -> None:
        self.sent.append((summary, body))

    def close(self) -> None:
        self.closed = True
