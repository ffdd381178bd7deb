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


def excerpt(text: str, limit: int = 60) -> str:
    """At most `limit` characters of something the user sent, to quote in a message (an echo of a
    whole 2 MB header would be the message)."""
    text = str(text)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """'1 row', '2,000 rows'."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
