"""Errors meant for the person using the app: their message says what to change."""


class UserFacingError(Exception):
    """An error whose message is shown to the user as it is."""


class InputError(UserFacingError):
    """The request's input cannot be used; the message says how to fix it."""


class ModelLoadError(UserFacingError):
    """A model could not be loaded; the message names it and says what to do."""

    def __init__(self, model: str, reason: str, hint: str):
        self.model = model
        self.reason = reason
        self.hint = hint
        super().__init__(f"Could not load the model '{model}': {reason}. {hint}")
