"""axe-core in Debian's Chromium: the WCAG 2.1 A and AA rules over a loaded page.

axe-core comes from the npm registry (``scripts/install-axe.sh``, run by ``make system`` and
``.ci/run``) into ``.node/``. The pages forbid inline scripts (CSP), so the browser context
that runs axe is opened with ``bypass_csp``; the pages' own behaviour does not depend on CSP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
AXE_JS = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"axe-core is not installed at {AXE_JS}: run "
                           "`bash scripts/install-axe.sh` (make system and .ci/run do)")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any, source: str) -> list[str]:
    """Each WCAG 2.1 A/AA violation on ``page`` as ``rule: target (summary)``; [] when clean."""
    page.add_script_tag(content=source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_21_AA)
    return [
        f"{violation['id']}: {' '.join(map(str, node['target']))} ({node['failureSummary']})"
        for violation in result["violations"] for node in violation["nodes"]
    ]
