"""The real ``Win32`` surface: ctypes calls into user32 and kernel32, typed and checked.

Imported only on Windows (``ctypes.WinDLL`` exists nowhere else). Each function declares its
argument and result types, so handles are not truncated to 32 bits on 64-bit Windows.
Untested on a real Windows machine so far; the adapters above it are tested through the fake.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from typing import Any

from workdiary.capture.windows.api import MonitorRect

PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
MONITOR_DEFAULTTONEAREST = 2
MONITORINFOF_PRIMARY = 1
DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2 = -4
MAX_PATH_CHARS = 32768  # the long-path limit; QueryFullProcessImageNameW says if it was short


class _LastInputInfo(ctypes.Structure):
    _fields_ = [("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD)]


class _MonitorInfo(ctypes.Structure):
    _fields_ = [("cbSize", wintypes.DWORD), ("rcMonitor", wintypes.RECT),
                ("rcWork", wintypes.RECT), ("dwFlags", wintypes.DWORD)]


def _declare(function: Any, restype: Any, *argtypes: Any) -> Any:
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


class Win32Api:
    """One instance per process is enough; every call is independent and thread-safe."""

    def __init__(self) -> None:
        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        self._get_foreground_window = _declare(user32.GetForegroundWindow, wintypes.HWND)
        self._get_window_text_length = _declare(
            user32.GetWindowTextLengthW, ctypes.c_int, wintypes.HWND)
        self._get_window_text = _declare(
            user32.GetWindowTextW, ctypes.c_int, wintypes.HWND, wintypes.LPWSTR, ctypes.c_int)
        self._get_window_thread_process_id = _declare(
            user32.GetWindowThreadProcessId, wintypes.DWORD, wintypes.HWND,
            ctypes.POINTER(wintypes.DWORD))
        self._get_last_input_info = _declare(
            user32.GetLastInputInfo, wintypes.BOOL, ctypes.POINTER(_LastInputInfo))
        self._get_cursor_pos = _declare(
            user32.GetCursorPos, wintypes.BOOL, ctypes.POINTER(wintypes.POINT))
        self._monitor_from_point = _declare(
            user32.MonitorFromPoint, wintypes.HMONITOR, wintypes.POINT, wintypes.DWORD)
        self._get_monitor_info = _declare(
            user32.GetMonitorInfoW, wintypes.BOOL, wintypes.HMONITOR,
            ctypes.POINTER(_MonitorInfo))
        # Windows 10 1703 and later; older systems keep the default awareness.
        self._set_dpi_awareness_context = (
            _declare(user32.SetProcessDpiAwarenessContext, wintypes.BOOL, wintypes.HANDLE)
            if hasattr(user32, "SetProcessDpiAwarenessContext") else None)
        self._open_process = _declare(
            kernel32.OpenProcess, wintypes.HANDLE, wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        self._query_image_name = _declare(
            kernel32.QueryFullProcessImageNameW, wintypes.BOOL, wintypes.HANDLE, wintypes.DWORD,
            wintypes.LPWSTR, ctypes.POINTER(wintypes.DWORD))
        self._close_handle = _declare(kernel32.CloseHandle, wintypes.BOOL, wintypes.HANDLE)
        self._get_tick_count = _declare(kernel32.GetTickCount, wintypes.DWORD)

    def foreground_window(self) -> int | None:
        hwnd = self._get_foreground_window()
        return int(hwnd) if hwnd else None

    def window_text(self, hwnd: int) -> str | None:
        ctypes.set_last_error(0)  # type: ignore[attr-defined]  # Windows-only
        length = self._get_window_text_length(hwnd)
        if length == 0:
            # 0 is both "no title" and failure; only the last error tells them apart.
            return None if ctypes.get_last_error() else ""  # type: ignore[attr-defined]
        buffer = ctypes.create_unicode_buffer(length + 1)
        copied = self._get_window_text(hwnd, buffer, length + 1)
        if copied == 0 and ctypes.get_last_error():  # type: ignore[attr-defined]
            return None
        return buffer.value

    def window_process_id(self, hwnd: int) -> int | None:
        pid = wintypes.DWORD(0)
        thread = self._get_window_thread_process_id(hwnd, ctypes.byref(pid))
        return int(pid.value) if thread and pid.value else None

    def process_image_path(self, pid: int) -> str | None:
        handle = self._open_process(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return None
        try:
            size = wintypes.DWORD(MAX_PATH_CHARS)
            buffer = ctypes.create_unicode_buffer(MAX_PATH_CHARS)
            if not self._query_image_name(handle, 0, buffer, ctypes.byref(size)):
                return None
            return buffer.value[: size.value]
        finally:
            self._close_handle(handle)

    def tick_count(self) -> int:
        return int(self._get_tick_count())

    def last_input_tick(self) -> int | None:
        info = _LastInputInfo(cbSize=ctypes.sizeof(_LastInputInfo), dwTime=0)
        if not self._get_last_input_info(ctypes.byref(info)):
            return None
        return int(info.dwTime)

    def cursor_position(self) -> tuple[int, int] | None:
        point = wintypes.POINT()
        if not self._get_cursor_pos(ctypes.byref(point)):
            return None
        return int(point.x), int(point.y)

    def monitor_at(self, x: int, y: int) -> MonitorRect | None:
        monitor = self._monitor_from_point(wintypes.POINT(x, y), MONITOR_DEFAULTTONEAREST)
        if not monitor:
            return None
        info = _MonitorInfo(cbSize=ctypes.sizeof(_MonitorInfo))
        if not self._get_monitor_info(monitor, ctypes.byref(info)):
            return None
        rect = info.rcMonitor
        return MonitorRect(left=rect.left, top=rect.top, width=rect.right - rect.left,
                           height=rect.bottom - rect.top,
                           primary=bool(info.dwFlags & MONITORINFOF_PRIMARY))

    def set_per_monitor_dpi_awareness(self) -> bool:
        if self._set_dpi_awareness_context is None:
            return False
        context = wintypes.HANDLE(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2)
        return bool(self._set_dpi_awareness_context(context))
