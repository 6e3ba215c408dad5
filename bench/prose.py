"""A prose-heavy corpus: long paragraphs of dense health writing, few headings.

Each page has about 600 words in 5-7 paragraphs under one title and two subheadings, cites
about 8 distinct sources (some sentences cite two or three at once), and almost every sentence
is different from every other sentence in the corpus, as on a real site: sentence-level caches
get no free hits from repeated templates. Same (N, M, seed) -> byte-identical files.

    python -m bench.prose OUT_DIR --pages 100 --entries 2000
"""

from __future__ import annotations

import random
from pathlib import Path

from bench import corpus

CONDITIONS = ["low back pain", "sciatica", "hip osteoarthritis", "a hamstring strain", "lumbar spinal stenosis",
              "a hip fracture", "greater trochanteric pain", "a thigh bruise", "sacroiliac joint pain",
              "a slipped disc", "piriformis syndrome", "hip bursitis", "a stress fracture of the femur",
              "a groin strain", "adductor tendinopathy", "a pulled quadriceps muscle", "ankylosing spondylitis"]
TREATMENTS = ["a supervised exercise programme", "heat wraps", "paracetamol", "anti-inflammatory tablets",
              "spinal manipulation", "yoga classes", "massage", "advice to stay active", "TENS machines",
              "acupuncture", "a graded walking plan", "physiotherapy", "pilates", "hydrotherapy",
              "a weight-loss programme", "steroid injections", "cognitive behavioural therapy", "a back brace",
              "hip replacement surgery", "strength training"]
GROUPS = ["adults of working age", "older adults", "people who sit for long periods", "runners",
          "manual workers", "people over 65", "women after the menopause", "teenagers who play sport",
          "people with diabetes", "smokers", "people who are overweight", "office workers", "new parents",
          "people with a previous injury", "football players", "people who drive for a living"]
OUTCOMES = ["pain", "stiffness", "the time off work", "the need for stronger painkillers", "the risk of a fall",
            "the chance of a flare-up", "sleep problems", "how far people can walk", "daily function",
            "the number of doctor visits", "low mood", "the chance of surgery later"]
DURATIONS = ["a few days", "two weeks", "six weeks", "three months", "six months", "a year", "two years"]
CAUSES = ["lifting heavy loads", "long hours of sitting", "a sudden twist", "weak core muscles", "being overweight",
          "smoking", "poor sleep", "stress at work", "a fall onto the side", "sports with quick turns",
          "thinning bones", "wear of the cartilage"]
BODY = ["the discs between the vertebrae", "the hip joint", "the sciatic nerve", "the hamstring muscles",
        "the gluteal tendons", "the sacroiliac joints", "the spinal canal", "the thigh bone", "the facet joints",
        "the hip flexors", "the lumbar spine", "the pelvis"]
SIGNS = ["numbness around the back passage", "new weakness in both legs", "trouble passing urine",
         "a fever with back pain", "pain that wakes you every night", "sudden swelling of the thigh",
         "weight loss you cannot explain", "a hip that cannot take any weight"]
LINKS = ["In one large trial,", "Across several studies,", "According to recent guidelines,", "In a review of trials,",
         "Over the longer term,", "For many people,", "In general,", "In most cases,", "By comparison,",
         "In practice,", "Even so,", "At the same time,"]

