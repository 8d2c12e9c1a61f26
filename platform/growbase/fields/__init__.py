"""Field types: importing this package registers every built-in type in one visible place."""

from . import (choices, computed, files, links, numbers, phones, rollups, temporal,  # noqa: F401
               text)
from .base import FieldError, FieldType, field_types
from .links import resolver as link_resolver  # noqa: F401  (provided by the layers above)

__all__ = ["FieldError", "FieldType", "field_types"]
