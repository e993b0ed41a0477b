"""Run as a script: show an undecorated Tk window of colour blocks; print its X ids as JSON.

A separate process because Tk keeps its X connection after the window is destroyed and exits
the whole process when that X server later goes away (the tests stop their private Xvfbs).
Usage: python colour_window_app.py '{"display": ":5", "x": 0, ...}'; ends when stdin closes.
"""

from __future__ import annotations

import json
import sys
import threading
import tkinter


def main() -> None:
    spec = json.loads(sys.argv[1])
    root = tkinter.Tk(screenName=spec["display"], className=spec["class_name"])
    root.title(spec["title"])
    root.overrideredirect(True)  # no window manager anyway; keep the geometry exact
    width, height = spec["width"], spec["height"]
    root.geometry(f"{width}x{height}+{spec['x']}+{spec['y']}")
    canvas = tkinter.Canvas(
        root, width=width, height=height, highlightthickness=0, borderwidth=0, background="black"
    )
    canvas.place(x=0, y=0)
    for bx, by, bw, bh, colour in spec["blocks"]:
        canvas.create_rectangle(bx, by, bx + bw, by + bh, fill=colour, width=0)
    root.update()

    def announce() -> None:
        root.update_idletasks()
        print(json.dumps({"frame": int(root.wm_frame(), 16), "inner": canvas.winfo_id()}),
              flush=True)

    # Painted after the first idle round; announce a little later to be safe.
    root.after(200, announce)
    stdin_closed = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stdin_closed.set()), daemon=True).start()

    def poll() -> None:
        if stdin_closed.is_set():
            root.destroy()
        else:
            root.after(50, poll)

    root.after(50, poll)
    root.mainloop()


if __name__ == "__main__":
    main()
