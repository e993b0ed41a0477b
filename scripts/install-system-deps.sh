#!/usr/bin/env bash
# Installs the Debian packages the app and its tests need; each group says what needs it.
# Idempotent: apt skips what is already there. Needs root (or sudo).
set -euo pipefail

packages=(
  # `make venv`: Debian keeps venv (ensurepip) and the C headers out of python3 itself
  python3-venv python3-dev
  # virtual screen, real input events, a tray host
  xvfb xauth xdotool trayer x11-utils
  # what Qt's xcb platform plugin loads
  libxcb1 libx11-6 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
  libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon0 libxkbcommon-x11-0 libegl1 libgl1
  libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 fonts-dejavu-core
  # pynput pulls evdev, which compiles (with python3-dev's headers)
  gcc libc6-dev linux-libc-dev
  # browser tests, PostgreSQL tests, real Secret Service keyring tests
  chromium postgresql dbus dbus-x11 gnome-keyring
  # the capture tests draw known colours in a Tk window (Debian's python3 has no tkinter)
  python3-tk
  # native Wayland (docs/platforms.md): headless compositors, the screenshot portal (pipewire
  # must run before it; sway's portal needs the gtk one too), wlr-screencopy (grim), idle
  # notifications (swayidle), synthetic input (wtype); tests/capture/wayland
  sway grim swayidle wtype pipewire xdg-desktop-portal xdg-desktop-portal-wlr
  xdg-desktop-portal-gtk xdg-desktop-portal-gnome gnome-shell
  # the accessibility tests: node runs npm, which installs axe-core (scripts/install-axe.sh)
  nodejs
  # the server's PDFs (WeasyPrint): Pango lays out text over HarfBuzz and fontconfig's fonts
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-dejavu-core
  # `make dist` and its tests: validate the .desktop entry and AppStream metainfo of the .deb
  desktop-file-utils appstream
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian ships npm as its own package; a nodejs that already brings npm (e.g. a vendor's build)
# must not be asked for Debian's, which would conflict with it.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
