"""The rule table: sentence -> claim kind, by an ordered table of explainable rules.

These rules were the whole classifier until issue 10; now :mod:`medcite.claims.classify` keeps the
high-precision structural ones as overrides and feeds every rule's match to a linear model
as a feature (:mod:`medcite.claims.learnt`).

Three labels, as the editorial rules define them:

- ``must``: must be cited in the same sentence (statistic, efficacy, cause, prognosis,
  warning-sign, drug, comparison). Hedged claims ("may ease") are still claims.
- ``should``: should be cited somewhere in its paragraph (anatomy, definition, mechanism).
- ``none``: needs no citation (instruction, question, navigation, fragment, transition,
  anecdote, bio, call-to-action, disclaimer).

Rules run in order and the first that matches decides; each :class:`Verdict` names its
rule and the words that triggered it, so an editor can see why a sentence was flagged.
The order matters: structural "none" cases first, then imperatives (unless they carry a
"because …" claim), then strong claim cues, then anatomy/definitions/mechanisms, then the
weaker (hedged) claim cues.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, get_args

from . import prefilter
from .prefilter import call, search

# The claim labels (one definition for the table, the learnt model, the classifier and the evaluation).
Label = Literal["must", "should", "none"]
LABELS: tuple[str, ...] = get_args(Label)


@dataclass(frozen=True)
class Verdict:
    label: Label
    kind: str
    rule: str  # the deciding rule, or "model"
    words: str = ""  # the words that triggered the rule, or the features that weighed most
    probability: float | None = None  # the model's probability of the label, when the model decided
    confident: bool = True  # False: a claim the model is unsure of, reported as a warning rather than an error

    def why(self) -> str:
        if self.probability is not None:
            return f"{self.kind} (model p={self.probability:.2f}: {self.words})"
        return f"{self.kind} ({self.rule}: '{self.words}')" if self.words else f"{self.kind} ({self.rule})"


def _words(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


NUMBER = r"(?:\d[\d,]*(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|" \
         r"forty|fifty|hundred|thousand|million|billion|half|third|quarter|dozen)"
PEOPLE = _words(
    r"people", r"persons?", r"adults?", r"children", r"kids", r"teenagers?", r"teens", r"women", r"men", r"girls?",
    r"boys?", r"patients?", r"cases?", r"runners?", r"athletes?", r"players?", r"workers?", r"smokers?", r"users?",
    r"deaths?", r"injur(?:y|ies)", r"fractures?", r"falls?", r"visits?", r"admissions?", r"episodes?", r"attacks?",
    r"of (?:us|those|them)", r"population", r"those", r"mothers?", r"babies", r"infants?", r"older", r"americans?",
    r"everyone", r"someone", r"anyone", r"broken bones", r"births?",
)
BODY = _words(
    r"muscles?", r"bones?", r"joints?", r"tendons?", r"ligaments?", r"nerves?", r"discs?", r"disks?", r"vertebra[e]?",
    r"spine", r"spinal cord", r"cartilage", r"meniscus", r"menisci", r"labrum", r"capsule", r"pelvis", r"femur",
    r"sacrum", r"skull", r"heart", r"lungs?", r"kidneys?", r"liver", r"brain", r"skin", r"fascia", r"hamstrings?",
    r"quadriceps", r"rotator cuff", r"achilles", r"knee(?:cap)?s?", r"hips?", r"shoulders?", r"ankles?", r"wrists?",
    r"feet", r"foot", r"hands?", r"neck", r"elbows?", r"arteries", r"arter(?:y)", r"veins?", r"chambers?", r"glands?",
    r"bursae?", r"tissue", r"fibres?", r"fibers?", r"socket", r"ball", r"canal", r"roots?", r"arch(?:es)?",
    r"ribs?", r"thigh", r"calf", r"heel", r"toes?", r"fingers?", r"blood vessels?", r"pancreas", r"stomach",
    r"forearm", r"gut", r"bladder", r"bowel", r"thyroid", r"tunnel", r"passage",
)
DRUGS = _words(
    r"paracetamol", r"acetaminophen", r"ibuprofen", r"naproxen", r"aspirin", r"diclofenac", r"codeine", r"morphine",
    r"tramadol", r"opioids?", r"nsaids?", r"anti-?inflammator(?:y|ies)(?: \w+)?", r"steroids?", r"corticosteroids?",
    r"antibiotics?", r"statins?", r"duloxetine", r"gabapentin\w*", r"pregabalin", r"muscle relaxants?",
    r"antidepressants?", r"medicines?", r"medications?", r"drugs?", r"tablets?", r"pills?", r"painkillers?",
    r"pain relievers?", r"injections?", r"gels?", r"creams?", r"bisphosphonates?", r"vitamin \w+", r"supplements?",
    r"metformin", r"allopurinol", r"colchicine", r"vaccines?", r"jabs?",
)
DOSE = r"\b\d+(?:\.\d+)?\s?(?:mg|g|mcg|µg|ml|units?|iu)\b"
IMPERATIVE_VERBS = (
    "hold", "lie", "stand", "sit", "walk", "take", "put", "roll", "check", "turn", "repeat", "bend", "keep", "try",
    "avoid", "use", "call", "talk", "book", "speak", "ask", "see", "go", "get", "ring", "stop", "rest", "place",
    "lift", "raise", "lower", "breathe", "relax", "tighten", "squeeze", "push", "pull", "move", "step", "make",
    "start", "do", "don't", "do not", "write", "wear", "drink", "eat", "tell", "follow", "read", "let", "never",
    "always", "remember", "aim", "build", "add", "swap", "choose", "cut", "reduce", "wash", "dry", "apply", "wrap",
    "slide", "straighten", "cross", "lean", "press", "return", "count", "set", "plan", "warm", "cool", "contact",
    "phone", "seek", "visit", "attend", "bring", "note", "record", "measure", "pause", "stretch", "rotate", "tuck",
    "point", "reach", "hug", "clasp", "sleep", "mention", "seek", "report", "give", "find", "ice", "elevate",
    "alternate", "switch", "drop", "limit", "spread", "pace", "share", "join", "learn", "consider", "work",
    "fill", "sign", "jot", "print", "download", "save", "bookmark", "skip", "pick", "wait",
    "click", "tap", "scroll", "email", "arrange", "prepare", "pack", "kneel", "shift", "loop", "pad", "adjust",
    "change", "stay",
)
# Verbs that follow a treatment named as a subject ("Ice eases swelling"); a plural noun such as
# "minutes" must not count, so this is a list rather than "any word ending in s".
THIRD_PERSON_VERBS = (r"(?:eases|helps|reduces|relieves|improves|works|causes|lowers|speeds|prevents|protects|"
                      r"makes|keeps|gives|brings|cuts|soothes|calms|loosens|strengthens|builds|boosts|fixes|"
                      r"shortens|lessens|worsens|increases|raises|triggers|leads|seems|appears|tends|offers)")
# Words that are both a treatment (noun) and an order (verb): "Ice eases swelling" is a claim.
NOUN_VERBS = ("ice", "heat", "rest", "exercise", "work", "walk", "walking", "sleep", "stretch", "stretching", "drink",
              "massage", "swim", "swimming", "use", "stop", "cut", "reduce", "move", "lift", "cycling", "repeat", "change",
              "shift")
IMPERATIVE_RE = re.compile(
    r"^(?:(?:if|when|once|before|after|while|as soon as|until|each|every|for|to)\b[^,]{0,80},\s*)?"
    r"(?:(?:now|then|next|first|finally|slowly|gently|carefully|also|please|just|still|instead|afterwards|again),?\s+)*"
    r"(?P<verb>" + "|".join(sorted((re.escape(v) for v in IMPERATIVE_VERBS), key=len, reverse=True)) + r")\b"
    r"(?!\s*(?:and|or|,|is|are)\b)",  # "swollen, warm and sore" is a description, not an order
    re.IGNORECASE,
)
# An order at the very start of a sentence ("Stop and get help") needs no look-ahead.
PLAIN_IMPERATIVE_RE = re.compile(
    r"^(?P<verb>" + "|".join(sorted((re.escape(v) for v in IMPERATIVE_VERBS), key=len, reverse=True)) + r")\b"
    r"(?=\s+(?:and|or)\s+(?:" + "|".join(re.escape(v) for v in IMPERATIVE_VERBS) + r")\b)",
    re.IGNORECASE,
)
# A claim hidden inside an instruction: "Keep moving, because gentle activity helps …".
REASON_RE = re.compile(
    r"(?:,?\s*\b(?:because|since|as it|as this|as they|as that|which (?:can|may|will|helps?|reduces?|lowers?(?! (?:back|legs?|limbs?|part|end|body|spine|abdomen|belly))|eases?)"
    r"|this (?:can|may|will|helps?|lowers?(?! (?:back|legs?|limbs?|part|end|body|spine|abdomen|belly))|reduces?)|(?<!if )it (?:can|may|will|helps?|lowers?(?! (?:back|legs?|limbs?|part|end|body|spine|abdomen|belly))|reduces?)"
    r"|to (?:help|ease|reduce|lower|prevent|speed|protect|cut|improve|relieve|avoid (?:a |the )?(?:risk|injury)))\b)"
    r"(?P<claim>.*)$",
    re.IGNORECASE,
)


LABEL_RE = re.compile(r"^(?:safety note|note|tip|important|warning|remember|caution|top tip)\s*[:.]\s+", re.I)


@dataclass(frozen=True)
class Rule:
    name: str
    label: Label
    kind: str
    pattern: re.Pattern[str] | Callable[[str], re.Match[str] | None]

    def match(self, text: str) -> re.Match[str] | None:
        if isinstance(self.pattern, re.Pattern):
            return search(self.pattern, text)  # the same as self.pattern.search(text), run only if it can match
        return call(self.pattern, text)  # the same as self.pattern(text), remembered for the sentence


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


PROFESSIONS = (r"(?:physio(?:therapist)?s?|gps?|doctors?|nurses?|surgeons?|consultants?|rheumatologists?|pharmacists?|"
               r"dietitians?|dieticians?|editors?|writers?|journalists?|coach(?:es)?|trainers?|researchers?|"
               r"lecturers?|professors?|chiropractors?|osteopaths?|midwi(?:fe|ves)|specialists?|clinicians?|"
               r"practitioners?|therapists?|psychologists?|podiatrists?|paramedics?|registrars?|scientists?|"
               r"instructors?|teachers?|authors?|reviewers?|clinical lead)")
HEALTH = _words(
    r"pain\w*", r"ache\w*", r"sore\w*", r"arthritis", r"gout", r"fractures?", r"broken", r"sprains?", r"strains?",
    r"injur\w+", r"diabet\w+", r"cancer\w*", r"infection\w*", r"strokes?", r"sciatica", r"symptoms?", r"swell\w*",
    r"disease\w*", r"conditions?", r"blood", r"pressure", r"weight", r"sleep\w*", r"smok\w+", r"alcohol",
    r"exercis\w*", r"surg\w*", r"fusion", r"operations?", r"treat\w*", r"therap\w+", r"recover\w*", r"heal\w*", r"risk\w*",
    r"health\w*", r"ill(?:ness|nesses)?", r"emergenc\w+", r"urgent\w*", r"serious", r"birth", r"born", r"rates?",
    r"re-?injur\w*", r"sick\w*", r"tired\w*", r"fatigue", r"stiff\w*", r"weak\w*", r"numb(?:ness|ed|ing)?", r"tingl\w*",
    r"osteo\w+", r"tendin\w+", r"bursitis", r"scans?", r"x-rays?", r"mri", r"physio\w*", r"vaccin\w+", r"diet\w*",
    r"obes\w+", r"overweight", r"inflam\w+", r"flare\w*", r"chronic", r"acute", r"pregnan\w+", r"depress\w+",
    r"anxi\w+", r"stress\w*", r"fever", r"cough\w*", r"heart", r"falls?", r"posture", r"activ\w+", r"rest\w*",
    r"tears?", r"torn", r"acl", r"reconstruction", r"braces?", r"splints?", r"casts?", r"curves?", r"scoliosis",
    r"independen\w+", r"fitness", r"fit", r"sport\w*", r"mobility", r"disab\w+", r"movement", r"function\w*",
    r"bruis\w+", r"wounds?", r"ulcers?", r"cramp\w*", r"spasms?", r"\w+(?:itis|osis|algia|pathy|ectomy|plasty|"
    r"mab|pril|olol|statin|xate|profen|cillin|mycin|azole|sartan|prazole|oxacin|triptan)", r"mg",
)
HEALTH_RE = re.compile(HEALTH + "|" + BODY + "|" + DRUGS, re.IGNORECASE)

DRUG_RE = re.compile(DRUGS, re.IGNORECASE)
# What a drug named in the sentence does (rule drug-effect).
DRUG_EFFECT_RE = _r(
    r"\b(?:can|may|might|could|often|usually|sometimes|rarely|commonly)? ?(?:cause[sd]?|upset|thins?|"
    r"damage[sd]?|harm[s]?|side[- ]effects?|safe|unsafe|risks?|interact\w*|addict\w*|dependen\w*|bleed\w*|"
    r"ulcers?|constipat\w*|drows\w*|dizz\w*|nause\w*|help[s]?|ease[sd]?|relieve[sd]?|reduce[sd]?|lower[s]?|"
    r"work[s]?(?! by)|effective|benefit\w*|no better|small|little|not recommended|recommended|advised|first[- ]line|"
    r"second[- ]line|should not|shouldn't|avoid\w*|stop\w* working|wear[s]? off|last[s]? (?:for|about|up to))\b")

STRUCTURE_RULES: tuple[Rule, ...] = (
    Rule("list-continuation", "none", "fragment", re.compile(r"^[a-z(][^.!?]*[^.!?\s]\s*$")),
    Rule("editorial-note", "none", "disclaimer", _r(
        r"\b(?:our|the|these) (?:sources|summary|summaries|evidence|reviews?|studies|trials|research)(?: (?:we|that "
        r"we) (?:have )?(?:checked|used|found|read))?(?: for this page)? (?:say|says|said|do not|does not|did not|don't|doesn't|"
        r"give|cover|covers|tell|mention)\b.{0,80}\b(?:little|nothing|not|no|about)\b|\b(?:we|this page) (?:could "
        r"not|did not|do not|cannot|can't|couldn't) (?:find|cover|say|give|include)\b|\bwhat we could not cover\b|\b(?:research|sources|evidence|studies|trials) (?:we|that we) "
        r"(?:have )?(?:checked|used|found|read)\b")),
    Rule("what-to-expect", "none", "instruction", _r(
        r"^(?:your (?:doctor|gp|physio\w*|surgeon|nurse|(?:surgical |care )?team|pharmacist)(?: or (?:a |your )?"
        r"\w+)?|they|the (?:doctor|surgeon|nurse|team)|you) (?:will |may |might |usually |then |first |also )*(?:ask|"
        r"check|examine|look at|give you|talk|explain|rest|lie|go home|feel for|test your|press|watch|want to know)\b")),
    Rule("question", "none", "question", _r(r"\?\s*[\"')\]]*\s*$")),
    Rule("ends-with-colon", "none", "transition", _r(r"^[^.!?]{0,60}:\s*$")),
    Rule("disclaimer", "none", "disclaimer", _r(
        r"\b(?:not (?:a substitute|medical advice|personal (?:medical )?advice|meant to replace)|does not replace|"
        r"doesn't replace|is not a replacement|general information only|for information only|"
        r"we (?:review|update|check) (?:this|our|each|every)|(?:was )?last (?:checked|reviewed|updated)|"
        r"(?:this|our) (?:page|site|article|website|information) (?:is|does) not|no (?:advertising|sponsorship)|"
        r"we do not (?:track|accept|sell)|(?:general|educational) (?:information|purposes)|not (?:intended|designed|"
        r"meant) to (?:diagnose|replace|be|give|offer|treat)|cannot (?:give|offer|provide) (?:personal|individual)|"
        r"(?:your|each person's|every person's) (?:own )?(?:situation|case|needs) (?:may|is|are|will)|"
        r"does not cover (?:every|all)|(?:we|the authors?) (?:are not|accept no|cannot be)|no responsibility|"
        r"(?:correct|accurate) at the time|at the time of (?:writing|publication)|results (?:may )?vary|"
        r"(?:always )?(?:follow|check with) (?:the advice of )?your own|no substitute for)")),
    Rule("navigation", "none", "navigation", _r(
        r"\b(?:(?:see|read|visit) (?:the|our) (?:next|previous|section|page|guide|box|table|list|glossary|links?)|"
        r"(?:next|previous|following|last) (?:section|page|part)|scroll (?:down|up)|click|tap (?:here|the)|"
        r"(?:this|the) (?:page|guide|article|site) (?:has|is split|covers|explains|describes|is divided|lists)|"
        r"(?:find|read) (?:out )?more (?:about|on|in)|on our \w+(?: \w+)? page|(?:covered|explained) (?:on|in) (?:our|the)"
        r" (?:page|section|next|previous|glossary|box|table)|(?:jump|skip) to|more (?:on|about) this (?:on|in)|in the (?:box|table|section) (?:below|above)|"
        r"(?:the )?(?:table|box|list|chart|diagram|picture|section|video) (?:below|above|on this page)|"
        r"can be found (?:on|in|at)|(?:is|are) (?:linked|available) (?:at|from|on|below|above|in)|on page \d+|"
        r"(?:sign|signing) up|newsletter|(?:our|this) (?:website|leaflet|booklet)|\bpart \d+\b|see also|related "
        r"(?:pages|topics|articles|links)|back to (?:top|contents)|(?:links?|buttons?) (?:below|above|at the)|"
        r"printable|download|(?:our|this|the) [\w -]{0,30} page (?:gives|has|covers|explains|lists|describes|"
        r"is about)|this (?:section|chapter) (?:looks|covers|explains|is about|describes)|"
        r"(?:we|you) (?:will|'ll) (?:look|cover|explain|find|read|learn) .{0,40}(?:later|below|next|in the|on the))")),
    Rule("illustration", "none", "disclaimer", _r(r"\b(?:for illustration only|everyone is different|every (?:person|"
                                                   r"body) is different|(?:images?|photos?|pictures?) (?:are|is) "
                                                   r"(?:for|not)|not (?:a|an) (?:complete|full) list)\b")),
    Rule("suggestion", "none", "instruction", _r(r"^(?:it (?:can|may|might) be (?:handy|useful|a good idea|worth|"
                                                  r"helpful) to (?:jot|write|keep|note|bring|make|ask|take a|have)|"
                                                  r"it (?:helps|can help|may help|is useful|is worth it) to (?:know|"
                                                  r"read|understand|ask|write|keep|plan|learn|have)|(?:so )?it makes "
                                                  r"sense to|"
                                                  r"you (?:might|may|could) (?:want|like|wish) to|(?:try|aim|plan) to "
                                                  r"(?:do|keep|jot|write|take|make))\b")),
    Rule("byline", "none", "bio", _r(r"^(?:(?:this|the) (?:article|page|leaflet|guide|sheet) (?:was|is|has been) "
                                     r"(?:written|reviewed|checked|produced|prepared|updated)|(?:written|reviewed|"
                                     r"checked|edited) by)\b")),
    Rule("career", "none", "bio", re.compile(
        r"^(?:(?:Dr|Prof|Mr|Mrs|Ms|Miss|Professor|Nurse)\.? (?:[A-Z]\.? )*[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?(?!'s)"
        r"|[A-Z][a-z]+ (?:[A-Z]\. )?[A-Z][a-z'-]+(?!'s)"
        r"|She|He)(?:, [A-Z][\w ,]{1,20},)? (?:is|was|has been|has|works|trained|qualified|specialises|specializes|"
        r"leads|joined|teaches|sees|treats|runs|writes|edits)\b.{0,80}?(?i:\b(?:" + PROFESSIONS + r"|years (?:of "
        r"experience|in practice)|qualified|trained|specialis\w+|speciali[sz]\w+|degree|phd|msc|clinic|practice|"
        r"hospital|university|award)\b)|^[A-Z][a-z]+(?:, [A-Z][\w ,]{1,20},)? (?:is|was) (?:a|an|our) (?:\w+ ){0,2}"
        r"(?i:" + PROFESSIONS + r")\b")),
    Rule("bio", "none", "bio", _r(
        r"^(?:dr\.?|prof\.?|professor|nurse|our (?:author|editor|team))\b.{0,60}\b(?:leads|runs|heads|works (?:as|at|"
        r"with|in)|has (?:worked|been|written|"
        r"spent|taught|run|finished)|is an? (?:\w+ ){0,3}(?:gp|doctor|physio\w*|nurse|surgeon|editor|writer|"
        r"specialist|consultant|pharmacist|professor|researcher|lecturer))|^[A-Z][a-z]+ (?:writes|has written|"
        r"edits|has worked|has run|has finished|runs|is a (?:\w+ )?(?:writer|runner|editor|coach|trainer))")),
    Rule("named-person", "none", "anecdote", re.compile(
        r"^(?!(?:It|This|That|These|Those|They|The|A|An|One|Each|Most|Many|Some|Few|Research|Evidence|"
        r"Studies|Trials?|Reviews?|Guidelines?|Doctors|Surgeons|People|Patients)\b)"
        r"(?:our (?:reader|patient|client)s? )?[A-Z][a-z]+(?:, (?:an? |our )[\w -]{2,40},)? (?:noticed|came|went|"
        r"told|said|wrote|tried|decided|started|felt|kept|found|hurt|slipped|fell|had to|was told|remembers|"
        r"visited|booked|asked)\b|\b(?:one of our|our) (?:patients|readers|clients|members) (?:told|wrote|said|"
        r"asked|shared)|\b(?:told us|wrote (?:in|to us)|came to us|says (?:she|he))\b")),
    Rule("first-person", "none", "anecdote", re.compile(
        r"\bI (?:was|had|have|felt|found|tried|started|went|got|could|couldn't|did|didn't|thought|used|remember|"
        r"hurt|slipped|broke|took|kept|decided|needed|spent|asked|saw|made|lost|gained|ran|walked|woke|noticed|"
        r"realised|realized|learned|learnt|'m|am|'ve)\b|\b(?:my|our) (?:mum|mother|dad|father|son|daughter|wife|"
        r"husband|partner|friend|gran|grandma|grandad|grandfather|grandmother|sister|brother|neighbour|neighbor|"
        r"children|kids|baby)\b|\ba friend of (?:mine|ours)\b|^(?:last|this|one|in|after|when|two|three|a few|"
        r"years|months) [\w ,]{0,30}, [A-Z][a-z]+ (?:noticed|came|went|told|said|tried|decided|started|felt|kept|"
        r"found|hurt|slipped|fell|visited|booked|asked|was|had)\b")),
    Rule("anecdote", "none", "anecdote", _r(r"^(?:(?:last|this|one|in) [\w ]{0,20},?\s*)?(?:i|my|we|our family)\b"
                                             r"(?! (?:know|found that|recommend))|\b(?:i|my) (?:hurt|slipped|fell|"
                                             r"twisted|broke|tried|found|started|mum|dad|son|daughter|wife|husband)\b")),
    Rule("discourse", "none", "transition", _r(
        r"^(?:but|so|and|now|well|okay|ok|still|yet),? (?:there's|there is|here's|here is|that's|that is|what about|"
        r"let's|on to|back to|what|how)\b|(?:that's|that is|this is|it's|it is) not the (?:whole|full|end|only)|"
        r"(?:read on|more on that|more about (?:that|this)|find out)(?: (?:below|later|soon|in a moment|how|why|what))?"
        r"\s*[.!]?$|^(?:moving on|turning to|having said that|with that|all this (?:means|said)|put simply|in other "
        r"words|to put it (?:simply|another way)|the (?:short|long) (?:answer|version))\b|^(?:so|but|and),? "
        r"(?:what|how|where|why|which) ")),
    Rule("transition", "none", "transition", _r(
        r"^(?:let's|let us|now (?:for|let's|we)|with that in mind|in short|in summary|to sum up|here is|here are|"
        r"here's|so,? what|first,? (?:some|a few)|there are (?:a few|some|several) (?:things|options|ways|questions"
        r"|steps)|this is where|what does this mean|the (?:good|bad) news|next,|read on|on the other hand,?$|"
        r"that said|to recap|in this (?:section|part)|(?:first|next|now|finally|then),? (?:a (?:quick |short )?"
        r"(?:word|note|look)|we (?:explain|look|cover|describe|turn|discuss)|let's)|that brings us|this brings us|"
        r"we (?:now )?turn to|(?:below|above),? (?:we|you'll|you will))\b")),
)

# Strong claim cues: a sentence with one of these is a claim even if it also defines or describes.
STRONG_RULES: tuple[Rule, ...] = (
    Rule("warning-sign", "must", "warning-sign", _r(
        r"\b(?:(?:a |an |the )?(?:warning )?signs? of|symptoms? of (?:a |an )?(?:serious|heart|stroke|infection|"
        r"cancer|clot|fracture|cauda)|warning sign|red flags?\b(?! can)|(?<!you )(?:can|could|may|might|does|often|usually)"
        r" (?:mean|point to|signal|indicate|suggest(?! (?:that you|you|trying|surgery|fusion|an? (?:operation|"
        r"injection|scan|test)))|be (?:a sign|an early sign|caused by|due to|linked))|could be "
        r"(?:a|an) (?:blood clot|infection|fracture|stroke|heart attack|emergency|sign|broken)|"
        r"(?:needs?|requires?) (?:urgent|emergency|same-day|prompt) (?:care|help|treatment|attention|check)|"
        r"is an emergency|medical emergency)")),
    Rule("comparison", "must", "comparison", _r(
        r"\b(?:(?:no|not|any|much|slightly|far|a little|just|about) )?(?:better|worse|more effective|less effective|"
        r"safer|riskier|faster|quicker|slower|stronger|weaker|cheaper) than\b|\b(?:just |about |at least )?as "
        r"(?:good|effective|helpful|safe|well|useful|fast) as\b|\bcompared (?:with|to)\b|\bversus\b|\bvs\.?\s|"
        r"\b(?:fewer|more|less) [\w-]+(?: [\w-]+)? than (?:\w+ ){0,3}(?:tablets?|pills?|surgery|placebo|"
        r"exercise|physio\w*|injections?|medicines?|drugs?|rest|treatment|usual care|dummy)\b|"
        r"\bsame (?:benefit|effect|results?) as\b|\b(?:outperform\w*|beat|beats|superior|inferior)\b")),
    Rule("dose", "must", "drug", _r(r"(?:usual|normal|recommended|maximum|max\.?|starting|daily|safe|standard|"
                                    r"typical) (?:adult |daily |starting |single )?dose|more than " + DOSE[2:])),
    Rule("drug-effect", "must", "drug", lambda s: _near(s, DRUG_RE, DRUG_EFFECT_RE)),
    Rule("statistic-percent", "must", "statistic", _r(r"\d(?:[\d,.]*)\s?(?:%|per ?cent\b)|\bper (?:100|1,?000|"
                                                      r"10,?000|100,?000)\b|\b" + NUMBER + r" (?:in|out of) (?:every "
                                                      r")?" + NUMBER + r"\b|\bin (?:every )?" + NUMBER + r" (?:"
                                                      r"people|adults|children|women|men|patients|cases|\w+ers)\b")),
    Rule("statistic-people", "must", "statistic", lambda s: _number_about_people(s)),
    Rule("statistic-rate", "must", "statistic", _r(
        r"\b(?:" + NUMBER + r"|several|many) times (?:more|less|as) (?:likely|common|often)|\b(?:most|more|less|"
        r"very|quite|fairly|rare|common|uncommon)\b[\w ]{0,12}\b(?:common|rare) (?:in|among|after|before|than|"
        r"cause|reason|type)\b|\b(?:affects?|accounts? for|makes? up|is diagnosed in|occurs? in|happens? in|"
        r"(?:is|are) (?:very |quite |fairly )?(?:common|rare|uncommon)\b)|\b(?:more|less) (?:common|frequent)\b|\b(?:leading|top|main|most common|"
        r"biggest|commonest) (?:cause|reason)s?\b|\bprevalence\b|\bincidence\b")),
    Rule("evidence", "must", "efficacy", _r(
        r"\b(?:evidence|studies|trials?|research|reviews?|guidelines?|experts?|doctors|nice|trials) (?:\w+ )?"
        r"(?:shows?|showed|found|finds|suggests?|suggested|says?|supports?|recommends?|advises?|agrees?|backs?|"
        r"is (?:weak|strong|limited|mixed|clear|unclear|low|poor)|(?:do|does|did) not)\b|\b(?:is|are|was|were|"
        r"isn't|aren't) (?:not |no longer |strongly |generally |usually |often )?(?:recommended|advised|proven|"
        r"effective|ineffective|useful|worthwhile|worth it|helpful|beneficial|supported|backed)\b|\b(?:not|un)"
        r"proven\b|\b(?:has|have) (?:not )?been shown\b|\bno (?:good |strong |clear |real )?(?:evidence|benefit|"
        r"effect|proof)\b|\b(?:low|high|moderate|very low)[- ]certainty\b|\bplacebo\b|\bsham\b|\bdummy "
        r"(?:treatment|pill|injection)|\b(?:is|are) (?:a|an|the) (?:\w+ ){0,2}(?:useful|effective|safe|good|"
        r"helpful|best|first-line|first|proven|recommended|reasonable|poor|weak|better|worse) (?:\w+ )?(?:treatment|"
        r"option|choice|way|therapy|medicine|drug|start|approach)\b")),
    Rule("negated-efficacy", "must", "efficacy", _r(
        r"\b(?:do|does|did|will|can|may|might|could)(?: not|n't) (?:\w+ )?(?:help|work|prevent|improve|reduce|"
        r"cure|fix|speed|protect|ease|relieve|stop|lower|change|make (?:a|much|any) difference|shorten)\b|\brarely "
        r"(?:help|helps|fix|fixes|work|works|cure|cures)\b")),
    Rule("cause", "must", "cause", _r(
        r"\b(?:causes?|caused|causing|leads? to|led to|results? in|resulting in|triggers?(?! points?)|triggered|risks?|"
        r"linked|associated|association|contribut\w+|due to|more likely|less likely|likelier|predispos\w+|"
        r"(?:raises?|increases?|doubles?|lowers?(?! (?:back|legs?|limbs?|part|end|body|spine|abdomen|belly))|cuts?|reduces?) (?:the |your )?(?:risk|chance|odds)|"
        r"(?:puts?|adds?|places?) (?:extra |more )?(?:strain|stress|load|pressure) (?:on|to)|"
        r"makes? (?:\w+ ){0,4}(?:worse|more likely|likelier|weaker|stiffer)|"
        r"(?:is|are) (?:a |the )?(?:main |common |leading |major )?(?:cause|reason|trigger)|"
        r"because of|brought on by|stems? from|tied to|connected to|protects? against|"
        r"(?:reason|blame) (?:behind|for)|to blame|runs? in families|hand in hand|plays? a (?:part|role)|prone to|"
        r"sets? off|brings? on)\b")),
    Rule("prognosis", "must", "prognosis", _r(
        r"\b(?:most|many|nearly all|almost all|some|few|usually|often|typically|generally|tends? to|tend to|"
        r"normally|eventually|on (?:its|their) own|by (?:itself|themselves)|over time|in time|without treatment)\b"
        r".{0,80}\b(?:recover\w*|heal\w*|get(?:s|ting)? better|settles?|settl\w+|eases?|easing|improves?|improving|"
        r"go(?:es)? away|clears? up|fades?|resolves?|come(?:s)? back|return|returns|recur\w*|lasts?|persists?|"
        r"grow(?:s)? out|worsens?|gets? worse|back to (?:work|normal|sport))\b|\b(?:recover\w*|heal\w*|get(?:s)? "
        r"better|settles?|improves?|go(?:es)? away|clears? up|back to (?:work|normal|sport)|comes? back|lasts?)\b"
        r".{0,40}\b(?:within|in|after|by|for|over) (?:about |around |up to |a |the |" + NUMBER + r" )*(?:few |"
        r"couple of )?(?:days?|weeks?|months?|years?|age)\b|\boutlook\b|\bprognosis\b|\bchronic\b.{0,30}"
        r"\b(?:develop|becomes?|turns?)\b")),
)

SHOULD_RULES: tuple[Rule, ...] = (
    Rule("mechanism", "should", "mechanism", _r(
        r"\bworks? by\b|\bwhich is why\b|\bthat is why\b|\bthis is why\b|\bhappens when\b|\boccurs when\b|"
        r"^when (?:you|a|an|the|your|muscles?|nerves?|bones?|blood)\b|\b(?:the|your) (?:body|immune system|brain|"
        r"nervous system)\b|\bsignals?\b|\bis (?:constantly |always )?being\b|\bbreaks? down\b|\brebuil\w+|"
        r"\b(?:gets|get) (?:its|their) (?:nutrients|blood|oxygen)\b|\bhormones?\b|\b(?:contracts?|shortens?|"
        r"lengthens?|stretches|absorbs?|cushions?|pumps?|carries|carry|filters?|releases?|sends?)\b|"
        r"\bhappens? as\b|\bprompts?\b|\brush(?:es)? to\b|\blay(?:s)? down\b")),
    Rule("definition", "should", "definition", _r(
        r"^(?:an?|the)?\s*[\w' -]{1,40}? (?:is|are) (?:a|an|the) (?:\w+[ -]){0,3}?(?:condition|form|type|kind|"
        r"group|term|name|word|treatment|test|scan|way|procedure|operation|surgery|stretch|tear|injury|illness|"
        r"disease|disorder|problem|syndrome|infection|inflammation|swelling|pad|band|sac|cushion|layer|bone|"
        r"muscle|nerve|joint|tendon|ligament|part|area|piece|set|network|machine|method|therapy|programme|program|"
        r"medicine|drug|substance|chemical|hormone|protein|mineral|measure|number|scale|score|feeling|sensation|"
        r"symptom|study|review|trial)\b|^(?:an?|the)?\s*[\w' -]{1,40}? (?:is|are) (?:\w+ )?(?:treatment|therapy|care|"
        r"surgery) (?:that|which|where|in which|using|with)\b|^(?:an?|the)?\s*[\w' -]{1,40}? (?:is|are) the \w+ "
        r"(?:of|that|which|in which|by which|for)\b|\b(?:means|is called|are called|refers to|is known as|are known as|stands "
        r"for|is short for|is the (?:medical|technical|usual|common) (?:name|term|word))\b|\b(?:uses?|involves?) "
        r"(?:a |an )?[\w ]{1,30} to (?:make|take|see|look|show|measure|check|create)\b|^(?:a|an) [\w -]{1,30} "
        r"(?:is|are) (?:when|where)\b|^[\w'\" ,.()-]{1,60}? (?:describes?|denotes?) (?:a|an|the|pain|any|how)\b|"
        r"\b(?:use|uses|used) the (?:term|word|name|label)\b|\b(?:call|calls|called) (?:this|it|them|these)\b|"
        r"\b(?:hear|see) (?:it|this|them) (?:called|described|named)\b|^[\w' ()-]{1,40}: [A-Z\w]|"
        r"^(?:an?|the)?\s*[\w' -]{1,40}?(?: \([^)]{1,30}\))? (?:is|are) (?:a|an) |^(?:a|an|the)?\s*[\w' -]{1,40}?(?:, i\.e\. [^,]+,)? "
        r"(?:is|are) (?:your|a|an) (?:\w+[ -]){0,4}?(?:\w+)(?: (?:of|in|on|that|which|for|divided|between|"
        r"inside|behind|made|used|where)\b|\.$)")),
    Rule("anatomy", "should", "anatomy", lambda s: _anatomy(s)),
)

# Weaker cues: a benefit or effect, often hedged ("may ease", "can help").
WEAK_RULES: tuple[Rule, ...] = (
    Rule("efficacy", "must", "efficacy", _r(
        r"\b(?:help|helps|helped|helping|(?<!desk )(?<!home )(?<!office )(?<!shift )(?<!manual )work|works|worked|improves?|improved|reduces?|reduced|relieves?|relieved|"
        r"eases?|eased|speeds?(?: up)?|prevents?|prevented|protects?|effective|benefits?|beneficial|fix|fixes|"
        r"cures?|lowers?(?! (?:back|legs?|limbs?|part|end|body|spine|abdomen|belly))|lowered|boosts?|strengthens?|loosens?|soothes?|calms?|shortens?|cuts? (?:down|the)|"
        r"takes? (?:the )?(?:pressure|strain|edge|load) off|makes? (?:\w+ ){0,3}(?:easier|better|stronger|"
        r"less|more comfortable)|good for|bad for|pays? off|worth (?:trying|it)|gives? (?:\w+ ){0,2}relief|"
        r"keeps? (?:\w+ ){0,3}(?:healthy|strong|supple|moving)|brings? down|wards? off|builds? up)\b")),
    Rule("hedged-outcome", "must", "prognosis", _r(
        r"\b(?:may|might|can|could|will|often|usually|likely|unlikely|probably)\b.{0,40}\b(?:recover\w*|heal\w*|"
        r"get better|settle|improve|go away|come back|last|feel (?:better|worse)|lead|become|develop)\b")),
)


def _near(sentence: str, first: re.Pattern[str], second: re.Pattern[str]) -> re.Match[str] | None:
    """Both patterns in one sentence; returns the second (the effect words)."""
    if search(first, sentence):
        return search(second, sentence)
    return None


NUMBER_RE = re.compile(r"\b" + NUMBER + r"\b|\d", re.IGNORECASE)
PEOPLE_RE = re.compile(PEOPLE, re.IGNORECASE)
BODY_RE = re.compile(BODY, re.IGNORECASE)
QUANTIFIER_RE = re.compile(r"\b(?:most|many|few|some|nearly|almost|about|around|roughly|up to|over|under|"
                           r"more than|less than|fewer than|at least|majority|minority|one in|two in|1 in|2 in)\b",
                           re.IGNORECASE)
ANATOMY_VERB_RE = re.compile(
    r"\b(?:is|are|has|have|join|joins|connects?|links|runs?|passes|pass|sits?|lies|lie|attach(?:es)?|"
    r"made (?:up )?of|consists? of|contains?|forms?|cross(?:es)?|holds?|hold|wraps?|surrounds?|covers?|lines?|"
    r"starts?|ends?|begins?|splits?|branch(?:es)?|supplies|protects?|supports?|moves?|bends?|straightens?|"
    r"lets?|allows?|keeps?|stabili[sz]es?|fits?|sit|meet|meets|tucked|involves?|between|inside|behind|below|above|along|"
    r"across)\b",
    re.IGNORECASE,
)


OUTCOME_AMOUNT_RE = re.compile(r"\b(?:within|after|by|for|up to|over|under|about|around|nearly|almost) "
                               r"(?:the age of )?\d[\d,.]*\s?(?:days?|weeks?|months?|years?|kg|lb|pounds|hours?)?\b|"
                               r"\bage (?:of )?\d+\b", re.IGNORECASE)
PRONOUN_START_RE = re.compile(r"^(?:it|they|this|these|each|both)\b", re.IGNORECASE)


def _number_about_people(sentence: str) -> re.Match[str] | None:
    number = search(NUMBER_RE, sentence)
    if not number:
        return None
    if _anatomy(sentence) and not search(PEOPLE_RE, sentence):
        return None
    people = search(PEOPLE_RE, sentence)
    if people:
        return people
    # Outcome times and amounts: "within 6 weeks", "lose 5 kg", "by the age of 10".
    return search(OUTCOME_AMOUNT_RE, sentence) if search(QUANTIFIER_RE, sentence) else None


def _anatomy(sentence: str) -> re.Match[str] | None:
    """A body part and a verb of place or structure ("runs", "sits", "is made of")."""
    body = search(BODY_RE, sentence)
    if not body:
        return None
    pronoun = PRONOUN_START_RE.match(sentence)
    if body.start() > 60 and not pronoun:
        return None
    return search(ANATOMY_VERB_RE, sentence, 0 if pronoun else body.end())


# "Ice after a sprain eases swelling": a word of NOUN_VERBS as the subject of a verb.
NOUN_SUBJECT_RE = re.compile(r"^\w+(?: (?!(?:if|when|while|because|and|or|to|so|as|until|then)\b)[\w-]+){0,6}? "
                             r"(?:is|are|was|were|can|may|might|could|will|does|do|has|have|" + THIRD_PERSON_VERBS +
                             r")\b", re.IGNORECASE)


def _imperative(sentence: str) -> re.Match[str] | None:
    text = sentence.strip().lstrip("*-•0123456789.) ")
    plain = PLAIN_IMPERATIVE_RE.match(text)
    if plain:
        return plain  # "Stop and get help …"
    match = IMPERATIVE_RE.match(text)
    if match and match.start("verb") == 0 and match["verb"].lower() in NOUN_VERBS and NOUN_SUBJECT_RE.match(
            sentence.strip()):
        return None  # "Ice after a sprain eases swelling": the word is the subject, not an order
    return match


def _first(rules: tuple[Rule, ...], text: str) -> Verdict | None:
    if prefilter.FAST:
        sentence = prefilter.scan(text)
        skip = sentence.exact & ~sentence.possible  # the RE2 set says these patterns do not match
        bits = prefilter.REGISTRY.bits
        for rule in rules:
            if skip and bits.get(id(rule.pattern), 0) & skip:
                continue
            found = rule.match(text)
            if found:
                return Verdict(rule.label, rule.kind, rule.name, found.group(0).strip())
        return None
    for rule in rules:
        found = rule.match(text)
        if found:
            return Verdict(rule.label, rule.kind, rule.name, found.group(0).strip())
    return None


def normalise(sentence: str) -> str:
    """Whitespace collapsed and a leading "Note:"-style label dropped."""
    return LABEL_RE.sub("", " ".join(sentence.split()))


LETTERS_RE = re.compile(r"[A-Za-z]{2}")
QUESTION_END_RE = re.compile(r"\?\s*[\"')\]]*\s*$")
WORDS_RE = re.compile(r"[\w'-]+")
STOP_END_RE = re.compile(r"[.!]\s*$")
BECAUSE_RE = re.compile(r"\b(?:because|since|as (?:it|this|they|that))\b.*", re.IGNORECASE)
CALL_VERB_RE = re.compile(r"(?:call|talk|book|speak|ask|see|go|get|ring|tell|contact|phone|seek|visit|attend|mention|"
                          r"report)\b", re.IGNORECASE)


@lru_cache(maxsize=65536)
def rule_verdict(sentence: str) -> Verdict:
    """The rule table's label of one sentence of prose (citations already removed); pure, so cached."""
    text = normalise(sentence)
    if not LETTERS_RE.search(text):
        return Verdict("none", "fragment", "no-words")
    if QUESTION_END_RE.search(text):
        return Verdict("none", "question", "question", text[-30:])
    words = WORDS_RE.findall(text)
    if len(words) <= 2 or (len(words) <= 6 and not STOP_END_RE.search(text) and not STRONG_RULES[4].match(text)):
        return Verdict("none", "fragment", "short-fragment", text)
    verdict = _first(STRUCTURE_RULES, text)
    if verdict:
        return verdict
    imperative = call(_imperative, text)  # remembered for the sentence: the model's features ask too
    if imperative:
        reason = search(REASON_RE, text)
        if reason:
            claim = _first(STRONG_RULES, reason.group(0)) or _first(WEAK_RULES, reason.group(0))
            if claim:
                return Verdict(claim.label, claim.kind, f"reason-in-instruction/{claim.rule}", claim.words)
            because = BECAUSE_RE.search(text)
            if because:
                return Verdict("must", "claim", "reason-in-instruction", because.group(0))
        kind = "call-to-action" if CALL_VERB_RE.match(imperative["verb"]) else "instruction"
        return Verdict("none", kind, "imperative", imperative["verb"])
    found = _first(STRONG_RULES, text) or _first(SHOULD_RULES, text) or _first(WEAK_RULES, text)
    if found:
        return found
    if len(words) <= 8 and not search(HEALTH_RE, text) and not search(PEOPLE_RE, text):
        return Verdict("none", "transition", "short-no-health", text)
    # A plain statement about health, in a health article, asserts something that needs a source.
    health = search(HEALTH_RE, text) or search(PEOPLE_RE, text)
    if health:
        return Verdict("must", "claim", "health-statement", health.group(0))
    return Verdict("none", "statement", "no-health-content")
