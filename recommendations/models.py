"""Recommendations and recipients' responses: built by the recommendation-tracking issue."""
