"""Copy the browser tests' page pictures into docs/screenshots/, reduced to 256 colours.

The browser tests (``pytest -m browser tests/server/web``) write full-colour PNGs to
test-artifacts/web/; the copies kept in the repository are palette PNGs, a few times smaller.
Run after the tests:  .venv/bin/python scripts/reduce-screenshots.py [artifact.png:doc.png ...]
Without arguments it refreshes the pictures of the self-service pages listed below.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "web"
DOCS = ROOT / "docs" / "screenshots"

# test-artifacts/web/<key> -> docs/screenshots/<value>; the test that takes each is named in
# docs/screenshots/README.md.
PAGES = {
    "account-signup.png": "signup.png",
    "contract-new.png": "contract-new.png",
    "offers.png": "offers.png",
    "contract.png": "contract.png",
    "dispute-client.png": "dispute.png",
    "admin-disputes.png": "admin-disputes.png",
    "admin-audit.png": "admin-audit.png",
    "manual-edited-clara.png": "diary-manual-edited.png",
    "notifications.png": "notifications.png",
    "reports-hours.png": "reports-hours.png",  # tests/server/web/test_reports_browser.py
    "invoice-pdf.png": "invoice-pdf.png",  # page 1 of a PDF: tests/server/web/test_pdfs.py
    "report-pdf.png": "report-pdf.png",
    "team-dashboard.png": "team-dashboard.png",
    "freelancer-weeks.png": "freelancer-weeks.png",
}


def reduce(source: Path, target: Path) -> int:
    """Write ``source`` as a 256-colour PNG at ``target``; returns its size in bytes."""
    with Image.open(source) as image:
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        palette.save(target, optimize=True)
    return target.stat().st_size


def main(argv: list[str]) -> int:
    pairs = dict(arg.split(":", 1) for arg in argv) if argv else PAGES
    missing = [name for name in pairs if not (ARTIFACTS / name).exists()]
    if missing:
        print(f"not in {ARTIFACTS} (run the browser tests first): {', '.join(missing)}",
              file=sys.stderr)
        return 1
    for name, doc in pairs.items():
        size = reduce(ARTIFACTS / name, DOCS / doc)
        print(f"{doc}: {size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
