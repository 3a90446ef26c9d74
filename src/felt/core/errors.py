"""The one kind of error a member sees: a clear, kind sentence, and nothing changed."""


class FeltError(Exception):
    """Raised by `check_*` functions and services; views and sockets show `message` as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
