"""A diary cell's HTML (web/diary_cell.py): every branch a cell can show, values escaped,
words in the page's language."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from workdiary.core.activity import Activity
from workdiary.server.i18n.catalogs import load_catalogs
from workdiary.server.i18n.language import Languages
from workdiary.server.web.diary_cell import CellTexts, segment_cells, segment_html
from workdiary.server.web.diary_view import SegmentCell, ShotView

LANGUAGES = Languages(load_catalogs())
ENGLISH = CellTexts.of(LANGUAGES.default)
SHA = "ab" * 32
HOSTILE = '<script>alert("x")</script> & "quoted"'


def cell(**changes: object) -> SegmentCell:
    base = SegmentCell(
        id="s-1", time_label="09:10–09:20", status="protected",
        reasons=(), memo="Checkout page", billable_seconds=600, over_limit_seconds=0,
        tracked_seconds=600, activity=Activity(10, 8, 330, 600),
        shots=(ShotView(sha256=SHA, taken_local="09:13:05"),), redacted=False,
        disputed=False, partial=False, manual=False, deleted=False)
    return replace(base, **changes)  # type: ignore[arg-type]


def html_of(segment: SegmentCell, *, disputable: bool = False, texts: CellTexts = ENGLISH,
            contract_id: str = "c-1") -> str:
    return str(segment_html(segment, texts, contract_id=contract_id, disputable=disputable))


class Tags(HTMLParser):
    """Opening and closing tags, to check a cell is well nested."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.attrs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs.append(dict(attrs))
        if tag not in ("img", "input", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (self.open, tag)
        self.open.pop()


def parsed(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    assert tags.open == []
    return tags


def test_a_tracked_cell_shows_its_time_verdict_thumbnail_meter_and_memo() -> None:
    html = html_of(cell())
    parsed(html)
    assert html.startswith('<div class="seg s-protected" id="seg-s-1">')
    assert '<span class="seg-time">09:10–09:20</span><span class="seg-start">09:10</span>' in html
    assert 'title="Protected"' in html and '<span class="badge-text">Protected</span>' in html
    assert f'href="/contracts/c-1/screenshots/{SHA}"' in html
    assert f'src="/contracts/c-1/screenshots/{SHA}/thumb" alt="Screenshot at 09:13:05"' in html
    assert 'title="Screenshot at 09:13:05 (open full size)"' in html
    assert 'aria-label="Activity: 8 of 10 minutes active (55% of seconds)"' in html
    assert html.count('<i class="on"></i>') == 8 and '<span class="meter-label"' in html
    assert '<div class="memo" title="Checkout page">Checkout page</div>' in html
    assert "more-shots" not in html and "marks" not in html and "seg-select" not in html


def test_what_the_client_types_and_the_desktop_sends_is_escaped() -> None:
    shot = ShotView(sha256=SHA, taken_local="09:13:05", app=HOSTILE, window_title=HOSTILE)
    html = html_of(cell(memo=HOSTILE, shots=(shot,), id='s"1'), disputable=True,
                   contract_id='c"<1')
    parsed(html)
    assert "<script>" not in html and 'alert("x")' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quoted&#34;" in html
    assert 'id="seg-s&#34;1"' in html and 'value="s&#34;1"' in html
    assert "/contracts/c&#34;&lt;1/screenshots/" in html
    failed = html_of(cell(shots=(ShotView(sha256=None, taken_local="09:13:05",
                                          error=HOSTILE),)))
    assert "<script>" not in failed and "Capture failed:<br>&lt;script&gt;" in failed


def test_a_deleted_segment_says_so_and_shows_nothing_else() -> None:
    html = html_of(cell(deleted=True, memo="", status="protected"), disputable=False)
    parsed(html)
    assert 'class="seg s-protected deleted"' in html
    assert '<div class="nothumb">Deleted by the freelancer</div>' in html
    assert "meter" not in html and "<img" not in html and "memo" not in html


def test_manual_time_has_no_meter_and_is_marked() -> None:
    html = html_of(cell(manual=True, shots=(), memo=""))
    parsed(html)
    assert 'class="seg s-protected manual"' in html
    assert '<div class="nothumb">Manual time<br>(no screenshot)</div>' in html
    assert "meter" not in html
    assert '<div class="memo none">—<span class="sr-only">no memo</span></div>' in html
    assert '<span class="mark mark-manual">Manual</span>' in html


def test_failed_captures_refer_to_the_days_note_or_say_the_reason() -> None:
    noted = ShotView(sha256=None, taken_local="10:04:00", error="No display", failure_note=2)
    html = html_of(cell(shots=(noted,)))
    assert ('<div class="nothumb" title="No display">Capture failed<br>'
            '<a href="#capture-failure-2">see note 2</a></div>') in html
    assert '<div class="nothumb">No screenshot</div>' in html_of(cell(shots=()))


def test_more_screenshots_window_titles_and_idle_measured_activity() -> None:
    shots = (ShotView(sha256=SHA, taken_local="09:13:05", app="Firefox",
                      window_title="Docs"),) + (ShotView(sha256="cd" * 32, taken_local="x"),) * 2
    html = html_of(cell(shots=shots, activity_from_idle=True,
                        activity=Activity(10, 2, 60, 600)))
    parsed(html)
    assert 'title="Screenshot at 09:13:05 · Firefox — Docs (open full size)"' in html
    assert '<span class="more-shots">+2</span>' in html
    assert '<div class="meter low"' in html
    assert "activity measured from idle time" in html


def test_reasons_are_listed_up_to_three_unless_protected() -> None:
    reasons = tuple((f"r{i}", f"Reason {i}") for i in range(5))
    html = html_of(cell(status="unprotected", reasons=reasons))
    parsed(html)
    assert 'title="Unprotected · Reason 0 · Reason 1 · Reason 2 · Reason 3 · Reason 4"' in html
    assert "<li>Reason 2</li>" in html and "<li>Reason 3</li>" not in html
    assert "<li>+2 more</li>" in html
    assert '<ul class="reasons">' not in html_of(cell(reasons=reasons))  # protected


@pytest.mark.parametrize(("changes", "mark"), [
    ({"memo_edited": True}, '<span class="mark mark-edited" title="The freelancer edited the '
                            'memo after upload">Edited</span>'),
    ({"redacted": True}, '<span class="mark mark-redacted">Redacted</span>'),
    ({"disputed": True}, '<span class="mark mark-disputed">Disputed</span>'),
    ({"over_limit_seconds": 150}, 'title="Past the weekly limit: tracked, not billed">2:30 min '
                                  'over limit</span>'),
    ({"partial": True, "tracked_seconds": 270}, 'title="Clocked in or out inside this '
                                                'segment">4:30 min</span>'),
])
def test_marks(changes: dict[str, object], mark: str) -> None:
    html = html_of(cell(**changes))
    parsed(html)
    assert '<div class="marks">' in html and mark in html


def test_the_client_can_select_a_disputable_segment() -> None:
    html = html_of(cell(), disputable=True)
    parsed(html)
    assert ('<input type="checkbox" name="segment_ids" value="s-1" form="dispute-form" '
            'aria-label="Select to dispute: 09:10–09:20"> Select to dispute</label>') in html
    both = str(segment_cells([cell(), cell(id="s-2")], ENGLISH, contract_id="c-1",
                             disputable_ids={"s-2"}))
    assert both.count("seg-select") == 1 and 'value="s-2"' in both


def test_words_follow_the_pages_language() -> None:
    spanish = LANGUAGES.get("es")
    assert spanish is not None
    html = html_of(cell(manual=True, shots=(), memo=""), texts=CellTexts.of(spanish))
    english = html_of(cell(manual=True, shots=(), memo=""))
    assert html != english and "Manual time" not in html
    assert spanish.gettext("Manual time") in html
