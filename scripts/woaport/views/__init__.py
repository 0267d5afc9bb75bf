"""Rendering: terminal text, Markdown and annotations from woaport's result values."""
