"""Moving data in and out through spreadsheets: read, map, import, export."""
