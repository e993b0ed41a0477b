"""Real headless compositors for the Wayland tests, started as the unprivileged user ``nobody``.

sway refuses to run as root, so the compositor, its D-Bus session bus, pipewire and the portals
run as uid 65534 in a private XDG_RUNTIME_DIR; the test process (root) connects to their
sockets (root may connect to any unix socket, and dbus-daemon admits root to any session bus).
Every process is stopped by its own PID (process group) at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

NOBODY = 65534
SWAY_PACKAGES = {"sway": "sway", "grim": "grim", "swayidle": "swayidle", "wtype": "wtype",
                 "pipewire": "pipewire", "dbus-run-session": "dbus",
                 "/usr/libexec/xdg-desktop-portal": "xdg-desktop-portal",
                 "/usr/libexec/xdg-desktop-portal-wlr": "xdg-desktop-portal-wlr"}
GNOME_PACKAGES = {"gnome-shell": "gnome-shell", "dbus-run-session": "dbus",
                  "pipewire": "pipewire",
                  "/usr/libexec/xdg-desktop-portal": "xdg-desktop-portal",
                  "/usr/libexec/xdg-desktop-portal-gnome": "xdg-desktop-portal-gnome"}


def missing_packages(needed: Mapping[str, str]) -> list[str]:
    """The Debian packages whose programs are not installed (scripts/install-system-deps.sh)."""
    return sorted({pkg for tool, pkg in needed.items() if shutil.which(tool) is None
                   and not os.access(tool, os.X_OK)})


def _private_runtime_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="wd-wl-"))
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o700)
    return path


# The session bus of the compositor's user, admitting root too: the tests (root) talk to the
# portal on it (dbus-daemon otherwise admits only the bus owner's uid).
BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/session.conf</include>
  <policy context="default"><allow user="root"/></policy>
</busconfig>
"""


def _bus_config(runtime: Path) -> Path:
    path = runtime / "bus.conf"
    path.write_text(BUS_CONFIG)
    return path


