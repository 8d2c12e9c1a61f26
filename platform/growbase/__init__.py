"""growbase: a low-code admin platform whose entities, fields and rules are data."""

__version__ = "0.1.0"
