"""Automations: rules as JSON (rules), trigger matching (triggers), actions, the engine."""