def _as_nobody() -> list[str]:
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def _wait_for(path: Path, process: subprocess.Popen[bytes], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not become ready in {seconds} s")
        time.sleep(0.05)


@dataclass
class WaylandSession:
    """A running compositor: the environment a client needs to join it, and how to stop it."""

    runtime_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def client_env(self, **overrides: str) -> dict[str, str]:
        """os.environ without any X display, plus this session's sockets."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "SWAYSOCK",
                            "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP")}
        env.update(self.env)
        env.update(overrides)
        return env

    def swaymsg(self, *args: str) -> str:
        done = subprocess.run(["swaymsg", *args], env=self.client_env(), capture_output=True,
                              text=True, timeout=10, check=True)
        return done.stdout

    def outputs(self) -> list[dict[str, object]]:
        result: list[dict[str, object]] = json.loads(self.swaymsg("-t", "get_outputs", "-r"))
        return result

    def start_client(self, argv: list[str], **env: str) -> subprocess.Popen[bytes]:
        """A client process of this session (as root), stopped with the session."""
        process = subprocess.Popen(argv, env=self.client_env(**env), start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.extra.append(process)
        return process

    def stop(self) -> None:
        for process in [*self.extra, self.process]:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.extra, self.process]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


SWAY_CONFIG = """\
output HEADLESS-1 mode 800x600 position 0 0
default_border none
default_floating_border none
exec_always touch {runtime}/ready
"""

# Started by the compositor's session: pipewire first (the portal needs it), then the
# activation environment so D-Bus-activated portals find the compositor.
SWAY_SESSION = """\
echo "$DBUS_SESSION_BUS_ADDRESS" > "$XDG_RUNTIME_DIR/bus"
pipewire >"$XDG_RUNTIME_DIR/pipewire.log" 2>&1 &
exec sway -c "$XDG_RUNTIME_DIR/sway.cfg"
"""


def start_sway(*, portal: bool = True) -> WaylandSession:
    """Headless sway (800x600 output HEADLESS-1) as nobody, with its own D-Bus session bus."""
    runtime = _private_runtime_dir()
    (runtime / "sway.cfg").write_text(SWAY_CONFIG.format(runtime=runtime))
    log = runtime / "sway.log"
    env = {
        "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime), "WLR_BACKENDS": "headless",
        "WLR_LIBINPUT_NO_DEVICES": "1", "WLR_RENDERER": "pixman", "XDG_CURRENT_DESKTOP": "sway",
        "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*_as_nobody(), "dbus-run-session", f"--config-file={_bus_config(runtime)}", "--",
             "sh", "-c", SWAY_SESSION],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=runtime,
        )
    session = WaylandSession(runtime, {}, process, log)
    try:
        _wait_for(runtime / "ready", process, 20, "sway")
        sockets = sorted(runtime.glob("wayland-*[0-9]"))
        swaysock = sorted(runtime.glob("sway-ipc.*.sock"))
        bus = (runtime / "bus").read_text().strip()
        session.env = {
            "XDG_RUNTIME_DIR": str(runtime), "WAYLAND_DISPLAY": sockets[0].name,
            "SWAYSOCK": str(swaysock[0]), "DBUS_SESSION_BUS_ADDRESS": bus,
            "XDG_CURRENT_DESKTOP": "sway", "XDG_SESSION_TYPE": "wayland",
        }
        if portal:
            _activation_environment(session)
    except Exception:
        session.stop()
        raise
    return session


def _activation_environment(session: WaylandSession) -> None:
    """Give D-Bus-activated services (the portals) the compositor's environment."""
    env = {**session.env, "HOME": str(session.runtime_dir), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [*_as_nobody(), "dbus-update-activation-environment", "WAYLAND_DISPLAY",
         "XDG_RUNTIME_DIR", "XDG_CURRENT_DESKTOP", "HOME", "SWAYSOCK"],
        env=env, check=True, timeout=10, capture_output=True,
    )


QT_WINDOW = Path(__file__).with_name("qt_colour_window.py")


def show_colour_window(session: WaylandSession, output: str | None = None) -> subprocess.Popen[str]:
    """The quadrant window, full screen on ``output`` (sway moves it there), painted."""
    import sys

    if output is not None:
        session.swaymsg("focus", "output", output)
    env = session.client_env(QT_QPA_PLATFORM="wayland", QT_WAYLAND_DISABLE_WINDOWDECORATION="1")
    process = subprocess.Popen([sys.executable, str(QT_WINDOW)], env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "shown":
        process.kill()
        raise RuntimeError(f"the Qt Wayland window did not show (got {line!r})")
    return process


def close_window(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


GRAB_AS_USER = Path(__file__).with_name("grab_as_user.py")
TREE = Path(__file__).resolve().parents[3]  # the checkout
# A Python the compositor's user can read (the project's venv interpreter may live under
# /root): the system Python 3.11 with the worktree and the venv's packages on its path.
SYSTEM_PYTHON = "/usr/bin/python3"


def as_user_tree() -> Path:
    """The checkout as the compositor's user reaches it (bound under /tmp if need be)."""
    return Path(as_user_python_path().split(":")[0])


def as_user_python_path() -> str:
    """The worktree and this venv's packages (their compiled parts need the same 3.x)."""
    import sys
    import sysconfig

    system = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print(sys.version_info[:2])"],
                            capture_output=True, text=True, check=True, timeout=30).stdout
    if system.strip() != str(sys.version_info[:2]):
        raise RuntimeError(f"{SYSTEM_PYTHON} is Python {system.strip()}, the venv is "
                           f"{sys.version_info[:2]}: the portal grab as nobody needs the same")
    tree = str(TREE)
    packages = sysconfig.get_paths()["purelib"]
    if not _readable_by_nobody(tree, packages):
        # A checkout or venv under a private folder (/root): show the same folders to the
        # compositor's user through bind mounts under /tmp (root may mount; CI runs as root).
        tree, packages = _bind_readable(tree), _bind_readable(packages)
        if not _readable_by_nobody(tree, packages):
            raise RuntimeError(f"user {NOBODY} cannot read {tree} or {packages}: run the "
                               "Wayland tests from a checkout and venv outside private folders")
    return ":".join([tree, packages])


def _readable_by_nobody(tree: str, packages: str) -> bool:
    readable = subprocess.run(
        [*_as_nobody(), "test", "-r", f"{tree}/workdiary/__init__.py", "-a", "-r",
         f"{packages}/PIL/__init__.py"], check=False, timeout=30)
    return readable.returncode == 0


_BOUND: dict[str, str] = {}


def _bind_readable(folder: str) -> str:
    """``folder`` bind-mounted at a fresh world-traversable path; unmounted at exit."""
    import atexit
    import tempfile

    if folder in _BOUND:
        return _BOUND[folder]
    target = tempfile.mkdtemp(prefix="workdiary-wayland-bind-")
    os.chmod(target, 0o755)
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", folder, target],
                             capture_output=True, text=True, timeout=30, check=False)
    if mounted.returncode != 0:
        os.rmdir(target)
        raise RuntimeError(f"user {NOBODY} cannot read {folder}, and binding it elsewhere "
                           f"failed: {mounted.stderr.strip()}")

    def unbind() -> None:
        subprocess.run(["umount", "-l", target], check=False, timeout=30)
        os.rmdir(target)

    atexit.register(unbind)
    _BOUND[folder] = target
    return target


def grab_as_user(session: WaylandSession, modes: list[str],
                 points: list[tuple[int, int]]) -> list[dict[str, object]]:
    """Portal grabs run by the compositor's user; one dict per mode, then the disk check."""
    spec = json.dumps({"modes": modes, "points": points})
    done = subprocess.run(
        [*_as_nobody(), SYSTEM_PYTHON,
         str(as_user_tree() / GRAB_AS_USER.resolve().relative_to(TREE)), spec],
        env=session.client_env(PYTHONPATH=as_user_python_path(), HOME=str(session.runtime_dir)),
        capture_output=True, text=True, timeout=120, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the portal grab as the session's user failed: {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


# GNOME Shell wants a system bus (logind, accounts, ...): a private one stands in for it.
GNOME_SESSION = """\
echo "$DBUS_SESSION_BUS_ADDRESS" > "$XDG_RUNTIME_DIR/bus"
dbus-daemon --config-file="$XDG_RUNTIME_DIR/bus.conf" --nofork --print-address=3 \\
  3>"$XDG_RUNTIME_DIR/system-bus" &  # not --fork: it stays in the group that is stopped
while [ ! -s "$XDG_RUNTIME_DIR/system-bus" ]; do sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS="$(cat "$XDG_RUNTIME_DIR/system-bus")"
pipewire >"$XDG_RUNTIME_DIR/pipewire.log" 2>&1 &
dbus-update-activation-environment WAYLAND_DISPLAY=wayland-0 XDG_RUNTIME_DIR \\
  XDG_CURRENT_DESKTOP HOME DBUS_SYSTEM_BUS_ADDRESS
exec gnome-shell --headless --wayland --no-x11 --virtual-monitor 800x600
"""


def start_gnome_shell() -> WaylandSession:
    """Headless GNOME Shell (one 800x600 virtual monitor) as nobody, with its buses."""
    runtime = _private_runtime_dir()
    log = runtime / "gnome-shell.log"
    env = {
        "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime), "XDG_CURRENT_DESKTOP": "GNOME",
        "XDG_SESSION_TYPE": "wayland", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
        "GSETTINGS_BACKEND": "memory",
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*_as_nobody(), "dbus-run-session", f"--config-file={_bus_config(runtime)}", "--",
             "sh", "-c", GNOME_SESSION],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=runtime,
        )
    session = WaylandSession(runtime, {}, process, log)
    try:
        _wait_for(runtime / "wayland-0", process, 60, "gnome-shell")
        bus = (runtime / "bus").read_text().strip()
        session.env = {
            "XDG_RUNTIME_DIR": str(runtime), "WAYLAND_DISPLAY": "wayland-0",
            "DBUS_SESSION_BUS_ADDRESS": bus, "XDG_CURRENT_DESKTOP": "GNOME",
            "XDG_SESSION_TYPE": "wayland",
        }
    except Exception:
        session.stop()
        raise
    return session
