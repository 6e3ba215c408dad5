"""Quantities in health prose, and when two of them say the same thing (the ``number-not-in-source`` rule).

A sentence such as "About 7 in 10 people have another episode within a year" holds two quantities: a
proportion (0.7, written as a rounding to tenths, hedged) and a duration (365 days). A source's recorded
finding ("73% had at least one recurrence within 12 months") holds 0.73 and 365 days. This module reads both
with one grammar and decides whether each quantity of the sentence is a figure of the finding.

Every quantity is reduced to a *dimension* and an interval in that dimension's unit:

========== =================================================== ===================================
dimension  written as                                          unit
========== =================================================== ===================================
proportion ``40%``, ``40 per cent``, ``4 in 10``, ``two in five``,  fraction of 1
           ``3 out of 4``, ``a third``, ``two-thirds``, ``half``
times      ``twice as likely``, ``1.6 times the risk``, ``double`` multiple
duration   ``6 weeks``, ``4 to 6 weeks``, ``a year``, ``12-month`` days
dose       ``400 mg``, ``1 g``, ``200 micrograms``                 milligrams (millilitres apart)
frequency  ``three times a day``, ``twice daily``                  times a day
number     any other number (``15 studies``, ``from 52 to 23``)    itself
========== =================================================== ===================================

In a list of figures a plain number takes the unit of the last one: "at 3 and 6 months" is two durations,
"200 or 400 mg" two doses.

How a figure was written says how precise it is (its *tolerance*), and matching is tolerance-aware (see
:func:`matches`). The rules, each tested in ``tests/test_quantities.py``:

1. Equal forms match: 40% = 4 in 10 = two in five = 0.4; 12 months = 1 year; 1 g = 1,000 mg; words and digits
   alike ("seven in ten" = "7 in 10").
2. A figure matches what it rounds: "58%" matches 57.5-58.5%; "7 in 10" and "3 in 4" (a proportion written as
   a simple fraction) match anything within 5 percentage points, but never more than 15% of the value nor more
   than the numerator's rounding ("1 in 100" is 0.85-1.15%; "73 in 100" is 72.5-73.5%, as precise as "73%").
   A count of a unit (days to years, mg, "times") is exact to half its last digit, but never looser than a
   tenth of it: "1 year" is 11-13 months, not 6-18; "3 months" matches "12 weeks"; "2 times" is 1.8-2.2.
3. A hedge widens it: "about", "around", "roughly", "approximately", "nearly", "almost", "close to": by 2
   percentage points, but never more than a tenth of the value, nor to less than the figure's own rounding
   ("about 40%" matches 38-42%, "about 80%" 78-82%, "about 3%" 2.5-3.5%); 10% of the value for durations,
   doses and multiples.
4. A range gives both ends of what was found: it matches a recorded range whose ends it gives, each end as
   rounded or hedged ("about 1 to 5 in every 100" matches 0.5-5.2%), and no narrower or wider range: a page
   saying "20-30%" or "10-12%" where the source found "10-40%" hides part of what was found, even where it
   does not overstate it. A single hedged figure matches a recorded range that contains it ("about 60%" and
   50-70%); a single plain one, either end.
5. A bound ("more than 80%", "at least 6 weeks", "less than 1 in 100") matches a recorded figure on its side
   of the bound and no further from it than 10 percentage points or 25% of the value, whichever is less (so
   "under 2%" is not 0.9%: a bound moved away from what the source found is still reported); "up to 70%"
   names the top of what was found and matches it as "about 70%" would.
6. Different dimensions never match (6 weeks is not 6%), except a plain number, which matches a recorded
   figure (not a percentage) with the same number as written ("15 trials" and "15 studies", "at age 20" and
   "20-year-olds"; a range of plain numbers, both ends: "40 to 60" and "aged 40 to 60"); a hedged one within
   5% or its rounding ("about 7 points" and 7.29); a bound ("over 55", "more than 3,000") a recorded bound on
   the same side within 25% of it, or an exact figure within 10% beyond it.
7. A figure is held against the sources of the citation it belongs to, not every source of its sentence:
   the first citation after it in the sentence (citations side by side, with only spaces or punctuation
   between them, count as one). So "40% got better [@a], and 20% [@b]" holds 40% to @a alone. Where that is
   ambiguous it is held against all of the sentence's sources: when no citation follows it, or when a
   citation stands before it in the same clause (nothing among , ; : ( ) or a dash between them: "Two trials
   [@a] found 40% got better [@b]"). :func:`medcite.bib.findings.sources_of` applies this rule.

Years (1800-2100) standing as dates, ordinals, phone numbers ("call 999", "NHS 111"), counts written in words
with no unit ("three muscles") and numbers inside a citation (removed before the sentence is read) are not
quantities.

Every pattern here is linear-time: the text is cut into tokens by one regex with no nested quantifiers,
then read left to right by index.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

DIMENSIONS = ("proportion", "times", "duration", "dose", "volume", "frequency", "number")

# Digit groups are parted by commas or, SI style, by a no-break, thin or narrow no-break space ("1&nbsp;000"):
# never by a plain space, which parts two numbers ("at ages 5 100 ...").
GROUP_SPACES = "\u00a0\u2009\u202f"
GROUPING_RE = re.compile(f"[,{GROUP_SPACES}]")  # what parts a number's digit groups: "1,000", "1\u00a0000"
TOKEN_RE = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})++(?:\.\d++)?+|\d{1,3}(?:[" + GROUP_SPACES + r"]\d{3})++(?!\d)(?:\.\d++)?+"
    r"|\d++(?:\.\d++)?+)"
    r"|(?P<word>[A-Za-z]++(?:['’][a-z]++)?+)"
    r"|(?P<pct>%)"
    r"|(?P<dash>[-‐‑–—])"
    r"|(?P<other>\S)"
)

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
FRACTION_WORDS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
    "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "tenth": 10, "tenths": 10,
}
DAYS = {
    "day": 1.0, "days": 1.0, "week": 7.0, "weeks": 7.0, "month": 30.4375, "months": 30.4375,
    "year": 365.25, "years": 365.25, "hour": 1 / 24, "hours": 1 / 24, "minute": 1 / 1440, "minutes": 1 / 1440,
}
MILLIGRAMS = {
    "mg": 1.0, "milligram": 1.0, "milligrams": 1.0, "g": 1000.0, "gram": 1000.0, "grams": 1000.0,
    "mcg": 0.001, "microgram": 0.001, "micrograms": 0.001, "µg": 0.001,
}
MILLILITRES = {"ml": 1.0, "millilitre": 1.0, "millilitres": 1.0, "milliliter": 1.0, "milliliters": 1.0}
PERCENT_WORDS = {"percent", "per"}  # "per cent" is read as two words
PER_DAY = {"day": 1.0, "daily": 1.0, "week": 1 / 7, "weekly": 1 / 7, "month": 1 / 30.4375}
MULTIPLE_WORDS = {"twofold": 2.0, "threefold": 3.0, "fourfold": 4.0, "fivefold": 5.0, "tenfold": 10.0,
                  "twice": 2.0, "double": 2.0, "doubles": 2.0, "doubled": 2.0, "triple": 3.0, "triples": 3.0,
                  "tripled": 3.0, "treble": 3.0, "once": 1.0, "thrice": 3.0}
# The words a quantity can start at besides a number in digits (_read_at): a number word, a multiple, "a"/"an"/"one"
# before a fraction or a unit ("a third", "a year"), "half".
MAY_START = frozenset(UNITS) | frozenset(MULTIPLE_WORDS) | {"a", "an", "one", "half"}

APPROX = {"about", "around", "roughly", "approximately", "approx", "nearly", "almost", "some", "circa", "~"}
# (words before the figure) -> kind of hedge; longest first
HEDGES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("more", "than"), "gt"), (("greater", "than"), "gt"), (("higher", "than"), "gt"), (("at", "least"), "gt"),
    (("over",), "gt"), (("above",), "gt"), (("as", "many", "as"), "upto"), (("up", "to"), "upto"),
    (("less", "than"), "lt"), (("fewer", "than"), "lt"), (("lower", "than"), "lt"), (("under",), "lt"),
    (("below",), "lt"), (("at", "most"), "lt"), (("close", "to"), "approx"),
)

HEDGE_ENDS = frozenset(words[-1] for words, _ in HEDGES)


@dataclass(frozen=True)
class Quantity:
    """One quantity as written: its dimension, its interval in that dimension's unit, and how precise it is."""

    dim: str
    low: float
    high: float
    text: str  # as written, hedge included
    start: int  # offsets in the text it was read from
    end: int
    hedge: str = ""  # "", "approx", "gt" (more than, at least), "lt" (less than, at most), "upto"
    tolerance: float = 0.0  # half-width of the rounding the written form implies
    raw: tuple[float, ...] = ()  # the numbers as written (for plain-number matching)

    @property
    def is_range(self) -> bool:
        return self.high > self.low

    def describe(self) -> str:
        return self.text


