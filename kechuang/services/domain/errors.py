class ServicesError(Exception):
    """A write refused for a reason the user can act on; ``message`` says which (translated)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)
