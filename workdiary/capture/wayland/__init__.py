"""Native Wayland capture: the screenshot portal, wlr-screencopy, idle notifications, sway IPC.

Chosen by ``workdiary.capture.platform`` on a Wayland session without an X display; what this
session uses, and why, is reported by ``workdiary.capture.wayland.session``.
"""
