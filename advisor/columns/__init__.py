"""Column-wise batch scoring: a chunk of CSV rows parsed, evaluated and encoded as polars columns.

The row path (readers -> Profile -> Engine.evaluate -> writers) stays the definition; this
package reproduces it exactly for the common rows and hands every other row back to it.
polars is imported here only: `recommend`, `explain` and `ask` never load this package.
"""

import os

# polars allocates through its own jemalloc, which by default keeps an arena for each of polars'
# threads and hands freed pages back only after a delay, so memory crept up chunk after chunk.
# One arena, and freed pages returned at once once their decay is due, took the peak (PSS, bench/run.py
# --memory-rows) on 10k rows from 190 to 165 MiB and on 1M rows from 242 to 217 MiB (JSON Lines),
# at the same CPU and wall time on 100k rows (interleaved runs). polars reads this as it is imported
# and adds it after its own settings; a user's own setting is left alone.
if "_RJEM_MALLOC_CONF" not in os.environ:
    os.environ["_RJEM_MALLOC_CONF"] = "narenas:1,muzzy_decay_ms:0"
