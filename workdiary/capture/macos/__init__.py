"""macOS: typed pyobjc wrappers (``quartz``), the adapters and permission checks built on them,
and a fake of the wrappers.

Written against Apple's documented APIs and tested on Linux through ``fake.FakeMacSystem``;
not yet run on a real Mac (see docs/install.md).
"""
