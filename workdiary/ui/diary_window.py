"""A day of the local work diary: time, activity, memo (editable until the week locks: in
place before upload, re-signed after), status, screenshots; manual time in its own colour;
previous / next day. Reads go through the session (the store's worker)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workdiary.core.activity import activity_of
from workdiary.core.model import ScreenshotRef, Segment, SegmentKind, Status
from workdiary.core.timegrid import local_day_bounds
from workdiary.core.verify import Verdict
from workdiary.core.week import week_start
from workdiary.desktop.diary import DayRow, DayView, measured_from_idle
from workdiary.desktop.formatting import clock_time, hours_minutes_seconds, long_day, time_span
from workdiary.desktop.i18n import plural, translate
from workdiary.desktop.manual import memo_editable, memo_refusal, shown_memo
from workdiary.store import SyncInfo
from workdiary.ui.preview import Confirm, ask
from workdiary.ui.session import DesktopSession

MANUAL_COLOUR = QColor("#ece8fb")
TIME, TRACKED, ACTIVITY, MEMO, STATUS, SHOTS = range(6)


def columns() -> list[str]:
    return [translate("Diary", "Time"), translate("Diary", "Tracked"),
            translate("Diary", "Activity"), translate("Diary", "Memo"),
            translate("Diary", "Status"), translate("Diary", "Screenshots")]


def idle_time_note() -> str:
    """workdiary.desktop.diary.IDLE_TIME_NOTE, as a sentence in the current language."""
    return translate("Diary", "Activity measured from idle time (input is not counted on this "
                              "desktop).")


def status_word(status: str) -> str:
    """A verdict (protected, unprotected, rejected) in words; the server's codes otherwise."""
    words: dict[str, str] = {
        Status.PROTECTED: translate("Diary", "protected"),
        Status.UNPROTECTED: translate("Diary", "unprotected"),
        Status.REJECTED: translate("Diary", "rejected"),
    }
    return words.get(status, status)


def memo_state(info: SyncInfo) -> str:
    """After upload: whether the memo was edited, waits to go, or was refused (or "")."""
    if info.memo_edit is not None:
        return translate("Diary", "; memo edit waiting for upload")
    refusal = memo_refusal(info)
    if refusal is not None:  # "memo edit refused: <the server's reason>"
        return translate("Diary", "; memo edit refused: {reason}").format(
            reason=refusal.partition(": ")[2])
    return translate("Diary", "; memo edited") if info.memo_edited else ""


def status_text(segment: Segment, info: SyncInfo, expected: Verdict | None = None) -> str:
    """Where the segment stands, in words; before upload, the verdict to expect."""
    if info.closed_at is None:
        return translate("Diary", "recording")
    if segment.kind is SegmentKind.TOMBSTONE:
        return (translate("Diary", "deleted (server copy deleted at next sync)")
                if info.delete_pending else translate("Diary", "deleted"))
    if info.sync_state == "quarantined":
        return translate("Diary", "refused by the server: {reason}").format(
            reason=info.quarantine_reason)
    if info.uploaded:
        text = (status_word(info.server_status) if info.server_status
                else translate("Diary", "uploaded"))
        text += f" ({', '.join(info.server_reasons)})" if info.server_reasons else ""
        return text + memo_state(info)
    text = (translate("Diary", "waiting for upload ({error})").format(error=info.last_error)
            if info.last_error else translate("Diary", "waiting for upload"))
    if expected is not None:
        reasons = f" ({', '.join(expected.reasons)})" if expected.reasons else ""
        text += translate("Diary", "; expected {verdict}").format(
            verdict=status_word(expected.status) + reasons)
    return text


