"""workdiary: a work diary for hourly contracts (desktop client and server in one package)."""

# The one place the version is written: pyproject.toml reads it, `workdiary --version` prints
# it, the installers are named after it and the update check compares against it.
__version__ = "0.1.0"
