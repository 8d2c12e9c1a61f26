"""Entity definitions: the meta-schema, the in-memory objects, and the versioned store."""

from .entity import Entity, Field
from .errors import DefinitionError

__all__ = ["DefinitionError", "Entity", "Field"]
