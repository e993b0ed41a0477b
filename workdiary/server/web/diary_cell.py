"""A segment's cell in the day's diary, as HTML: the diary page's hot loop, written in Python.

A day's page holds up to 144 cells (288 with 5-minute segments). As a Jinja macro they took
about a quarter of the page's time: each ``{{ }}`` is a generator step, a guarded attribute
lookup and an escape call, ~30 of them per cell. Written here, each value is still escaped
by markupsafe exactly as autoescaping does, each word is translated once per page
(``CellTexts``), and the cells cost a fraction of that (benchmarks/ingest.md, "diary page").
The rest of the page stays in ``templates/diary.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from markupsafe import Markup, escape

from workdiary.server.i18n import formatting
from workdiary.server.i18n.language import Language
from workdiary.server.web.diary_view import SegmentCell, ShotView
from workdiary.server.web.reasons import state_word

MAX_REASONS = 3  # listed under a cell; the rest are counted ("+2 more")


@dataclass(frozen=True, slots=True)
class CellTexts:
    """The cells' words in the page's language. Catalog text is trusted as markup, as the
    templates' ``_()`` trusts it; only the values put into it are escaped."""

    gettext: Callable[[str], str]
    deleted: str
    capture_failed: str
    capture_failed_colon: str
    see_note: str
    manual_time: str
    no_screenshot_paren: str
    no_screenshot: str
    shot_at: str
    open_full: str
    activity: str
    idle_source_title: str
    idle_source: str
    no_memo: str
    more_reasons: str
    manual: str
    edited_title: str
    edited: str
    redacted: str
    disputed: str
    over_limit_title: str
    over_limit: str
    partial_title: str
    minutes: str
    select_label: str
    select: str

    @classmethod
    def of(cls, language: Language) -> CellTexts:
        _ = language.gettext
        return cls(
            gettext=_,
            deleted=_("Deleted by the freelancer"),
            capture_failed=_("Capture failed"),
            capture_failed_colon=_("Capture failed:"),
            see_note=_("see note %(note)s"),
            manual_time=_("Manual time"),
            no_screenshot_paren=_("no screenshot"),
            no_screenshot=_("No screenshot"),
            shot_at=_("Screenshot at %(at)s"),
            open_full=_("open full size"),
            activity=_("Activity: %(active)s of %(tracked)s minutes active "
                       "(%(percent)s%% of seconds)"),
            idle_source_title=_("Input is not counted on this desktop (native Wayland): active "
                                "seconds come from the desktop's idle notifications"),
            idle_source=_("activity measured from idle time"),
            no_memo=_("no memo"),
            more_reasons=_("+%(count)s more"),
            manual=_("Manual"),
            edited_title=_("The freelancer edited the memo after upload"),
            edited=_("Edited"),
            redacted=_("Redacted"),
            disputed=_("Disputed"),
            over_limit_title=_("Past the weekly limit: tracked, not billed"),
            over_limit=_("%(minutes)s min over limit"),
            partial_title=_("Clocked in or out inside this segment"),
            minutes=_("%(minutes)s min"),
            select_label=_("Select to dispute: %(time)s"),
            select=_("Select to dispute"),
        )

    def state(self, status: str) -> str:
        """A segment's verdict in words ("protected"), as the templates' ``state`` filter."""
        return self.gettext(state_word(status))


def segment_html(s: SegmentCell, texts: CellTexts, *, contract_id: str,
                 disputable: bool) -> Markup:
    """One segment's cell: its time and verdict, first screenshot (or why there is none),
    activity meter, memo, reasons, marks and, for the client, the dispute checkbox."""
    state = escape(texts.state(s.status))
    classes = "".join((" disputed" if s.disputed else "", " deleted" if s.deleted else "",
                       " manual" if s.manual else ""))
    reasons_title = "".join(f" · {texts.gettext(text)}" for _code, text in s.reasons)
    out = [
        f'<div class="seg s-{escape(s.status)}{classes}" id="seg-{escape(s.id)}">\n'
        f'  <div class="seg-head">\n'
        f'    <span class="seg-time">{escape(s.time_label)}</span>'
        f'<span class="seg-start">{escape(s.time_label[:5])}</span>\n'
        f'    <span class="badge b-{escape(s.status)}" title="{state}{reasons_title}">'
        f'<span class="badge-text">{state}</span></span>\n'
        f'  </div>\n',
        _picture(s, texts, escape(contract_id)),
    ]
    if not s.deleted and not s.manual:
        out.append(_meter(s, texts))
    if s.memo:
        memo = escape(s.memo)
        out.append(f'<div class="memo" title="{memo}">{memo}</div>')
    elif not s.deleted:
        out.append(f'<div class="memo none">—<span class="sr-only">{texts.no_memo}</span></div>')
    if s.reasons and s.status != "protected" and not s.deleted:  # a deletion says so above
        out.append('\n  <ul class="reasons">')
        out += [f"<li>{texts.gettext(text)}</li>" for _code, text in s.reasons[:MAX_REASONS]]
        if len(s.reasons) > MAX_REASONS:
            out.append(f"<li>{texts.more_reasons % {'count': len(s.reasons) - MAX_REASONS}}</li>")
        out.append("</ul>\n")
    out.append(_marks(s, texts))
    if disputable:
        label = texts.select_label % {"time": escape(s.time_label)}
        out.append(f'  <label class="seg-select"><input type="checkbox" name="segment_ids" '
                   f'value="{escape(s.id)}" form="dispute-form" aria-label="{label}"> '
                   f"{texts.select}</label>\n")
    out.append("</div>")
    return Markup("".join(out))


