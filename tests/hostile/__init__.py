"""Hostile upload corpus, generated in code at test time (no binary files in the repository)."""
