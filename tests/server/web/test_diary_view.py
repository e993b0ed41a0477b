"""The diary layout: local hour rows, grid cells, the UTC week boundary, DST days."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from workdiary.core.canonical import segment_from_dict, segment_to_dict, summary_from_dict
from workdiary.core.model import ActivitySource, MinuteRecord, Segment, SegmentKind
from workdiary.core.timegrid import local_day_bounds
from workdiary.core.week import week_start
from workdiary.server.i18n.catalogs import load_catalogs
from workdiary.server.i18n.formatting import (
    hours_minutes,
    hours_minutes_seconds,
    minutes_seconds,
    money,
)
from workdiary.server.i18n.language import Languages
from workdiary.server.models import Contract, SegmentRow
from workdiary.server.services.diary import DiaryView, SegmentView
from workdiary.server.web.diary_cell import CellTexts, segment_cells, segment_html
from workdiary.server.web.diary_view import DiaryPage, build_diary
from workdiary.server.web.timezones import choose_zone

ENGLISH = Languages(load_catalogs()).default


def shape(start: datetime, minutes: int = 10, *, active: int | None = None,
          status: str = "protected", billable: int | None = None, kind: str = "tracked",
          seg_id: str | None = None) -> SegmentView:
    """A stored segment as the read model gives it (a row that was never saved)."""
    active = minutes if active is None else active
    segment = Segment(
        id=seg_id or f"s-{start:%d%H%M}", contract_id="c-1", start=start,
        end=start + timedelta(minutes=minutes), kind=SegmentKind(kind), memo="m",
        minutes=() if kind == "manual" else tuple(
            MinuteRecord(at=start + timedelta(minutes=i), keys=5 if i < active else 0,
                         active_seconds=30 if i < active else 0)
            for i in range(minutes)))
    row = SegmentRow(
        id=segment.id, contract_id="c-1", start=segment.start, end=segment.end,
        week_start=week_start(start).date(), kind=kind, status=status,
        billable_seconds=60 * (minutes if billable is None else billable),
        over_limit_seconds=0,
        reasons=[], memo="m", redacted=False, body=segment_to_dict(segment),
        deleted=kind == "tombstone")
    return SegmentView(row, summary_from_dict(row.body), disputed=False)


def segment_of(view: SegmentView) -> Segment:
    return segment_from_dict(view.row.body)


def with_segment(view: SegmentView, segment: Segment) -> SegmentView:
    """The same stored row carrying another body."""
    body = segment_to_dict(segment)
    row = SegmentRow(**{c: getattr(view.row, c) for c in ("id", "contract_id", "start", "end",
                                                             "week_start", "kind", "status",
                                                             "billable_seconds",
                                                             "over_limit_seconds", "reasons",
                                                             "memo", "redacted", "deleted")},
                     body=body)
    return replace(view, row=row, summary=summary_from_dict(body))


def build(day: date, tz: str, segments: list[SegmentView], minutes: int = 10,
          disputed: frozenset[str] = frozenset()) -> DiaryPage:
    contract = Contract(id="c-1", segment_minutes=minutes, rate_cents=6000)
    start, end = local_day_bounds(day, ZoneInfo(tz))
    views = [replace(s, disputed=s.id in disputed) for s in segments]
    return build_diary(DiaryView(contract, day, tz, start, end, views), zone=ZoneInfo(tz),
                       zone_name=tz)


def test_rows_are_local_hours_and_cells_are_grid_slots() -> None:
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    view = build(date(2026, 11, 24), "Asia/Kolkata", [shape(start), shape(start + timedelta(
        minutes=20), minutes=6, active=3)])
    assert [r.label for r in view.rows] == ["14:00"]
    row = view.rows[0]
    assert row.utc_label == "08:30 UTC"
    assert [c.label for c in row.cells] == ["14:00", "14:10", "14:20", "14:30", "14:40", "14:50"]
    first, partial = row.cells[3].segments[0], row.cells[5].segments[0]
    assert first.time_label == "14:30–14:40" and not first.partial
    assert partial.partial and partial.tracked_seconds == 360
    assert partial.activity.bars == 5  # 3 of 6 minutes active
    assert view.totals.tracked_minutes == 16 and view.totals.undisputed_minutes == 16
    assert view.undisputed_cents == 1600  # 16 minutes at 60.00/h


def test_disputed_minutes_leave_the_billable_total() -> None:
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    segs = [shape(start, seg_id="a"), shape(start + timedelta(minutes=10), seg_id="b"),
            shape(start + timedelta(minutes=20), status="rejected", billable=0, seg_id="c")]
    view = build(date(2026, 11, 24), "UTC", segs, disputed=frozenset({"b"}))
    assert view.totals.undisputed_minutes == 10
    assert view.totals.disputed_minutes == 10
    assert view.totals.billable_minutes == 20  # the API's total counts disputed minutes too
    assert view.totals.tracked_minutes == 30
    assert view.totals.by_status == {"protected": 2, "rejected": 1}
    assert [s.disputed for s in view.segments] == [False, True, False]


def test_week_boundary_inside_a_local_day_is_marked_on_its_cell() -> None:
    # Monday 00:00 UTC is Sunday 19:00 in New York (EST).
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    view = build(date(2026, 11, 22), "America/New_York",
                 [shape(monday - timedelta(minutes=10)), shape(monday)])
    assert view.week_boundary_local == "19:00"
    marked = [(r.label, c.label) for r in view.rows for c in r.cells if c.week_boundary]
    assert marked == [("19:00", "19:00")]
    assert [r.label for r in view.rows] == ["18:00", "19:00"]


def test_week_boundary_in_the_middle_of_an_hour_row() -> None:
    # Monday 00:00 UTC is 05:30 in Kolkata: the boundary falls on the 05:00 row's 4th cell.
    view = build(date(2026, 11, 23), "Asia/Kolkata", [])
    assert view.week_boundary_local == "05:30"
    (row,) = view.rows  # shown even without segments, so the boundary is visible
    assert row.label == "05:00" and row.week_boundary
    assert [c.week_boundary for c in row.cells] == [False, False, False, True, False, False]


def test_no_boundary_on_days_without_one() -> None:
    assert build(date(2026, 11, 24), "Europe/Berlin", []).week_boundary_local is None
    assert build(date(2026, 11, 24), "Europe/Berlin", []).rows == ()


def test_dst_fall_back_day_has_25_hour_rows_and_repeats_one_label() -> None:
    day = date(2026, 11, 1)  # US DST ends: 01:00-02:00 happens twice in New York
    start, _ = (datetime(2026, 11, 1, 4, tzinfo=UTC), None)  # 00:00 EDT
    segs = [shape(start + timedelta(hours=h)) for h in range(25)]
    view = build(day, "America/New_York", segs)
    labels = [r.label for r in view.rows]
    assert len(labels) == 25
    assert labels.count("01:00") == 2
    assert {r.utc_label for r in view.rows if r.label == "01:00"} == {"05:00 UTC", "06:00 UTC"}


def test_dst_spring_forward_day_has_23_rows() -> None:
    day = date(2026, 3, 29)  # Europe: 02:00 -> 03:00
    start = datetime(2026, 3, 28, 23, tzinfo=UTC)  # local midnight (CET)
    view = build(day, "Europe/Berlin", [shape(start + timedelta(hours=h)) for h in range(23)])
    labels = [r.label for r in view.rows]
    assert len(labels) == 23 and "02:00" not in labels


def test_quarter_hour_zone_keeps_one_cell_per_slot() -> None:
    # Kathmandu is UTC+05:45: 10-minute UTC slots start at local :05, :15, ...
    day = date(2026, 11, 24)
    start = datetime(2026, 11, 24, 3, 20, tzinfo=UTC)  # 09:05 local
    view = build(day, "Asia/Kathmandu", [shape(start + timedelta(minutes=10 * i))
                                         for i in range(6)])
    assert [r.label for r in view.rows] == ["09:00"]
    assert [c.label for c in view.rows[0].cells] == ["09:05", "09:15", "09:25", "09:35",
                                                     "09:45", "09:55"]
    assert sum(len(c.segments) for r in view.rows for c in r.cells) == 6


def test_manual_time_and_one_minute_segments() -> None:
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    view = build(date(2026, 11, 24), "UTC", [shape(start, minutes=1), shape(
        start + timedelta(minutes=5), minutes=1, kind="manual")], minutes=1)
    cells = view.rows[0].cells
    assert len(cells) == 60
    assert cells[5].segments[0].manual and cells[5].segments[0].tracked_seconds == 60


@pytest.mark.parametrize(("cents", "currency", "language", "text"), [
    (123450, "USD", "en", "$1,234.50"), (5, "EUR", "en", "€0.05"), (-250, "GBP", "en", "-£2.50"),
    (100000, "CHF", "en", "CHF1,000.00"), (1500, "JPY", "en", "¥15"),
    (123450, "USD", "es", "1.234,50\xa0US$"), (123450, "EUR", "es", "1.234,50\xa0€"),
    (1500, "JPY", "es", "15\xa0JPY"), (100000, "KWD", "en", "KWD1,000.000"),  # 3 decimals
])
def test_money(cents: int, currency: str, language: str, text: str) -> None:
    assert money(cents, currency, Locale.parse(language)) == text


def test_hours_minutes() -> None:
    assert hours_minutes(0) == "0:00" and hours_minutes(605) == "10:05"


def test_zone_choice() -> None:
    assert choose_zone("Europe/Berlin", "UTC").name == "Europe/Berlin"
    assert choose_zone(None, "Asia/Tokyo").name == "Asia/Tokyo"
    assert choose_zone(None, None).name == "UTC"
    bad = choose_zone("../../etc/passwd", "Asia/Tokyo")
    assert bad.name == "UTC" and bad.problem == "../../etc/passwd"  # the page names it


def test_minutes_measured_from_idle_time_are_active_and_marked() -> None:
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    idle_measured = shape(start, active=0)
    minutes = tuple(
        replace(m, source=ActivitySource.IDLE_MONITOR, active_seconds=45 if i < 6 else 0)
        for i, m in enumerate(segment_of(idle_measured).minutes))
    idle_measured = with_segment(idle_measured, replace(segment_of(idle_measured),
                                                        minutes=minutes))
    counted = shape(start + timedelta(minutes=10))
    view = build(date(2026, 11, 24), "UTC", [idle_measured, counted])
    first, second = list(view.segments)
    assert first.activity_from_idle and first.activity.active_minutes == 6
    assert not second.activity_from_idle
    texts = CellTexts.of(ENGLISH)
    assert "activity measured from idle time" in segment_html(first, texts, contract_id="c-1",
                                                              disputable=False)
    assert "activity measured from idle time" not in segment_html(second, texts,
                                                                  contract_id="c-1",
                                                                  disputable=False)


def with_failed_shots(view: SegmentView, *errors: str) -> SegmentView:
    from workdiary.core.model import ScreenshotRef

    shots = tuple(ScreenshotRef(taken_at=view.start + timedelta(minutes=i), error=error)
                  for i, error in enumerate(errors))
    return with_segment(view, replace(segment_of(view), screenshots=shots))


def test_repeated_capture_failures_are_said_once_per_cause_and_counted() -> None:
    start = datetime(2026, 11, 24, 10, 4, tzinfo=UTC)
    no_display = "No X display: DISPLAY is not set. Run workdiary in an X11 session."
    segments = [with_failed_shots(shape(start + timedelta(minutes=10 * i), seg_id=f"s-{i}"),
                                  no_display)
                for i in range(12)]
    segments.append(with_failed_shots(shape(start + timedelta(hours=3), seg_id="s-x"),
                                      "Disk full."))
    view = build(date(2026, 11, 24), "UTC", segments)
    assert [(n.number, n.error, n.count, n.since_local) for n in view.failure_notes] == \
        [(1, no_display, 12, "10:04"), (2, "Disk full.", 1, "13:04")]
    cells = [s for row in view.rows for cell in row.cells for s in cell.segments]
    assert {c.first_shot.failure_note for c in cells if c.first_shot} == {1, 2}

    html = segment_cells(cells, CellTexts.of(ENGLISH), contract_id="c-1", disputable_ids=())
    assert no_display not in html.replace('title="' + no_display, "")  # only as a tooltip
    assert html.count("see note 1") == 12 and html.count("see note 2") == 1


def test_hours_minutes_seconds() -> None:
    assert hours_minutes_seconds(0) == "0:00:00" and hours_minutes_seconds(38) == "0:00:38"
    assert hours_minutes_seconds(36_309) == "10:05:09"
    assert minutes_seconds(38) == "0:38" and minutes_seconds(100) == "1:40"