def segment_cells(cells: Collection[SegmentCell], texts: CellTexts, *, contract_id: str,
                  disputable_ids: Collection[str]) -> Markup:
    """A diary slot's segments (usually one), one after the other."""
    return Markup("".join(segment_html(s, texts, contract_id=contract_id,
                                       disputable=s.id in disputable_ids) for s in cells))


def _picture(s: SegmentCell, texts: CellTexts, contract_id: Markup) -> str:
    """The first screenshot's thumbnail, else the reason there is none."""
    shot: ShotView | None = s.first_shot
    if s.deleted:
        return f'    <div class="nothumb">{texts.deleted}</div>\n'
    if shot is not None and shot.sha256:
        sha = escape(shot.sha256)
        shot_at = texts.shot_at % {"at": escape(shot.taken_local)}
        window = (f" · {escape(shot.app)} — {escape(shot.window_title)}"
                  if shot.window_title else "")
        more = (f'      <span class="more-shots">+{len(s.shots) - 1}</span>\n'
                if len(s.shots) > 1 else "")
        return (f'    <a class="thumb" href="/contracts/{contract_id}/screenshots/{sha}" '
                f'title="{shot_at}{window} ({texts.open_full})">\n'
                f'      <img src="/contracts/{contract_id}/screenshots/{sha}/thumb" '
                f'alt="{shot_at}" loading="lazy" width="360" height="225">\n'
                f"{more}    </a>\n")
    if shot is not None and shot.error and shot.failure_note:
        see = texts.see_note % {"note": shot.failure_note}
        return (f'    <div class="nothumb" title="{escape(shot.error)}">{texts.capture_failed}'
                f'<br><a href="#capture-failure-{shot.failure_note}">{see}</a></div>\n')
    if shot is not None and shot.error:
        return (f'    <div class="nothumb">{texts.capture_failed_colon}<br>'
                f"{escape(shot.error)}</div>\n")
    if s.manual:
        return (f'    <div class="nothumb">{texts.manual_time}<br>'
                f"({texts.no_screenshot_paren})</div>\n")
    return f'    <div class="nothumb">{texts.no_screenshot}</div>\n'


def _meter(s: SegmentCell, texts: CellTexts) -> str:
    activity = s.activity
    label = texts.activity % {"active": activity.active_minutes,
                              "tracked": activity.tracked_minutes, "percent": activity.percent}
    low = " low" if activity.bars < 4 else ""
    meter = (f'  <div class="meter{low}" role="img" aria-label="{label}">\n'
             f"    {s.meter_ticks}\n"
             f'    <span class="meter-label" aria-hidden="true">'
             f"{activity.active_minutes}/{activity.tracked_minutes}</span>\n"
             f"  </div>\n")
    if s.activity_from_idle:
        meter += (f'  <div class="activity-source" title="{texts.idle_source_title}">'
                  f"{texts.idle_source}</div>\n")
    return meter


def _marks(s: SegmentCell, texts: CellTexts) -> str:
    """The small marks under a cell: manual, edited, redacted, disputed, over the limit,
    partial (clocked in or out inside it)."""
    marks = []
    if s.manual:
        marks.append(f'<span class="mark mark-manual">{texts.manual}</span>')
    if s.memo_edited:
        marks.append(f'<span class="mark mark-edited" title="{texts.edited_title}">'
                     f"{texts.edited}</span>")
    if s.redacted:
        marks.append(f'<span class="mark mark-redacted">{texts.redacted}</span>')
    if s.disputed:
        marks.append(f'<span class="mark mark-disputed">{texts.disputed}</span>')
    if s.over_limit_seconds:
        minutes = escape(formatting.minutes_seconds(s.over_limit_seconds))
        marks.append(f'<span class="mark mark-disputed" title="{texts.over_limit_title}">'
                     f"{texts.over_limit % {'minutes': minutes}}</span>")
    if s.partial and not s.deleted:
        minutes = escape(formatting.minutes_seconds(s.tracked_seconds))
        marks.append(f'<span class="mark" title="{texts.partial_title}">'
                     f"{texts.minutes % {'minutes': minutes}}</span>")
    if not marks:
        return ""
    return '\n  <div class="marks">\n    ' + "\n    ".join(marks) + "\n  </div>\n"
