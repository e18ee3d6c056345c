"""Renderings of recommendations: rich text, Markdown, batch tables."""
