"""Versioned offense lists read by eligibility.engine.offense_lists (one JSON file per list)."""
