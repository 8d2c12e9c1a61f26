"""The designer: how the owner changes the data model and the rules, in the browser or as
JSON. service (review, save, export and import of the whole configuration), store (versions
of definitions, applied with their migrations), impact (what a change breaks in rules,
views, mappings and templates, and how they follow), requirements (what a new requirement
asks of the records already there), guess (an entity from a spreadsheet).

Kept light: rules.py stores through store.py, and the service applies rules."""
