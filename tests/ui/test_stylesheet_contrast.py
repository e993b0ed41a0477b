"""The stylesheet's text is readable: every foreground/background pair it sets (or leaves to the
window's background) has a WCAG 2.1 contrast ratio of at least 4.5:1 (AA for normal text).

Disabled controls are left out, as WCAG does (1.4.3: text of an inactive component has no
contrast requirement); a disabled button also says so to a screen reader."""

from __future__ import annotations

import re

import pytest

from workdiary.ui.style import load_stylesheet

AA = 4.5
WINDOW = "QMainWindow"  # the rule whose background is behind every label that sets none
DEFAULT_TEXT = "#000000"  # Qt's palette text colour under this light stylesheet
NAMED = {"white": "#ffffff", "black": "#000000"}


def rules(qss: str) -> list[tuple[list[str], dict[str, str]]]:
    """(selectors, declarations) of each rule, comments removed."""
    qss = re.sub(r"/\*.*?\*/", "", qss, flags=re.S)
    found = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", qss):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                key, value = part.split(":", 1)
                declarations[key.strip()] = value.strip()
        found.append(([s.strip() for s in selectors.split(",")], declarations))
    return found


def colour(value: str) -> tuple[float, float, float] | None:
    value = NAMED.get(value.strip().lower(), value.strip())
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", value)
    if match is None:
        return None
    hex_ = match.group(1)
    return tuple(int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(rgb: tuple[float, float, float]) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(linear, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    a, b = luminance(colour(one)), luminance(colour(two))  # type: ignore[arg-type]
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def pairs(qss: str) -> dict[str, tuple[str, str]]:
    """Each selector's text and background colour: its own, else its base selector's (without
    the :state or [property] part), else the window's background and Qt's default text."""
    by_selector: dict[str, dict[str, str]] = {}
    for selectors, declarations in rules(qss):
        for selector in selectors:
            by_selector.setdefault(selector, {}).update(declarations)
    window_background = by_selector[WINDOW]["background"]
    found = {}
    for selector, declarations in by_selector.items():
        if ":disabled" in selector or "::" in selector:
            continue  # inactive controls; sub-controls (a meter's chunk) carry no text
        base = by_selector.get(re.split(r"[:\[]", selector)[0], {})
        text = declarations.get("color", base.get("color", DEFAULT_TEXT))
        background = declarations.get("background", base.get("background", window_background))
        if colour(background) is None or colour(text) is None:
            continue  # "transparent": the window's background shows (checked on its own)
        if "color" in declarations or "background" in declarations:
            found[selector] = (text, background)
    return found


def test_the_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA


def test_the_check_sees_a_pale_button() -> None:
    found = pairs("QMainWindow { background: #ffffff; }\n"
                  "QPushButton#Go { background: #4fbf7f; color: white; }")
    assert contrast(*found["QPushButton#Go"]) < AA


def test_every_colour_pair_of_the_stylesheet_is_readable() -> None:
    found = pairs(load_stylesheet())
    assert len(found) > 15  # the check saw the stylesheet, not an empty file
    weak = {selector: round(contrast(text, background), 2)
            for selector, (text, background) in found.items()
            if contrast(text, background) < AA}
    assert weak == {}
