"""Icons, the Qt stylesheet and their SVG sources: shipped as the package ``workdiary.resources``.

This folder sits at the top of the repository; the build maps it into the package (setup.py,
pyproject.toml ``package-dir``). Code finds it through ``workdiary.resource_files``, which
works the same from a checkout, an editable install, a wheel and a PyInstaller build.
"""
