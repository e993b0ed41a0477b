"""Run as a script by the compositor's user: grab through the portal, print what came back.

The portal serves only callers it can identify (it opens /proc/PID/root), so portal grabs run
as the same user as the portal. Prints one JSON line per mode: size, the pixels at the given
points and every colour covering 1,000+ pixels, or the error; then whether the portal's
fixed-path file was left behind.
Usage: python grab_as_user.py '{"modes": ["all"], "points": [[5, 5]]}'
"""

from __future__ import annotations

import json
import os
import sys

from workdiary.capture.base import CaptureError
from workdiary.capture.wayland.portal import PortalScreenGrabber
from workdiary.capture.wayland.sway_ipc import SwayOutputs
from workdiary.core.model import CaptureMode


def main() -> None:
    spec = json.loads(sys.argv[1])
    sock = os.environ.get("SWAYSOCK")
    grabber = PortalScreenGrabber(SwayOutputs(sock) if sock else None)
    for mode in spec["modes"]:
        try:
            image = grabber.grab(CaptureMode(mode))
        except CaptureError as exc:
            print(json.dumps({"mode": mode, "error": str(exc)}), flush=True)
            continue
        points = [p for p in spec["points"] if p[0] < image.width and p[1] < image.height]
        colours = image.getcolors(maxcolors=image.width * image.height) or []
        print(json.dumps({"mode": mode, "size": image.size,
                          "pixels": [[*p, *image.getpixel(tuple(p))] for p in points],
                          "colours": [list(c) for n, c in colours if n >= 1000]}),
              flush=True)
    grabber.close()
    print(json.dumps({"left_on_disk": os.path.exists("/tmp/out.png")}), flush=True)


if __name__ == "__main__":
    main()