@dataclass(slots=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int
    low: str  # lower-cased text


def tokens(text: str) -> list[_Tok]:
    out = []
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup or "other"
        out.append(_Tok(kind, m.group(), m.start(), m.end(), m.group().lower()))
    return out


def _digits(tok: _Tok) -> tuple[float, float] | None:
    """Value of a digit token and its rounding half-width ("58" -> 0.5, "1.5" -> 0.05)."""
    if tok.kind != "num":
        return None
    text = GROUPING_RE.sub("", tok.text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10.0**-decimals


def _number_at(toks: list[_Tok], i: int) -> tuple[float, float, int] | None:
    """A number written in digits or words starting at token ``i``: (value, rounding, next index)."""
    if i >= len(toks):
        return None
    got = _digits(toks[i])
    if got is not None:
        return got[0], got[1], i + 1
    word = toks[i].low
    if word not in UNITS:
        return None
    value = float(UNITS[word])
    j = i + 1
    # "twenty-five", "twenty five"
    if UNITS[word] >= 20 and UNITS[word] % 10 == 0:
        k = j + 1 if j < len(toks) and toks[j].kind == "dash" else j
        if k < len(toks) and toks[k].low in UNITS and UNITS[toks[k].low] < 10:
            value += UNITS[toks[k].low]
            j = k + 1
    while j < len(toks) and toks[j].low in SCALES:
        value *= SCALES[toks[j].low]
        j += 1
    return value, 0.5, j


def _hedge_before(toks: list[_Tok], i: int) -> tuple[str, int]:
    """The hedge written just before token ``i``: (kind, index of its first token)."""
    if i < 1 or (toks[i - 1].low not in HEDGE_ENDS and toks[i - 1].low not in APPROX):
        return "", i  # the common case, at every token: no hedge ends just before it
    for words, kind in HEDGES:
        n = len(words)
        if i - n >= 0 and tuple(t.low for t in toks[i - n : i]) == words:
            return kind, i - n
    if i >= 1 and toks[i - 1].low in APPROX:
        return "approx", i - 1
    return "", i


def _is_year(toks: list[_Tok], i: int, value: float) -> bool:
    t = toks[i]
    if t.kind != "num" or "," in t.text or "." in t.text or not 1800 <= value <= 2100:
        return False
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    return nxt not in DAYS and nxt not in MILLIGRAMS and nxt not in {"%", "people", "patients", "adults"}


PHONE_CUES = frozenset({"call", "phone", "ring", "dial", "text", "nhs", "or"})


def _is_phone(toks: list[_Tok], i: int) -> bool:
    """A phone number such as "call 999", "NHS 111", "999 or 111": a number a reader dials, not a figure."""
    t = toks[i]
    if t.kind != "num" or not t.text.isdigit():
        return False
    before = toks[i - 1].low if i >= 1 else ""
    return (t.text in {"999", "111", "112", "911"} and (before in PHONE_CUES or t.text != "112")) or (
        before in {"call", "phone", "ring", "dial"} and len(t.text) >= 3)


def read_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, left to right (see the module docstring for the grammar)."""
    toks = tokens(text)
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        got = _read_at(toks, i, text)
        if got is None:
            i += 1
            continue
        quantity, i = got
        out.append(quantity)
    return out


def _span(text: str, toks: list[_Tok], first: int, last: int) -> tuple[str, int, int]:
    start, end = toks[first].start, toks[last].end
    return text[start:end], start, end


def has_quantity(text: str) -> bool:
    """``bool(read_quantities(text))``, stopping at the first quantity (read_quantities tries every token in turn
    until one starts a quantity)."""
    toks = tokens(text)
    return any(_read_at(toks, i, text) is not None for i in range(len(toks)))


def _read_at(toks: list[_Tok], i: int, text: str) -> tuple[Quantity, int] | None:
    tok = toks[i]
    if tok.kind != "num" and tok.low not in MAY_START:
        return None  # the common case: no branch below starts at a word that is no number, multiple or fraction
    hedge, first = _hedge_before(toks, i)
    between = first >= 1 and toks[first - 1].low == "between"  # "between 4 and 6 weeks", "between about 10 and 18"
    if between:
        first -= 1
    # Words that are a multiple or a fraction by themselves: "twice", "double", "half", "a third".
    if tok.low in MULTIPLE_WORDS:
        return _multiple_word(toks, i, first, hedge, text)
    if tok.low in {"a", "an", "one"} and i + 1 < len(toks) and toks[i + 1].low in FRACTION_WORDS:
        return _fraction(toks, i + 1, 1.0, first, hedge, text)
    if tok.low == "half" and not (i >= 1 and toks[i - 1].low in UNITS):
        # "half an hour", "half a day", "the half-year": a duration, not a proportion
        k = i + 1
        if k < len(toks) and (toks[k].kind == "dash" or toks[k].low in {"a", "an"}):
            k += 1
        if k > i + 1 and k < len(toks) and toks[k].low in DAYS:
            return _unit(toks, k, 0.5, 0.0, (0.5,), first, k, hedge, text)
        return _fraction(toks, i, 1.0, first, hedge, text)
    num = _number_at(toks, i)
    if num is None:
        if tok.low in {"a", "an"} and i + 1 < len(toks) and toks[i + 1].low in DAYS and toks[i + 1].low[-1] != "s":
            # "a year", "a week": one of the unit
            return _unit(toks, i + 1, 1.0, 0.0, (1.0,), first, i + 1, hedge, text)
        return None
    value, rounding, j = num
    if _is_year(toks, i, value) or _is_phone(toks, i):
        return None
    if j < len(toks) and toks[j].low in {"st", "nd", "rd", "th"} and toks[j].start == toks[j - 1].end:
        return None  # an ordinal: "5th"
    # A range: "4 to 6 weeks", "30-40%", "between 4 and 6 weeks"
    at_age = i >= 1 and toks[i - 1].low in {"age", "aged", "ages"}
    # "29% at age 20 to 43% at age 80" is two figures, not the range "20 to 43%"
    to_percent = j + 2 < len(toks) and toks[j + 2].kind == "pct"
    if j + 1 < len(toks) and not (at_age and to_percent) and (
        toks[j].kind == "dash" or toks[j].low == "to" or (between and toks[j].low == "and")
    ):
        second = _number_at(toks, j + 1)
        if second is not None and second[0] >= value:
            k = second[2]
            ratio = _ratio_tail(toks, k)
            if ratio is not None and second[0] <= ratio[0]:
                q_text, start, end = _span(text, toks, first, ratio[1] - 1)
                lo, hi = value / ratio[0], second[0] / ratio[0]
                tol = _fraction_tolerance(lo, max(rounding, second[1]) / ratio[0])
                return Quantity("proportion", lo, hi, q_text, start, end, hedge, tol,
                                (value, second[0], ratio[0])), ratio[1]
            got = _unit(toks, k, value, max(rounding, second[1]), (value, second[0]), first, k, hedge, text,
                        high=second[0])
            if got is not None:
                return got
    if j + 2 < len(toks) and toks[j].kind == "pct" and (
        toks[j + 1].low == "to" or toks[j + 1].kind == "dash" or (between and toks[j + 1].low == "and")
    ):
        second = _number_at(toks, j + 2)
        if second is not None and second[2] < len(toks) and toks[second[2]].kind == "pct":
            lo, hi = value / 100, second[0] / 100
            q_text, start, end = _span(text, toks, first, second[2])
            return Quantity("proportion", lo, hi, q_text, start, end, hedge, max(rounding, second[1]) / 100,
                            (value, second[0])), second[2] + 1
    # "7 in 10", "3 out of 4"
    ratio = _ratio_tail(toks, j)
    if ratio is not None and value <= ratio[0]:
        v = value / ratio[0]
        q_text, start, end = _span(text, toks, first, ratio[1] - 1)
        return Quantity("proportion", v, v, q_text, start, end, hedge, _fraction_tolerance(v, rounding / ratio[0]),
                        (value, ratio[0])), ratio[1]
    # "two thirds", "three-quarters"
    k = j + 1 if j < len(toks) and toks[j].kind == "dash" else j
    if k < len(toks) and toks[k].low in FRACTION_WORDS and value < FRACTION_WORDS[toks[k].low]:
        return _fraction(toks, k, value, first, hedge, text)
    got = _unit(toks, j, value, rounding, (value,), first, j, hedge, text)
    if got is not None:
        return got
    if tok.kind != "num":
        return None  # "three muscles", "two studies": a count in words with no unit is not a figure
    q_text, start, end = _span(text, toks, first, j - 1)
    unit = _shared_unit(toks, j)
    if unit is not None:
        # "at 3 and 6 months", "30, 180 and 360 days": a list of figures shares its last one's unit
        got = _unit(toks, unit, value, rounding, (value,), first, j, hedge, text)
        if got is not None:
            return replace(got[0], text=q_text, start=start, end=end), j
    return Quantity("number", value, value, q_text, start, end, hedge, rounding, (value,)), j


LIST_WORDS = frozenset({",", "and", "or"})
SHARED_UNITS = frozenset(DAYS) | frozenset(MILLIGRAMS)


def _shared_unit(toks: list[_Tok], j: int) -> int | None:
    """The index of the unit a list of plain numbers ends in ("3 and 6 months"), or None."""
    k = j
    for _ in range(8):  # a list of figures is short; a longer run of numbers is not one
        if k >= len(toks) or toks[k].low not in LIST_WORDS:
            return None
        while k < len(toks) and toks[k].low in LIST_WORDS:
            k += 1
        if k >= len(toks) or toks[k].kind != "num":
            return None
        k += 1
        if k < len(toks) and toks[k].low in SHARED_UNITS:
            return k
    return None


def _ratio_tail(toks: list[_Tok], k: int) -> tuple[float, int] | None:
    """The "in 10", "out of 4", "in every 100" after a numerator: (denominator, next index)."""
    j = k
    if j < len(toks) and toks[j].low == "in":
        j += 1
    elif j + 1 < len(toks) and toks[j].low == "out" and toks[j + 1].low == "of":
        j += 2
    else:
        return None
    if j < len(toks) and toks[j].low == "every":
        j += 1
    denom = _number_at(toks, j)
    if denom is None or denom[0] <= 0:
        return None
    return denom[0], denom[2]


def _fraction_tolerance(v: float, rounding: float = 1.0) -> float:
    """Rule 2: a simple fraction rounds to 5 points, never more than 15% of it nor more than its numerator's
    rounding ("73 in 100" is as precise as "73%")."""
    return min(0.05, 0.15 * v, rounding) if v > 0 else min(0.005, rounding)


def _fraction(toks: list[_Tok], k: int, numerator: float, first: int, hedge: str, text: str) -> tuple[Quantity, int]:
    v = numerator / FRACTION_WORDS[toks[k].low]
    q_text, start, end = _span(text, toks, first, k)
    return Quantity("proportion", v, v, q_text, start, end, hedge, _fraction_tolerance(v), (v,)), k + 1


def _multiple_word(toks: list[_Tok], i: int, first: int, hedge: str, text: str) -> tuple[Quantity, int] | None:
    value = MULTIPLE_WORDS[toks[i].low]
    if i + 1 < len(toks) and toks[i + 1].low in PER_DAY:
        q_text, start, end = _span(text, toks, first, i + 1)
        per = value * PER_DAY[toks[i + 1].low]
        return Quantity("frequency", per, per, q_text, start, end, hedge, 0.0, (value,)), i + 2
    if i + 2 < len(toks) and toks[i + 1].low == "a" and toks[i + 2].low in PER_DAY:
        q_text, start, end = _span(text, toks, first, i + 2)
        per = value * PER_DAY[toks[i + 2].low]
        return Quantity("frequency", per, per, q_text, start, end, hedge, 0.0, (value,)), i + 3
    if toks[i].low == "once":
        return None  # "once" alone is not a multiple
    q_text, start, end = _span(text, toks, first, i)
    return Quantity("times", value, value, q_text, start, end, hedge, 0.1 * value, (value,)), i + 1


def _unit(
    toks: list[_Tok], k: int, value: float, rounding: float, raw: tuple[float, ...], first: int, last_num: int,
    hedge: str, text: str, high: float | None = None,
) -> tuple[Quantity, int] | None:
    """The quantity whose unit word stands at token ``k`` (after the number), or None if none does."""
    hi = value if high is None else high
    # Rule 2: a count of a unit is exact to half its last digit, but never looser than a tenth of it:
    # "1 year" is 11-13 months, not 6-18; "2 times" is 1.8-2.2
    counted = min(rounding, 0.1 * max(abs(value), abs(hi)))
    # "6-week", "12-month": a hyphen between number and unit
    if k + 1 < len(toks) and toks[k].kind == "dash" and toks[k + 1].low in DAYS:
        k += 1
    unit = toks[k].low if k < len(toks) else ""
    if (k < len(toks) and toks[k].kind == "pct") or unit in PERCENT_WORDS:
        end_tok = k + 1 if unit == "per" and k + 1 < len(toks) and toks[k + 1].low == "cent" else k
        if unit == "per" and end_tok == k:
            return None
        q_text, start, end = _span(text, toks, first, end_tok)
        share = Quantity("proportion", value / 100, hi / 100, q_text, start, end, hedge, rounding / 100, raw)
        return share, end_tok + 1
    if unit in DAYS:
        f = DAYS[unit]
        q_text, start, end = _span(text, toks, first, k)
        return Quantity("duration", value * f, hi * f, q_text, start, end, hedge, counted * f, raw), k + 1
    if unit in MILLIGRAMS:
        f = MILLIGRAMS[unit]
        q_text, start, end = _span(text, toks, first, k)
        return Quantity("dose", value * f, hi * f, q_text, start, end, hedge, counted * f, raw), k + 1
    if unit in MILLILITRES:
        q_text, start, end = _span(text, toks, first, k)
        return Quantity("volume", value, hi, q_text, start, end, hedge, counted, raw), k + 1
    if unit == "times":
        # "three times a day" is a frequency; "1.6 times the risk", "three times as likely" a multiple
        nxt = toks[k + 1].low if k + 1 < len(toks) else ""
        per_day = nxt in {"a", "per", "each", "every"} and k + 2 < len(toks) and toks[k + 2].low in PER_DAY
        if nxt in PER_DAY or per_day:
            last = k + 1 if nxt in PER_DAY else k + 2
            per = value * PER_DAY[toks[last].low]
            q_text, start, end = _span(text, toks, first, last)
            rate = Quantity("frequency", per, hi * PER_DAY[toks[last].low], q_text, start, end, hedge, 0.0, raw)
            return rate, last + 1
        q_text, start, end = _span(text, toks, first, k)
        return Quantity("times", value, hi, q_text, start, end, hedge, counted, raw), k + 1
    if unit == "fold":
        q_text, start, end = _span(text, toks, first, k)
        return Quantity("times", value, hi, q_text, start, end, hedge, counted, raw), k + 1
    if high is not None:
        # a range of plain numbers: "from 52 to 23" is not a range (second < first is filtered above)
        q_text, start, end = _span(text, toks, first, k - 1)
        return Quantity("number", value, hi, q_text, start, end, hedge, rounding, raw), k
    return None


# ---------------------------------------------------------------------------------------------- matching


def _widened(q: Quantity) -> float:
    """How far from its written value a figure may lie and still be what the sentence says."""
    tol = q.tolerance
    if q.hedge == "approx":
        scale = max(abs(q.low), abs(q.high))
        # "about 40%": 38-42%, and "about 80%" 78-82%; a small share keeps its scale ("about 3%" is 2.7-3.3%
        # widened no further than its own rounding, 2.5-3.5%, not 1-5%)
        tol = max(tol, min(0.02, 0.10 * scale)) if q.dim == "proportion" else max(tol, 0.10 * scale)
    return tol + 1e-9


def _in_years(q: Quantity) -> bool:
    """Whether a duration was written in years ("20-year-olds", "10–18 years"): its numbers count years."""
    return bool(q.raw) and math.isclose(q.low, q.raw[0] * DAYS["year"])


def _slack(q: Quantity, bound: float) -> float:
    return min(0.10, 0.25 * bound) if q.dim == "proportion" else 0.25 * abs(bound)


def matches(said: Quantity, recorded: Quantity) -> bool:
    """Whether a quantity of a sentence is supported by one recorded figure (rules in the module docstring)."""
    if said.dim == "number" or recorded.dim == "number":
        if said.dim != "number" or recorded.dim == "proportion":
            return False  # a plain "30" is not the 30 of "30%"
        if recorded.dim == "duration" and not _in_years(recorded):
            return False  # a count or an age is not the 9 of "6 to 9 months" (an age is in years: "20-year-olds")
        if said.is_range:  # rule 4: both ends, as written
            return len(said.raw) == len(recorded.raw) == 2 and all(
                math.isclose(a, b, rel_tol=1e-9) for a, b in zip(said.raw, recorded.raw, strict=True))
        if any(math.isclose(a, b, rel_tol=1e-9) for a in said.raw for b in recorded.raw):
            return True
        if said.hedge in {"gt", "lt"}:
            # a bound ("over 55") is a figure the source gave as a bound on the same side, near it
            # or an exact figure just beyond it ("more than 3,000" and 3,110)
            bound = said.low
            near = 0.25 if recorded.hedge == said.hedge else 0.10 if not recorded.hedge else -1.0
            return any((b >= bound if said.hedge == "gt" else b <= bound) and abs(b - bound) <= near * abs(bound)
                       for b in recorded.raw)
        rel = 0.05 if said.hedge in {"approx", "upto"} else 1e-9
        return any(math.isclose(a, b, rel_tol=rel, abs_tol=said.tolerance if rel > 1e-9 else 0.0)
                   for a in said.raw for b in recorded.raw)
    if said.dim != recorded.dim:
        return False
    tol = max(_widened(said), recorded.tolerance)
    lo, hi = recorded.low, recorded.high
    if said.hedge in {"gt", "lt", "upto"}:
        bound = said.low
        slack = _slack(said, bound)  # the rule's own reach, not widened again by the bound's rounding
        if said.hedge == "gt":
            return lo >= bound - tol and lo <= bound + slack
        if said.hedge == "lt":
            return hi <= bound + tol and hi >= bound - slack
        # "up to 70%": the top of what was found, read as "about"
        return abs(hi - bound) <= _widened(Quantity(said.dim, bound, bound, "", 0, 0, "approx", said.tolerance))
    if said.is_range:
        # rule 4: a range gives both ends of what was found; a narrower one hides part of the spread
        return abs(said.low - lo) <= tol and abs(said.high - hi) <= tol
    if recorded.is_range:
        if said.hedge == "approx":
            return lo - tol <= said.low <= hi + tol
        return math.isclose(said.low, lo, abs_tol=tol) or math.isclose(said.low, hi, abs_tol=tol)
    return abs(said.low - lo) <= tol


def nearest(said: Quantity, recorded: list[Quantity]) -> Quantity | None:
    """The recorded figure closest to ``said`` (same dimension first), for the message."""
    same = [r for r in recorded if r.dim == said.dim] or recorded
    if not same:
        return None
    return min(same, key=lambda r: min(abs(r.low - said.low), abs(r.high - said.high)))
