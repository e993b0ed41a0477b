"""`make dist`: the desktop installers of this system, from one command.

1. icons (``make_icons.py``) into ``build/icons``;
2. PyInstaller (``workdiary.spec``) into ``dist/workdiary`` (macOS: ``dist/Workdiary.app``);
3. the package: Linux a ``.deb`` (``build_deb``, dpkg-deb); Windows an Inno Setup installer
   (``windows/workdiary.iss``, needs ``iscc``); macOS a ``.dmg`` (``macos/make_dmg.sh``).

Usage: python packaging/dist.py [--out DIR] [--work DIR] [--skip-pyinstaller]
Prints the paths it built, one per line, last.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.workdiary.Workdiary"
DEB_DEPENDS = "libc6 (>= 2.31), libgl1, libegl1, libfontconfig1"


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from workdiary import __version__

    return __version__


def run(command: list[str], **kwargs: object) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def build_icons(work: Path) -> Path:
    icons = work / "icons"
    run([sys.executable, str(PACKAGING / "make_icons.py"), str(icons)])
    return icons


def build_bundle(out: Path, work: Path, icons: Path) -> Path:
    env = {**os.environ, "WORKDIARY_ICONS": str(icons)}
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(out), "--workpath", str(work / "pyinstaller"),
         str(PACKAGING / "workdiary.spec")], env=env)
    return out / ("Workdiary.app" if sys.platform == "darwin" else "workdiary")


def debian_architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                          text=True).stdout.strip()


def _copy_tree(source: Path, target: Path) -> None:
    """Hard links where the file system allows (the bundle is ~240 MB), copies elsewhere."""
    try:
        shutil.copytree(source, target, symlinks=True, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)


def build_deb(bundle: Path, icons: Path, out: Path, work: Path, *, fast: bool = False) -> Path:
    """A .deb installing the bundle under /opt/workdiary, /usr/bin/workdiary, the .desktop
    entry, icons and AppStream metainfo. No maintainer scripts: dpkg's triggers refresh the
    desktop and icon caches, and removal deletes exactly what was installed."""
    ver, arch = version(), debian_architecture()
    root = work / "deb" / f"workdiary_{ver}_{arch}"
    shutil.rmtree(root, ignore_errors=True)
    _copy_tree(bundle, root / "opt" / "workdiary")
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "workdiary").symlink_to("/opt/workdiary/workdiary")
    share = root / "usr" / "share"
    for folder, name in (("applications", f"{APP_ID}.desktop"),
                         ("metainfo", f"{APP_ID}.metainfo.xml")):
        (share / folder).mkdir(parents=True)
        shutil.copy2(PACKAGING / name, share / folder / name)
    theme = share / "icons" / "hicolor"
    (theme / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "workdiary.svg",
                 theme / "scalable" / "apps" / "workdiary.svg")
    for png in sorted(icons.glob("workdiary-*.png")):
        size = png.stem.split("-")[1]
        (theme / f"{size}x{size}" / "apps").mkdir(parents=True)
        shutil.copy2(png, theme / f"{size}x{size}" / "apps" / "workdiary.png")
    doc = share / "doc" / "workdiary"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "workdiary: a work diary for hourly contracts.\n"
        "License: GPL-3.0-or-later (/usr/share/common-licenses/GPL-3).\n"
        "The bundled Python, Qt (LGPL-3.0) and libraries keep their own licenses.\n")
    installed_kib = sum(p.lstat().st_size for p in root.rglob("*") if p.is_file()) // 1024
    control = root / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: workdiary\nVersion: {ver}\nArchitecture: {arch}\n"
        "Maintainer: workdiary contributors <maintainers@workdiary.invalid>\n"
        f"Installed-Size: {installed_kib}\nDepends: {DEB_DEPENDS}\n"
        "Section: utils\nPriority: optional\nHomepage: https://github.com/workdiary/workdiary\n"
        "Description: work diary for hourly contracts (tray time tracker)\n"
        " Records billable time on a contract in fixed segments, with screenshots at\n"
        " random moments and keyboard/mouse activity counts, keeps it offline and\n"
        " uploads signed, hash-chained segments to a workdiary server.\n")
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or os.access(path, os.X_OK)
        path.chmod(0o755 if executable else 0o644)
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"workdiary_{ver}_{arch}.deb"
    level = "-z1" if fast else "-z9"  # --fast for test builds: ~3x quicker, ~15% larger
    run(["dpkg-deb", "--root-owner-group", "-Zgzip", level, "--build", str(root), str(deb)])
    shutil.rmtree(root)
    return deb


def build_windows_installer(out: Path, icons: Path) -> Path | None:
    default = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"),
                   "Inno Setup 6", "ISCC.exe")  # where its installer (and choco) puts it
    iscc = shutil.which("iscc") or (str(default) if default.is_file() else None)
    if iscc is None:
        print("Inno Setup (iscc) is not on PATH: the installer was not built", file=sys.stderr)
        return None
    run([iscc, f"/DAppVersion={version()}", f"/DDistDir={out}",
         f"/DIconFile={icons / 'workdiary.ico'}", f"/O{out}",
         str(PACKAGING / "windows" / "workdiary.iss")])
    return out / f"Workdiary-{version()}-setup.exe"


def build_dmg(app: Path, out: Path) -> Path:
    dmg = out / f"Workdiary-{version()}.dmg"
    run(["bash", str(PACKAGING / "macos" / "make_dmg.sh"), str(app), str(dmg)])
    return dmg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--skip-pyinstaller", action="store_true",
                        help="package the bundle already in --out")
    parser.add_argument("--fast", action="store_true",
                        help="quicker, larger packages (tests); releases leave it off")
    args = parser.parse_args(argv)
    out, work = args.out.resolve(), args.work.resolve()
    icons = build_icons(work)
    bundle = (out / ("Workdiary.app" if sys.platform == "darwin" else "workdiary")
              if args.skip_pyinstaller else build_bundle(out, work, icons))
    built: list[Path | None] = [bundle]
    system = platform.system()
    if system == "Linux":
        built.append(build_deb(bundle, icons, out, work, fast=args.fast))
    elif system == "Windows":
        built.append(build_windows_installer(out, icons))
    elif system == "Darwin":
        built.append(build_dmg(bundle, out))
    for path in built:
        if path is not None:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
