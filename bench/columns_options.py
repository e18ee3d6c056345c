"""The options every bench/columns_*.py takes: rows, chunk size, repeats and the checkout it times."""

from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent


def chunk_options() -> argparse.ArgumentParser:
    """A parser with --rows, --chunk (the column path's CHUNK_ROWS), --repeat and --tree; add a script's own."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=8192)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=HERE.parent, help="the checkout whose advisor is timed")
    return parser
