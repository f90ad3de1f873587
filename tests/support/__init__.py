"""Shared test support: finding real tools, launching the real browser."""