class DiaryWindow(QWidget):
    review_shot = Signal(object, object)  # Segment, ScreenshotRef: opens the preview

    def __init__(self, session: DesktopSession, day: date, *, confirm: Confirm = ask) -> None:
        super().__init__()
        self.setObjectName("Diary")
        self.session, self.day, self._confirm = session, day, confirm
        self.rows: list[DayRow] = []
        self._filling = False
        layout = QVBoxLayout(self)
        nav = QHBoxLayout()
        self.previous_button = QPushButton()
        self.next_button = QPushButton()
        self.day_label = QLabel(objectName="DayTitle", alignment=Qt.AlignmentFlag.AlignCenter)
        self.previous_button.clicked.connect(lambda: self.show_day(self.day - timedelta(days=1)))
        self.next_button.clicked.connect(lambda: self.show_day(self.day + timedelta(days=1)))
        nav.addWidget(self.previous_button)
        nav.addWidget(self.day_label, 1)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        self.boundary_label = QLabel(objectName="Note", wordWrap=True)
        self.boundary_label.hide()
        layout.addWidget(self.boundary_label)
        self.table = QTableWidget(0, len(columns()))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.setIconSize(QSize(96, 54))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MEMO, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._memo_edited)
        # Activated: a double click, or Enter on the cell by keyboard.
        self.table.cellActivated.connect(self._open_shot)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.totals_label = QLabel(objectName="Total")
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self._delete_selected)
        bottom.addWidget(self.totals_label, 1)
        bottom.addWidget(self.delete_button)
        layout.addLayout(bottom)
        self.resize(900, 480)
        session.segment_deleted.connect(lambda _id: self.reload())
        session.changed.connect(self._follow_today)
        self.retranslate()

    def retranslate(self) -> None:
        """Fixed texts, names and descriptions in the current language; the day again."""
        self.setWindowTitle(translate("Diary", "workdiary: diary"))
        self.previous_button.setText(translate("Diary", "◀ &Previous day"))
        self.previous_button.setAccessibleName(translate("Diary", "Previous day"))
        self.previous_button.setAccessibleDescription(translate(
            "Diary", "Show the day before."))
        self.next_button.setText(translate("Diary", "&Next day ▶"))
        self.next_button.setAccessibleName(translate("Diary", "Next day"))
        self.next_button.setAccessibleDescription(translate("Diary", "Show the day after."))
        self.table.setHorizontalHeaderLabels(columns())
        self.table.setAccessibleName(translate("Diary", "Segments of the day"))
        self.table.setAccessibleDescription(translate(
            "Diary", "One row per segment. F2 edits a memo until its week locks (after upload "
                     "the edit is signed and sent again); Enter on the Screenshots cell opens "
                     "the screenshot."))
        self.delete_button.setText(translate("Diary", "De&lete segment…"))
        self.delete_button.setAccessibleDescription(translate(
            "Diary", "Delete the selected segment's time; asks first."))
        self.show_day(self.day)

    def reload(self) -> None:
        self.show_day(self.day)

    def _follow_today(self) -> None:
        """New minutes and segments show up while today is open (not while a memo is edited)."""
        today = self.session.clock.now().astimezone(self.session.tz).date()
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if self.isVisible() and self.day == today and not editing:
            self.reload()

    def show_day(self, day: date) -> None:
        self.day = day
        tz = self.session.tz
        self.day_label.setText(translate("Diary", "{day} (times in {zone})").format(
            day=long_day(day), zone=tz.key))
        start, end = local_day_bounds(day, tz)
        boundary = week_start(end - timedelta(seconds=1))
        inside = start <= boundary < end
        self.boundary_label.setVisible(inside)
        self.boundary_label.setText(
            translate("Diary", "The work week turns at Monday 00:00 UTC, which is {time} here: "
                               "segments before it belong to the previous week's timesheet."
                      ).format(time=clock_time(boundary, tz))
            if inside else "")
        self.session.load_day(day, lambda rows, day=day: self._fill(day, rows))

    def _fill(self, day: date, view: DayView | None) -> None:
        if day != self.day:
            return  # the user moved on to another day meanwhile
        self._filling = True
        rows = self.rows = list(view.rows) if view is not None else []
        tz = self.session.tz
        now = self.session.clock.now()
        self.table.setRowCount(len(rows))
        for row, (segment, info, expected) in enumerate(rows):
            activity = activity_of(segment.minutes)
            from_idle = measured_from_idle(segment)
            editable = memo_editable(segment, info, now)
            manual = segment.kind is SegmentKind.MANUAL
            cells = (
                time_span(segment.start, segment.end, tz),
                f"{segment.tracked_seconds // 60}:{segment.tracked_seconds % 60:02d}",
                translate("Diary", "manual") if manual else
                (translate("Diary", "{bars}/10 (idle time)") if from_idle else "{bars}/10"
                 ).format(bars=activity.bars)
                if segment.minutes else "–",
                shown_memo(segment, info),
                status_text(segment, info, expected),
                _shots_text(segment.screenshots),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if column == MEMO and editable:
                    flags |= Qt.ItemFlag.ItemIsEditable
                item.setFlags(flags)
                if column == ACTIVITY and from_idle:
                    item.setToolTip(idle_time_note())
                if manual:  # entered by hand: its own colour, and said in words
                    item.setBackground(MANUAL_COLOUR)
                    item.setToolTip(translate(
                        "Diary", "Manual time: entered by hand, billable, never protected"))
                self.table.setItem(row, column, item)
            if segment.minutes:
                self.table.setCellWidget(row, ACTIVITY, _meter(activity.bars, from_idle))
            else:
                self.table.removeCellWidget(row, ACTIVITY)
            self._load_thumbnail(row, segment)
            self.table.setRowHeight(row, 62)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(MEMO, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(SHOTS, max(self.table.columnWidth(SHOTS), 190))
        self.table.setColumnWidth(ACTIVITY, 110)
        tracked = view.totals.tracked_seconds if view is not None else 0
        active = view.totals.active_minutes if view is not None else 0
        count = len(rows)
        self.totals_label.setText(
            translate("Diary", "Day total: {time} h tracked, {active}, {segments}").format(
                time=hours_minutes_seconds(tracked),
                active=plural(active, translate("Diary", "{n} active minute"),
                              translate("Diary", "{n} active minutes")).format(n=active),
                segments=plural(count, translate("Diary", "{n} segment"),
                                translate("Diary", "{n} segments")).format(n=count))
            + (translate("Diary", "; “idle time”: activity measured from idle time (input is "
                                  "not counted on this desktop)")
               if any(measured_from_idle(r.segment) for r in rows) else ""))
        self._filling = False

    def _load_thumbnail(self, row: int, segment: Segment) -> None:
        shot = next((s for s in segment.screenshots if s.sha256), None)
        if shot is None or shot.sha256 is None:
            return
        sha, store = shot.sha256, self.session.store
        self.session.read_file(lambda: store.thumbnail_path(sha),
                               self._thumbnail_setter(row, segment.id))

    def _thumbnail_setter(self, row: int, segment_id: str) -> Callable[[bytes | None], None]:
        def put(data: bytes | None) -> None:
            item = self.table.item(row, SHOTS)
            if (data is None or item is None or row >= len(self.rows)
                    or self.rows[row][0].id != segment_id):
                return
            pixmap = QPixmap()
            if pixmap.loadFromData(data):
                self._filling = True
                item.setIcon(pixmap)
                self._filling = False
        return put

    def _memo_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != MEMO:
            return
        segment, info = self.rows[item.row()][0], self.rows[item.row()][1]
        if item.text() == shown_memo(segment, info):
            return
        # Reload after it is saved (or refused): the status says whether an edit waits.
        self.session.set_segment_memo(segment.id, item.text(), lambda _error: self.reload())

    def _open_shot(self, row: int, column: int) -> None:
        if column != SHOTS or row >= len(self.rows):
            return
        segment, info = self.rows[row][0], self.rows[row][1]
        shot = next((s for s in segment.screenshots if s.sha256), None)
        if shot is not None and not info.uploaded:
            self.review_shot.emit(segment, shot)

    def _delete_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.rows):
            return
        segment = self.rows[row][0]
        if not self._confirm(self, translate(
                "Diary", "Delete this segment's time? It will not be billed; a tombstone keeps "
                         "its place. This cannot be undone.")):
            return
        self.session.delete_segment(segment.id, lambda outcome: self.reload())


def _meter(bars: int, from_idle: bool = False) -> QWidget:
    """The Upwork-style 0-10 activity meter of one segment; marked when it was measured from
    idle time instead of input counts."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(4, 18, 4, 18)
    meter = QProgressBar(objectName="Activity", maximum=10, value=bars, textVisible=True)
    meter.setFormat(translate("Diary", "%v/10 idle time") if from_idle else "%v/10")
    meter.setAccessibleName(translate("Diary", "Activity"))
    if from_idle:
        meter.setProperty("source", "idle_monitor")
        holder.setToolTip(idle_time_note())
    layout.addWidget(meter)
    return holder


def _shots_text(shots: tuple[ScreenshotRef, ...]) -> str:
    taken = sum(1 for s in shots if s.sha256)
    failed = len(shots) - taken
    redacted = sum(1 for s in shots if s.redacted)
    parts = [translate("Diary", "{n} taken").format(n=taken)] if taken else []
    if redacted:
        parts.append(translate("Diary", "{n} redacted").format(n=redacted))
    if failed:
        parts.append(translate("Diary", "{n} failed").format(n=failed))
    return ", ".join(parts) or translate("Diary", "none")
