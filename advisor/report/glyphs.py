"""How wide a chart's text is drawn: advance widths of the font the SVG charts name first
(DejaVu Sans, regular and bold, in thousandths of an em), for Latin, Cyrillic (Russian and
Ukrainian) and the punctuation the reports use. DejaVu Sans is as wide as Verdana, the next
font named, and wider than the system fonts a browser falls back to, so a label measured
here fits whichever of them draws it. A character not in the table counts as a full em.

Generated once from the font files (`python -m advisor.report.glyphs DejaVuSans.ttf
DejaVuSans-Bold.ttf`, which needs fontTools; the report itself does not)."""

from __future__ import annotations

FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"

CHARS = (
    ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNO'
    'PQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~А'
    'БВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопр'
    'стуфхцчшщъыьэюяЁёЄєІіЇїҐґЎў«»—–…→←↑↓•·×÷≥≤±№’‘“”'
    '„\xa0\u202f€₽₴°✓'
)
REGULAR = (
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637,
    637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 531, 1000, 685, 687, 699, 771, 632,
    576, 775, 752, 295, 295, 656, 558, 863, 749, 788, 604, 788, 695, 635, 611, 732, 685, 989, 686,
    611, 686, 391, 337, 391, 838, 500, 500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580,
    278, 975, 634, 612, 635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,
    685, 687, 687, 610, 782, 632, 1078, 642, 749, 749, 710, 752, 863, 752, 788, 752, 604, 699, 611,
    610, 861, 686, 777, 686, 1070, 1094, 833, 883, 687, 699, 1080, 695, 613, 617, 590, 526, 692,
    616, 901, 532, 650, 650, 605, 640, 755, 654, 612, 654, 635, 550, 583, 592, 855, 592, 681, 591,
    916, 942, 707, 790, 590, 549, 842, 602, 632, 616, 699, 549, 295, 278, 295, 278, 610, 526, 610,
    592, 612, 612, 1000, 500, 1000, 838, 838, 838, 838, 590, 318, 838, 838, 838, 838, 838, 1041,
    318, 318, 519, 519, 519, 318, 200, 637, 637, 774, 500, 838,
)
BOLD = (
    349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 581, 1000, 774, 763, 734, 831, 684,
    684, 821, 837, 373, 373, 775, 638, 996, 837, 851, 733, 851, 771, 721, 683, 813, 774, 1104, 771,
    725, 726, 458, 366, 458, 838, 500, 500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666,
    343, 1042, 712, 688, 716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838,
    774, 763, 763, 638, 891, 684, 1225, 711, 837, 837, 818, 831, 996, 837, 851, 837, 733, 734, 683,
    771, 992, 771, 928, 809, 1236, 1326, 940, 1037, 763, 734, 1174, 771, 675, 699, 633, 523, 808,
    679, 996, 582, 701, 701, 679, 733, 818, 691, 688, 691, 716, 593, 580, 652, 993, 646, 742, 687,
    1063, 1106, 752, 905, 633, 593, 973, 643, 684, 679, 734, 593, 373, 343, 373, 343, 638, 523, 771,
    652, 646, 646, 1000, 500, 1000, 838, 838, 838, 838, 640, 380, 838, 838, 838, 838, 838, 1204,
    380, 380, 658, 658, 658, 349, 200, 696, 696, 860, 500, 838,
)

_REGULAR = dict(zip(CHARS, REGULAR))
_BOLD = dict(zip(CHARS, BOLD))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` in px at font size `size` px."""
    widths = _BOLD if bold else _REGULAR
    return sum(widths.get(ch, 1000) for ch in text) * size / 1000


def _generate(regular: str, bold: str) -> str:  # pragma: no cover - run by hand when the table changes
    import textwrap

    from fontTools.ttLib import TTFont

    def table(path: str) -> list[int]:
        font = TTFont(path)
        cmap, metrics, per_em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
        return [-(-metrics[cmap[ord(ch)]][0] * 1000 // per_em) for ch in CHARS]  # rounded up

    def literal(widths: list[int]) -> str:
        return "(\n    " + "\n    ".join(textwrap.wrap(", ".join(map(str, widths)), 96)) + ",\n)"

    return f"REGULAR = {literal(table(regular))}\nBOLD = {literal(table(bold))}"


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(_generate(sys.argv[1], sys.argv[2]))
