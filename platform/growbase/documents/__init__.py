"""Printable documents: Word templates (.docx) the owner edits in Word or LibreOffice,
with placeholders ({{ record.number }}, a table row repeated over record.lines), filled
in by docxtpl in a sandbox and turned into PDF by LibreOffice when it is installed."""
