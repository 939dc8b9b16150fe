from kechuang.core.domain.errors import DomainError


class ServicesError(DomainError):
    """A write refused for a reason the user can act on; ``message`` says which (translated),
    ``field`` the input it concerns, if any."""