TEMPLATES = [
    "{link} {treatment} gave a small benefit for {outcome} in {group} with {condition}, and the effect faded "
    "after {duration}{cite}.",
    "About {pct}% of {group} will have {condition} at some point, and about {pct2}% of them still notice it "
    "after {duration}{cite}.",
    "{Treatment} did not reduce {outcome} more than a placebo did in {group} with {condition}{cite}.",
    "{Cause} is linked to a higher chance of {condition}, especially in {group}{cite}.",
    "{Condition} happens when {body} become irritated, which can spread pain into the buttock and thigh{cite}.",
    "Most people with {condition} feel clearly better within {duration}, even without any treatment{cite}.",
    "Guidelines suggest {treatment} as a first choice for {condition}, before {treatment2} is tried{cite}.",
    "{Sign} can be a sign of a serious problem and needs help from a doctor the same day{cite}.",
    "{Treatment} can cause side effects such as upset stomach or dizziness in about {pct}% of {group}{cite}.",
    "Compared with {treatment2}, {treatment} led to a slightly larger drop in {outcome} after {duration}{cite}.",
    "When you bend, lift or climb stairs, much of the load falls on {body}{cite}.",
    "{link} the evidence for {treatment} in {condition} is of low certainty, so the true effect could be smaller"
    "{cite}.",
    "People with {condition} who keep moving tend to recover sooner than those who rest in bed for {duration}"
    "{cite}.",
    "In {group}, {treatment} lowered {outcome} by about {pct}% over {duration}{cite}.",
    "Scans often show changes in {body} in people with no pain at all, so a scan rarely explains {condition}{cite}.",
]
PLAIN = [  # sentences that carry no claim: advice, transitions, what the page is about
    "This page explains what {condition} is and what may help.",
    "Try to keep up your normal activities as much as you can.",
    "Ask your doctor or physiotherapist if you are not sure which option suits you.",
    "Write down what makes the pain better or worse, and bring the notes to your appointment.",
    "Start slowly, and build up a little each week.",
    "Here is what the research says.",
]


def _fill(template: str, rng: random.Random, cite: str) -> str:
    treatment, treatment2 = rng.sample(TREATMENTS, 2)
    condition = rng.choice(CONDITIONS)
    values = {
        "link": rng.choice(LINKS), "treatment": treatment, "treatment2": treatment2,
        "Treatment": treatment[0].upper() + treatment[1:], "condition": condition,
        "Condition": condition[0].upper() + condition[1:], "group": rng.choice(GROUPS),
        "outcome": rng.choice(OUTCOMES), "duration": rng.choice(DURATIONS), "pct": rng.randint(3, 70),
        "pct2": rng.randint(3, 40), "Cause": (cause := rng.choice(CAUSES))[0].upper() + cause[1:],
        "body": rng.choice(BODY),
        "Sign": (sign := rng.choice(SIGNS))[0].upper() + sign[1:], "cite": cite,
    }
    return template.format(**values)


def page(index: int, entries: int, rng: random.Random) -> str:
    keys = [f"ref{k:05d}" for k in rng.sample(range(entries), 8)]

    def cite() -> str:
        chosen = rng.sample(keys, rng.choice([1, 1, 1, 1, 1, 2, 3]))
        return " [" + "; ".join(f"@{k}" for k in chosen) + "]"

    title = rng.choice(CONDITIONS)
    lines = ["---", f"title: {title[0].upper() + title[1:]} ({index})", f"description: What helps with {title}.",
             "last_reviewed: 2026-01-15", "next_review: 2028-01-15", "---", "",
             f"# {title[0].upper() + title[1:]} ({index})", ""]
    words = 0
    paragraph = 0
    used: set[str] = set()
    while words < 600:
        if paragraph in (2, 4):
            lines += [f"## {rng.choice(['What the research shows', 'Treatments', 'When to get help', 'Outlook'])}",
                      ""]
        sentences = []
        for _ in range(rng.randint(5, 7)):
            if rng.random() < 0.15:
                sentences.append(rng.choice(PLAIN).format(condition=title))
                continue
            text = _fill(rng.choice(TEMPLATES), rng, cite() if rng.random() < 0.8 else "")
            sentences.append(text)
            used.update(k for k in keys if f"@{k}" in text)
        # Every page cites all of its 8 sources at least once.
        missing = [k for k in keys if k not in used]
        if missing and words > 450:
            sentences.append(_fill(rng.choice(TEMPLATES), rng, " [" + "; ".join(f"@{k}" for k in missing) + "]"))
            used.update(missing)
        text = " ".join(sentences)
        words += len(text.split())
        lines += [text, ""]
        paragraph += 1
    return "\n".join(lines)


def write_corpus(out: Path, pages: int, entries: int, seed: int = 1) -> Path:
    return corpus.write_corpus(out, pages, entries, seed, make_page=page, name="Prose benchmark corpus")


if __name__ == "__main__":
    corpus.main(write_corpus, entries=2000)
