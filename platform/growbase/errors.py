"""The one root of growbase's own errors: what it refuses or cannot do, said for a person.

Each keeps the built-in base it had (ValueError, RuntimeError, LookupError) so code that
catches those still does; `status` is the HTTP answer a door gives when nothing more
specific applies."""


class GrowbaseError(Exception):
    status = 400
