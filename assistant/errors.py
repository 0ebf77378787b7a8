"""The one error type: its message is safe and meant to be shown to a user."""


class AssistantError(Exception):
    """A failure whose message a user can read (no traceback, no internals)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DataError(AssistantError):
    """A data file broke an invariant of the data contract; nothing was loaded."""


class FieldError(DataError):
    """One value of a row broke a rule; `column` names the field, so a form can show the message beside it."""

    def __init__(self, message: str, column: str = "", value: str = ""):
        super().__init__(message)
        self.column = column
        self.value = value


class RefusedQuery(AssistantError):
    """The SQL gate refused a query."""
