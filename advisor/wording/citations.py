"""A reason's citation: the document and the sentence it says, the benchmark, the anchors, our reasoning.

Written once here; each format (rich text, Markdown, HTML) only decorates the parts.
"""

from __future__ import annotations

from typing import Any

from advisor.slotted import _set, slotted


@slotted(frozen=True)
class Citation:
    __slots__ = ("document", "says", "benchmark", "anchors", "reasoning")
    document: str  # a source document's file name, or a named public source
    says: str  # the document's sentence, in the language asked
    benchmark: str  # "Threshold: ..." where a published figure sets it
    anchors: str  # "Anchors: ..." where a ramp's anchors come from
    reasoning: str  # "Our reasoning, not the document's: ..."

    def __init__(self, document: str, says: str, benchmark: str = "", anchors: str = "", reasoning: str = "") -> None:
        _set(self, "document", document)
        _set(self, "says", says)
        _set(self, "benchmark", benchmark)
        _set(self, "anchors", anchors)
        _set(self, "reasoning", reasoning)

    def extras(self) -> list[str]:
        """The lines after the statement, in order."""
        return [line for line in (self.benchmark, self.anchors, self.reasoning) if line]


def citation(w: Any, source: Any, trace: Any = None) -> Citation:
    """The citation of a source (of a rule's `trace` when given, with its ramp's anchors)."""
    anchors = getattr(trace, "anchors", None) if trace is not None else None
    return Citation(
        document=source.document,
        says=source.says.get(w.lang),
        benchmark=w("md.threshold", benchmark=source.benchmark) if source.benchmark else "",
        anchors=w("md.anchors", anchors=anchors) if anchors else "",
        reasoning=w("source.reasoning", text=source.reasoning.get(w.lang)) if source.reasoning is not None else "",
    )
