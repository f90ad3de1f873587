"""Waymark's local helper: routing engine, encrypted concern notes, the web app and its window."""

__version__ = "0.1.0"
