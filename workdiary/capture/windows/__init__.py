"""Windows: typed ctypes wrappers (``win32``), the adapters on them, and a fake of the wrappers.

Written against the documented Win32 API and tested on Linux through ``fake.FakeWin32``;
not yet run on a real Windows machine (see docs/install.md).
"""
