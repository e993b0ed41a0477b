"""The clock-in window's offers: each open contract offer with its terms and tracking policy
in words, and Accept / Decline. Talks only to the DesktopSession (which answers off the GUI
thread and reports back by a notice). Hidden while there is no offer."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workdiary.capture.base import CaptureLimits
from workdiary.core.model import Contract
from workdiary.desktop.policy_text import describe_contract, describe_policy
from workdiary.ui.session import DesktopSession


class OffersPanel(QFrame):
    def __init__(self, session: DesktopSession, limits: CaptureLimits | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="Offers")
        self.session = session
        self.limits = limits
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        session.offers_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        while (item := self._layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        for offer in self.session.offers:
            self._layout.addWidget(self._offer_row(offer))
        self.setVisible(bool(self.session.offers))

    def _offer_row(self, offer: Contract) -> QWidget:
        row = QFrame(objectName="Offer")
        layout = QVBoxLayout(row)
        policy = "".join(f"<li>{html.escape(line)}</li>"
                         for line in describe_policy(offer.policy, self.limits))
        text = QLabel(
            f"<b>New offer: {html.escape(offer.title)}</b><br>"
            f"{html.escape(describe_contract(offer))}<br>"
            f"If you accept, this is recorded while you are clocked in:<ul>{policy}</ul>",
            objectName="OfferText", wordWrap=True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text)
        buttons = QHBoxLayout()
        accept = QPushButton("Accept", objectName="AcceptOffer")
        accept.setAccessibleName(f"Accept the offer {offer.title}")
        accept.clicked.connect(lambda: self.session.answer_offer(offer.id, True))
        decline = QPushButton("Decline", objectName="DeclineOffer")
        decline.setAccessibleName(f"Decline the offer {offer.title}")
        decline.clicked.connect(lambda: self.session.answer_offer(offer.id, False))
        buttons.addStretch(1)
        buttons.addWidget(decline)
        buttons.addWidget(accept)
        layout.addLayout(buttons)
        return row
