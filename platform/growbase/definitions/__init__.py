"""Entity definitions: the meta-schema and the in-memory objects (designer/ stores them)."""

from .entity import Entity, Field
from .errors import DefinitionError

__all__ = ["DefinitionError", "Entity", "Field"]
