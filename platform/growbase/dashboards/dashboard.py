"""A role's dashboard as the catalog holds it: its widgets, in order (store.py checks them)."""


class Dashboard:
    def __init__(self, spec, version=0):
        self.spec, self.version = spec, version
        self.key = self.role = spec["role"]
        self.widgets = spec["widgets"]
