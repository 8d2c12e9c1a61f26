"""Registries of built-in kinds (field types, actions): one instance per name, by decorator."""


def registry(kind):
    """Return (items, register): `@register` adds an instance of the class under its `name`.

    A name registered twice is a bug, and says so at import time.
    """
    items = {}

    def register(cls):
        if cls.name in items:
            raise ValueError(f"{kind} {cls.name!r} is registered twice")
        items[cls.name] = cls()
        return cls

    return items, register
