"""A private Xvfb on a free display number: the product's ``workdiary.demo.virtual_screen``
(the demo starts one too), named here for the tests and the benchmarks."""

from workdiary.demo.virtual_screen import (
    VirtualDisplay,
    XvfbUnavailable,
    display_in_use,
    start_xvfb,
)

__all__ = ["VirtualDisplay", "XvfbUnavailable", "display_in_use", "start_xvfb"]
