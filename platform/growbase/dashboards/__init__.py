"""Each role's home page: widgets (a report as a chart, a table or a number, a list of
records) defined as JSON, arranged by the owner in the browser."""
