"""Only what pyproject.toml cannot say: the package list.

``find_packages`` finds every package under workdiary/ (new ones too); ``workdiary.resources``
is added by name because its folder is the top-level resources/ (mapped in pyproject.toml).
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["workdiary", "workdiary.*"]), "workdiary.resources"])
