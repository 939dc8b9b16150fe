"""Writing registry records: forms save through the shared versioned save."""

from kechuang.core.domain.records import save_from_form

__all__ = ["save_from_form"]
