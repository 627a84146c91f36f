"""Warning classes of the package (the test suite turns these into errors)."""


class RegsimWarning(UserWarning):
    """Base class of regsim's own warnings."""
