"""Reports: a grouped, measured view of an entity's records, defined as JSON."""
