"""A deterministic corpus: N Markdown pages of realistic patient-education prose citing a
BibTeX file of M realistic entries. Same (N, M, seed) -> byte-identical files.

    python -m bench.corpus OUT_DIR --pages 100 --entries 500
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from pathlib import Path

SURNAMES = ["Smith", "Nguyen", "García", "Müller", "O'Brien", "Kowalski", "Rossi", "Chen", "Haddad", "Okafor",
            "Johansson", "Dubois", "Yamamoto", "Silva", "Novák", "Ferreira", "Jensen", "Cohen", "Patel", "Larsen"]
LATEX_SURNAMES = {"García": r"Garc{\'\i}a", "Müller": r"M{\"u}ller", "Dubois": "Dubois", "Novák": r"Nov{\'a}k"}
GIVEN = ["Anna", "Ben", "Chloé", "David", "Elif", "François", "Grace", "Hiro", "Ines", "Jon", "Kofi", "Lena"]
JOURNALS = [("Spine", "Spine"), ("BMJ", "BMJ"), ("European Spine Journal", "Eur Spine J"),
            ("Annals of Internal Medicine", "Ann Intern Med"), ("Cochrane Database of Systematic Reviews",
                                                                "Cochrane Database Syst Rev"),
            ("Journal of Orthopaedic and Sports Physical Therapy", "J Orthop Sports Phys Ther"),
            ("Arthritis Care and Research", "Arthritis Care Res")]
TOPICS = ["low back pain", "sciatica", "hip osteoarthritis", "hamstring strain", "spinal stenosis", "hip fracture",
          "neck pain", "knee pain", "shoulder pain", "plantar heel pain", "gout", "osteoporosis"]
TREATMENTS = ["exercise therapy", "heat wraps", "paracetamol", "NSAIDs", "spinal manipulation", "yoga", "massage",
              "education", "TENS", "acupuncture", "a walking programme", "physiotherapy"]
EVIDENCE = ["guideline", "systematic-review", "rct", "cohort", "cross-sectional", "review"]

CLAIMS = [
    "About {n}% of adults have {topic} at some point in their lives{cite}.",
    "Most people with {topic} feel better within {w} weeks{cite}.",
    "{Treatment} gives a small benefit for {topic} compared with usual care{cite}.",
    "{Treatment} is no better than a placebo for {topic}{cite}.",
    "Smoking and low activity are linked to a higher risk of {topic}{cite}.",
    "Guidelines recommend {treatment} as a first option for {topic}{cite}.",
    "New weakness in both legs can be a sign of a serious problem{cite}.",
    "{Treatment} can cause side effects such as stomach upset{cite}.",
]
DEFINITIONS = [
    "{Topic} is a common condition that affects how you move{cite}.",
    "The lumbar spine is made up of five vertebrae with discs between them{cite}.",
    "Nerve roots leave the spine through small gaps between the bones{cite}.",
]
INSTRUCTIONS = [
    "Hold the stretch for {s} seconds and repeat {r} times.",
    "Lie on your back with your knees bent and your feet flat on the floor.",
    "Walk for {m} minutes each day, and slowly build up.",
    "Call your doctor if the pain does not ease.",
]


def _name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    return f"{LATEX_SURNAMES.get(surname, surname)}, {rng.choice(GIVEN)} {rng.choice('ABCDEFGHJKLM')}."


def bibliography(entries: int, rng: random.Random) -> str:
    out = []
    for i in range(entries):
        journal, short = rng.choice(JOURNALS)
        authors = " and ".join(_name(rng) for _ in range(rng.randint(1, 9)))
        year = rng.randint(1995, 2025)
        topic = rng.choice(TOPICS)
        out.append(
            f"@article{{ref{i:05d},\n  author = {{{authors}}},\n"
            f"  title = {{{rng.choice(TREATMENTS).capitalize()} for {topic}: a study of {rng.randint(20, 5000)} "
            f"patients}},\n  journal = {{{journal}}},\n  shortjournal = {{{short}}},\n  year = {{{year}}},\n"
            f"  volume = {{{rng.randint(1, 400)}}},\n  number = {{{rng.randint(1, 12)}}},\n"
            f"  pages = {{{(p := rng.randint(1, 2000))}--{p + rng.randint(3, 20)}}},\n"
            f"  doi = {{10.{rng.randint(1000, 9999)}/bench.{i:05d}}},\n  pmid = {{{30000000 + i}}},\n"
            f"  evidence = {{{rng.choice(EVIDENCE)}}}\n}}\n"
        )
    return "\n".join(out)


def page(index: int, entries: int, rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    treatment = rng.choice(TREATMENTS)
    keys = [f"ref{rng.randrange(entries):05d}" for _ in range(8)]

    def cite() -> str:
        chosen = rng.sample(keys, rng.choice([1, 1, 1, 2, 3]))
        return " [" + "; ".join(f"@{k}" for k in chosen) + "]"

    def fill(template: str) -> str:
        return template.format(n=rng.randint(5, 60), w=rng.randint(2, 12), s=rng.choice([20, 30]), r=rng.randint(3, 10),
                               m=rng.randint(10, 30), topic=topic, Topic=topic.capitalize(), treatment=treatment,
                               Treatment=treatment.capitalize(), cite=cite())

    lines = ["---", f"title: {topic.capitalize()} {index}", f"description: About {topic}.",
             "last_reviewed: 2026-01-15", "next_review: 2028-01-15", "---", "", f"# {topic.capitalize()} {index}", ""]
    for section in ("What is it?", "What helps", "Exercises", "Outlook"):
        lines += [f"## {section}", ""]
        for _ in range(3):
            sentences = [fill(rng.choice(CLAIMS)), fill(rng.choice(DEFINITIONS)), fill(rng.choice(INSTRUCTIONS)),
                         fill(rng.choice(CLAIMS))]
            lines += [" ".join(sentences), ""]
    return "\n".join(lines)


def write_corpus(out: Path, pages: int, entries: int, seed: int = 1,
                 make_page: Callable[[int, int, random.Random], str] | None = None,
                 name: str = "Benchmark corpus") -> Path:
    """A docs folder of ``pages`` generated pages citing a ``entries``-entry bibliography."""
    make_page = make_page or page
    rng = random.Random(seed)
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (out / "references.bib").write_text(bibliography(entries, rng), encoding="utf-8")
    (docs / "index.md").write_text(f"---\ntitle: Home\ndescription: {name}.\nlast_reviewed: 2026-01-15\n"
                                   "next_review: 2028-01-15\n---\n\n# Home\n\nA generated corpus.\n", encoding="utf-8")
    for i in range(pages):
        (docs / f"page{i:05d}.md").write_text(make_page(i, entries, rng), encoding="utf-8")
    return out


def main(write: Callable[[Path, int, int, int], Path] = write_corpus, entries: int = 500) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--entries", type=int, default=entries)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.out, args.pages, args.entries, args.seed)


if __name__ == "__main__":
    main()
