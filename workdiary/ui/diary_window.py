"""A day of the local work diary: time, activity, memo (editable until upload), status,
screenshots; previous / next day. Reads go through the session (the store's worker)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
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
from workdiary.core.model import ScreenshotRef, Segment, SegmentKind
from workdiary.core.timegrid import local_day_bounds
from workdiary.core.verify import Verdict
from workdiary.core.week import week_start
from workdiary.desktop.diary import IDLE_TIME_NOTE, DayRow, DayView, measured_from_idle
from workdiary.desktop.summary import hours_minutes_seconds
from workdiary.store import SyncInfo
from workdiary.ui.preview import Confirm, ask
from workdiary.ui.session import DesktopSession

COLUMNS = ("Time", "Tracked", "Activity", "Memo", "Status", "Screenshots")
MEMO = COLUMNS.index("Memo")
ACTIVITY = COLUMNS.index("Activity")
SHOTS = COLUMNS.index("Screenshots")


def status_text(segment: Segment, info: SyncInfo, expected: Verdict | None = None) -> str:
    """Where the segment stands, in words; before upload, the verdict to expect."""
    if info.closed_at is None:
        return "recording"
    if segment.kind is SegmentKind.TOMBSTONE:
        return "deleted" + (" (server copy deleted at next sync)" if info.delete_pending else "")
    if info.sync_state == "quarantined":
        return f"refused by the server: {info.quarantine_reason}"
    if info.uploaded:
        text = info.server_status or "uploaded"
        return text + (f" ({', '.join(info.server_reasons)})" if info.server_reasons else "")
    text = "waiting for upload" + (f" ({info.last_error})" if info.last_error else "")
    if expected is not None:
        reasons = f" ({', '.join(expected.reasons)})" if expected.reasons else ""
        text += f"; expected {expected.status.value}{reasons}"
    return text


class DiaryWindow(QWidget):
    review_shot = Signal(object, object)  # Segment, ScreenshotRef: opens the preview

    def __init__(self, session: DesktopSession, day: date, *, confirm: Confirm = ask) -> None:
        super().__init__()
        self.setObjectName("Diary")
        self.setWindowTitle("workdiary: diary")
        self.session, self.day, self._confirm = session, day, confirm
        self.rows: list[DayRow] = []
        self._filling = False
        layout = QVBoxLayout(self)
        nav = QHBoxLayout()
        self.previous_button = QPushButton("◀ Previous day")
        self.next_button = QPushButton("Next day ▶")
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
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.setIconSize(QSize(96, 54))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MEMO, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._memo_edited)
        self.table.cellDoubleClicked.connect(self._open_shot)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.totals_label = QLabel(objectName="Total")
        self.delete_button = QPushButton("Delete segment…")
        self.delete_button.clicked.connect(self._delete_selected)
        bottom.addWidget(self.totals_label, 1)
        bottom.addWidget(self.delete_button)
        layout.addLayout(bottom)
        self.resize(900, 480)
        session.segment_deleted.connect(lambda _id: self.reload())
        session.changed.connect(self._follow_today)
        self.show_day(day)

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
        self.day_label.setText(f"{day:%A %d %B %Y} (times in {tz.key})")
        start, end = local_day_bounds(day, tz)
        boundary = week_start(end - timedelta(seconds=1))
        inside = start <= boundary < end
        self.boundary_label.setVisible(inside)
        self.boundary_label.setText(
            f"The work week turns at Monday 00:00 UTC, which is {boundary.astimezone(tz):%H:%M} "
            f"here: segments before it belong to the previous week's timesheet."
            if inside else "")
        self.session.load_day(day, lambda rows, day=day: self._fill(day, rows))

    def _fill(self, day: date, view: DayView | None) -> None:
        if day != self.day:
            return  # the user moved on to another day meanwhile
        self._filling = True
        rows = self.rows = list(view.rows) if view is not None else []
        tz = self.session.tz
        self.table.setRowCount(len(rows))
        for row, (segment, info, expected) in enumerate(rows):
            activity = activity_of(segment.minutes)
            from_idle = measured_from_idle(segment)
            editable = not info.uploaded and segment.kind is not SegmentKind.TOMBSTONE
            cells = (
                f"{segment.start.astimezone(tz):%H:%M}–{segment.end.astimezone(tz):%H:%M}",
                f"{segment.tracked_seconds // 60}:{segment.tracked_seconds % 60:02d}",
                (f"{activity.bars}/10" + (" (idle time)" if from_idle else ""))
                if segment.minutes else "–",
                segment.memo,
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
                    item.setToolTip(IDLE_TIME_NOTE[:1].upper() + IDLE_TIME_NOTE[1:] + ".")
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
        self.totals_label.setText(f"Day total: {hours_minutes_seconds(tracked)} h tracked, "
                                  f"{active} "
                                  f"active minute{'s' if active != 1 else ''}, "
                                  f"{len(rows)} segment{'s' if len(rows) != 1 else ''}"
                                  + ("; “idle time”: " + IDLE_TIME_NOTE
                                     if any(measured_from_idle(r.segment) for r in rows)
                                     else ""))
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
        segment = self.rows[item.row()][0]
        self.session.set_segment_memo(segment.id, item.text())

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
        if not self._confirm(self, "Delete this segment's time? It will not be billed; a "
                                   "tombstone keeps its place. This cannot be undone."):
            return
        self.session.delete_segment(segment.id, lambda outcome: self.reload())


def _meter(bars: int, from_idle: bool = False) -> QWidget:
    """The Upwork-style 0-10 activity meter of one segment; marked when it was measured from
    idle time instead of input counts."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(4, 18, 4, 18)
    meter = QProgressBar(objectName="Activity", maximum=10, value=bars, textVisible=True)
    meter.setFormat("%v/10 idle time" if from_idle else "%v/10")
    if from_idle:
        meter.setProperty("source", "idle_monitor")
        holder.setToolTip(IDLE_TIME_NOTE[:1].upper() + IDLE_TIME_NOTE[1:] + ".")
    layout.addWidget(meter)
    return holder


def _shots_text(shots: tuple[ScreenshotRef, ...]) -> str:
    taken = sum(1 for s in shots if s.sha256)
    failed = len(shots) - taken
    redacted = sum(1 for s in shots if s.redacted)
    parts = [f"{taken} taken"] if taken else []
    if redacted:
        parts.append(f"{redacted} redacted")
    if failed:
        parts.append(f"{failed} failed")
    return ", ".join(parts) or "none"
