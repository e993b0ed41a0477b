"""The clock-in window's offers: each open contract offer with its terms and tracking policy
in words, and Accept / Decline. Talks only to the DesktopSession (which answers off the GUI
thread and reports back by a notice). Hidden while there is no offer."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workdiary.capture.base import CaptureLimits
from workdiary.core.model import Contract
from workdiary.desktop.i18n import translate
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
        row.setAccessibleName(translate("Offers", "Offer: {title}").format(title=offer.title))
        layout = QVBoxLayout(row)
        policy = "".join(f"<li>{html.escape(line)}</li>"
                         for line in describe_policy(offer.policy, self.limits))
        heading = translate("Offers", "New offer: {title}").format(title=offer.title)
        recorded = translate("Offers", "If you accept, this is recorded while you are clocked in:")
        text = QLabel(
            f"<b>{html.escape(heading)}</b><br>"
            f"{html.escape(describe_contract(offer))}<br>"
            f"{html.escape(recorded)}<ul>{policy}</ul>",
            objectName="OfferText", wordWrap=True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        buttons = QHBoxLayout()
        # No mnemonics: several offers may be shown at once, each with its own pair (one
        # letter would be ambiguous). Tab reaches them and Space presses them.
        accept = QPushButton(translate("Offers", "Accept"), objectName="AcceptOffer")
        accept.setAccessibleName(translate("Offers", "Accept the offer {title}").format(
            title=offer.title))
        accept.setAccessibleDescription(translate(
            "Offers", "Agree to the terms and tracking policy above; the contract joins your "
                      "list and you can clock in on it."))
        accept.setAutoDefault(False)
        accept.clicked.connect(lambda: self.session.answer_offer(offer.id, True))
        decline = QPushButton(translate("Offers", "Decline"), objectName="DeclineOffer")
        decline.setAccessibleName(translate("Offers", "Decline the offer {title}").format(
            title=offer.title))
        decline.setAccessibleDescription(translate(
            "Offers", "Refuse this offer; the client is told and it leaves this list."))
        decline.setAutoDefault(False)
        decline.clicked.connect(lambda: self.session.answer_offer(offer.id, False))
        buttons.addStretch(1)
        buttons.addWidget(decline)
        buttons.addWidget(accept)
        layout.addLayout(buttons)
        return row
