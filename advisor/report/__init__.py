"""`advisor report`: one self-contained file for a client (HTML with inline CSS and SVG, or Markdown)."""
