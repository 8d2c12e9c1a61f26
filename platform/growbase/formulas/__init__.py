"""Formulas: an Excel-like expression language over a record's fields (grammar), typed
against the entity (tree, types), with a registry of functions (functions, text, dates)
and two back ends that agree to the last digit: Python for the records a write saves
(evaluate) and SQL for backfills and refreshes (sql)."""
