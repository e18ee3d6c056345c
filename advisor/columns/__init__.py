"""Column-wise batch scoring: a chunk of CSV rows parsed, evaluated and encoded as polars columns.

The row path (readers -> Profile -> Engine.evaluate -> writers) stays the definition; this
package reproduces it exactly for the common rows and hands every other row back to it.
polars is imported here only: `recommend`, `explain` and `ask` never load this package.
"""
