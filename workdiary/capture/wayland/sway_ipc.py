"""sway's IPC (the i3 protocol) over $SWAYSOCK: output layout and the focused window.

One short-lived connection per request: the tracker asks once per screenshot, and a fresh
connection survives a sway restart without bookkeeping.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from collections.abc import Iterator, Mapping
from typing import Any

from workdiary.capture.base import ActiveWindow, CaptureError
from workdiary.capture.wayland.layout import Output

MAGIC = b"i3-ipc"
HEADER = struct.Struct("=6sII")  # magic, payload length, message type (native byte order)
GET_OUTPUTS = 3
GET_TREE = 4
MAX_REPLY = 64 * 1024 * 1024  # a tree of thousands of windows is a few MB


class SwayIpcError(CaptureError):
    """sway's IPC socket is missing or answered something unexpected."""


def sway_socket(env: Mapping[str, str] | None = None) -> str | None:
    """The IPC socket of the running sway, if this session has one."""
    env = os.environ if env is None else env
    return env.get("SWAYSOCK") or None


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise SwayIpcError("sway closed its IPC connection mid-reply")
        chunks.extend(chunk)
    return bytes(chunks)


def request(path: str, message_type: int, payload: bytes = b"", timeout: float = 5.0) -> Any:
    """Send one IPC message and return the decoded JSON reply."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(HEADER.pack(MAGIC, len(payload), message_type) + payload)
            magic, length, _ = HEADER.unpack(_recv_exact(sock, HEADER.size))
            if magic != MAGIC or length > MAX_REPLY:
                raise SwayIpcError("sway's IPC socket answered in an unknown format")
            return json.loads(_recv_exact(sock, length))
    except (OSError, ValueError) as exc:
        raise SwayIpcError(f"sway IPC at {path} failed: {exc}") from exc


def outputs_from_reply(reply: list[dict[str, Any]]) -> list[Output]:
    """Active outputs of a GET_OUTPUTS reply, in layout coordinates."""
    result = []
    for item in reply:
        rect = item.get("rect") or {}
        if not item.get("active", True) or not rect.get("width"):
            continue
        result.append(Output(
            name=str(item.get("name", "")), x=int(rect["x"]), y=int(rect["y"]),
            width=int(rect["width"]), height=int(rect["height"]),
            focused=bool(item.get("focused", False)), primary=bool(item.get("primary", False)),
        ))
    return result


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in (*node.get("nodes", ()), *node.get("floating_nodes", ())):
        yield from _nodes(child)


def focused_window_from_tree(tree: dict[str, Any]) -> ActiveWindow | None:
    """The focused application window of a GET_TREE reply (native or XWayland), if any."""
    for node in _nodes(tree):
        if not node.get("focused") or node.get("type") not in ("con", "floating_con"):
            continue
        props = node.get("window_properties") or {}
        app = node.get("app_id") or props.get("class") or props.get("instance") or ""
        return ActiveWindow(app=str(app), title=str(node.get("name") or ""))
    return None


class SwayOutputs:
    """The output layout, asked of sway on every call (monitors come and go)."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __call__(self) -> list[Output]:
        return outputs_from_reply(request(self._path, GET_OUTPUTS))


class SwayWindowProbe:
    """The focused window's app id (or X11 class) and title, from sway's tree."""

    def __init__(self, path: str) -> None:
        self._path = path

    def active_window(self) -> ActiveWindow | None:
        return focused_window_from_tree(request(self._path, GET_TREE))
