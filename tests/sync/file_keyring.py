"""A keyring backend in a JSON file, for subprocess tests only.

Selected explicitly with ``PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring`` (and PYTHONPATH
pointing here) so a `workdiary sync` child process finds the secrets a test's login stored.
Never used by the application on its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.errors
from jaraco.classes import properties
from keyring.backend import KeyringBackend

PATH_ENV = "WORKDIARY_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        # Only when a test configured it: never picked by keyring's automatic choice.
        if PATH_ENV not in os.environ:
            raise RuntimeError(f"{PATH_ENV} is not set")
        return 1

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = Path(path or os.environ[PATH_ENV])

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self.path.write_text(json.dumps(data))
