"""The viewer's time zone: from ``?tz=``, else the session, else UTC."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from markupsafe import Markup

UTC_NAME = "UTC"


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """The zone a page uses; ``problem`` is the name asked for when it was not understood
    (the page says so in the viewer's language)."""

    name: str
    zone: ZoneInfo
    problem: str | None = None


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name`` (Area/City or UTC), or None if there is no such zone."""
    if not name or len(name) > 64 or name.startswith("/") or ".." in name:
        return None
    if name not in zone_names() and name != UTC_NAME:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def choose_zone(asked: str | None, remembered: str | None) -> ZoneChoice:
    """Pick the page's zone; an unknown ``asked`` falls back to UTC with a clear note."""
    if asked:
        zone = zone_named(asked)
        if zone is not None:
            return ZoneChoice(asked, zone)
        return ZoneChoice(UTC_NAME, ZoneInfo(UTC_NAME), asked[:64])
    if remembered:
        zone = zone_named(remembered)
        if zone is not None:
            return ZoneChoice(remembered, zone)
    return ZoneChoice(UTC_NAME, ZoneInfo(UTC_NAME))


@lru_cache(maxsize=64)
def zone_options(selected: str) -> Markup:
    """The selector's <option> list with ``selected`` marked, built once per zone (~600 zones)."""
    return Markup("").join(
        Markup('<option selected>{}</option>').format(name) if name == selected
        else Markup("<option>{}</option>").format(name)
        for name in zone_names()
    )


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Area/City zones for the selector, sorted; UTC first. Computed once (the set is static)."""
    names = sorted(
        n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/"))
    )
    return (UTC_NAME, *names)
