"""Data quality: the entities' checks counted for whoever asks, a daily score, worklists."""
