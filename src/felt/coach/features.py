"""Turning a listener's response, and the focuser's words before it, into hashed features.

Every feature is a string hashed (CRC-32, stable across machines and Python runs, unlike
`hash()`) into one of 2**N_BITS slots, so the model needs no vocabulary file: the shipped
model is a weight matrix, an IDF vector and a little JSON.

Features come in two kinds:

- *blocks* of counted text features (word n-grams, character n-grams, the focuser's words,
  the words the listener added). Each block is weighted TF-IDF style (sublinear counts
  times IDF) and scaled to a fixed length, like concatenating several TF-IDF vectorisers.
- *cues*: a few dozen hand-written signals with values in [0, 1]: question marks, how the
  response (and its last sentence) begins, "you should", "maybe… really about", pronouns,
  and above all how much of the response repeats the focuser's own words.

Both training (in bulk, with scipy) and the classifier (one response, numpy only) start from
`extract()`, so what the model learned and what it sees cannot drift apart.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

N_BITS = 18
DIM = 1 << N_BITS
FEATURE_VERSION = 1

# Each block is scaled to this length after TF-IDF; the response's own words carry most.
BLOCK_SCALES: dict[str, float] = {
    "w": 1.0,  # word 1-3-grams of the response
    "c": 1.0,  # character 2-5-grams inside the response's words
    "x": 0.35,  # the focuser's words (what was just said shapes what fits as an answer)
    "n": 0.5,  # the response's content words that the focuser did not say
}
BLOCKS: tuple[str, ...] = tuple(BLOCK_SCALES)

_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!]")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")

# Function words and pronouns: they say nothing about whether the listener echoed content.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i i'd
    i'll i'm i've if in into is it it's its itself just let's me more most my myself no nor
    not now of off on once only or other our ours ourselves out over own same she should so
    some such than that that's the their theirs them themselves then there these they this
    those through to too under until up very was we were what when where which while who
    whom why will with would you you'd you'll you're you've your yours yourself yourselves
    yeah yes okay ok oh um uh mm hmm like really know just think feel feeling feels felt
    get got go going thing things something kind sort bit lot much well
    """.split()
)

# Saying back turns "I" into "you": compare the listener's bigrams with the focuser's, swapped.
_SWAP = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "am": "are",
    "we": "you",
    "our": "your",
    "us": "you",
}

_BACKCHANNELS = frozenset(
    """
    mm mm-hmm mmhmm mhm hmm uh-huh uh huh yeah yes yep okay ok right sure oh i see got it
    alright all right wow ah hm
    """.split()
)
_WH = frozenset("what how why where when who which whom whose".split())
_AUX = frozenset(
    """
    do does did is are was were am can could would will have has had should shall may might
    must isn't aren't wasn't weren't don't doesn't didn't can't couldn't won't wouldn't
    haven't hasn't
    """.split()
)
_FIRST_PERSON = frozenset("i me my mine myself i'm i've i'd i'll".split())
_SECOND_PERSON = frozenset("you your yours yourself you're you've you'd you'll".split())

# Hand-written cues. Word n-grams see most of these too; as single features they generalise
# from a few hundred examples to phrasings the corpus never used.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "advice_modal",
            r"\byou (should|shouldn't|ought|must|need to|have to|could try|might try|"
            r"might want|may want|could always|could just|could maybe)\b",
        ),
        ("advice_why_not", r"\bwhy (don't|not|wouldn't) (you|try)\b"),
        ("advice_have_you_tried", r"\bhave you (tried|thought about|considered)\b"),
        (
            "advice_imperative_try",
            r"(^|[.!?]\s+)(try|consider|make sure|remember to|go ahead|"
            r"stop|start|don't|do not|give yourself|talk to|write|find|get some)\b",
        ),
        (
            "advice_suggest",
            r"\bi('d| would)? (suggest|recommend|advise)|\bit (might|may|would|"
            r"could) help\b|\bhow about\b|\bwhat if you\b|\bthe best thing\b|\blet's\b",
        ),
        (
            "interp_maybe",
            r"\b(maybe|perhaps|probably|i wonder if|i bet|could it be|must be|"
            r"i think|i guess|i suspect|it seems to me|my guess)\b",
        ),
        (
            "interp_really",
            r"\b(really about|deep down|underneath|actually about|at the root|"
            r"because you|the real|subconscious|unconscious|is about your|has to do with|"
            r"stems from|comes from|reminds you of|projecting|a sign that|a part of you)\b",
        ),
        (
            "interp_family",
            r"\b(father|mother|dad|mom|mum|parents?|childhood|child|"
            r"upbringing|past)\b",
        ),
        (
            "reassure",
            r"\b(don't worry|it's (okay|ok|alright|normal|natural|understandable|fine)|"
            r"you're (doing|not alone|so|very|strong|brave)|you've got this|you can do|"
            r"good for you|well done|proud of you|that's (great|wonderful|brave|amazing|good)|"
            r"it will be|it'll be|everything will|you will be|you'll be (fine|ok|okay)|"
            r"great job|you did|that took courage|makes (total |perfect )?sense)\b",
        ),
        (
            "disclose",
            r"\b(when i was|i remember|i used to|i had|i went through|me too|"
            r"same here|i've been there|i've had|i know (how|what) (it|that)|happened to me|"
            r"my (own|wife|husband|partner|kids?|son|daughter|mother|father|mom|dad|sister|"
            r"brother|friend|experience))\b",
        ),
        (
            "reflect_start",
            r"^(so |and )?(it sounds|sounds like|you feel|you're feeling|you're|"
            r"you are|you've|you have|you said|you say|you're saying|what i hear|i hear|"
            r"there's|it feels|it's like|something|a part of you|part of you|some)",
        ),
        (
            "reflect_tentative",
            r"\b(sounds like|it sounds|you're saying|i'm hearing|"
            r"if i (understand|hear)|you sense|you're sensing|something in you)\b",
        ),
        (
            "info_fact",
            r"\b(research|studies|study|science|scientists|percent|%|doctors?|"
            r"is called|are called|means that|defined|the body|the brain|it's common|"
            r"many people|most people|typically|usually|in general|on average|the reason|"
            r"is a (type|kind|form)|known as)\b",
        ),
        (
            "logistics",
            r"\b(minutes?|time's up|our time|next week|schedule|session|"
            r"switch|turn|can you hear|hear me|mute|connection|see you|bye|hello|hi|"
            r"good morning|thank you|thanks)\b",
        ),
        (
            "open_q",
            r"^(so |and |and so |um |well )?(what|how|why|where|when|tell me|"
            r"could you say|can you say|say more|would you say|i wonder what|describe)\b",
        ),
        (
            "closed_q",
            r"^(so |and |um |well )?(do|does|did|is|are|was|were|can|could|"
            r"would|will|have|has|had|should|any|anything|am)\b",
        ),
    )
)

_WORD_COUNT_EDGES = (0, 2, 5, 10, 20, 40)
_OVERLAP_EDGES = (0.0, 0.25, 0.5, 0.75)


@dataclass(slots=True)
class RawFeatures:
    """Counts per block (slot -> count) and cue values (slot -> value), before weighting."""

    blocks: dict[str, dict[int, int]] = field(default_factory=dict)
    cues: dict[int, float] = field(default_factory=dict)


def slot(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) & (DIM - 1)


def normalise(text: str) -> str:
    return " ".join(text.translate(_PUNCTUATION).lower().split())


def tokenise(normalised: str) -> list[str]:
    return _TOKEN.findall(normalised)


def _stem(word: str) -> str:
    # Crude, on purpose: "feeling"/"feel", "scared"/"scare", "walls"/"wall" match.
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content_stems(tokens: list[str]) -> set[str]:
    return {_stem(t) for t in tokens if t not in STOPWORDS and t not in "?!" and not t.isdigit()}


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    index = 0
    for i, edge in enumerate(edges):
        if value > edge:
            index = i + 1
    return index


def _count(counts: dict[int, int], name: str) -> None:
    index = slot(name)
    counts[index] = counts.get(index, 0) + 1


def extract(response: str, context: str | None = None) -> RawFeatures:
    """All features of one response, given the focuser's preceding words if known."""
    text = normalise(response)
    words = tokenise(text)
    raw = RawFeatures()

    w: dict[int, int] = {}
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            _count(w, "w:" + " ".join(words[i : i + n]))
    raw.blocks["w"] = w

    c: dict[int, int] = {}
    for piece in text.split():
        padded = f" {piece} "
        for n in (2, 3, 4, 5):
            for i in range(len(padded) - n + 1):
                _count(c, "c:" + padded[i : i + n])
    raw.blocks["c"] = c

    cues = raw.cues

    def cue(name: str, value: float = 1.0) -> None:
        if value:
            index = slot("f:" + name)
            cues[index] = cues.get(index, 0.0) + value

    plain = [t for t in words if t not in "?!"]
    cue("bias")
    cue(f"len:{_bucket(len(plain), _WORD_COUNT_EDGES)}")
    if not plain:
        cue("empty")
    if "?" in text:
        cue("q:any")
    if text.endswith("?"):
        cue("q:end")
    cue("q:count", min(text.count("?"), 3) / 3)
    if text.endswith("!"):
        cue("excl:end")

    sentences = [s for s in _SENTENCE_END.split(text) if s]
    cue(f"sentences:{min(len(sentences), 4)}")
    last_words = tokenise(sentences[-1]) if sentences else []
    for prefix, seq in (("s", words), ("ls", last_words)):
        seq = [t for t in seq if t not in "?!"]
        for n in (1, 2, 3):
            if len(seq) >= n:
                cue(f"{prefix}{n}:" + " ".join(seq[:n]))
        if seq:
            if seq[0] in _WH:
                cue(f"{prefix}:wh")
            elif seq[0] in _AUX:
                cue(f"{prefix}:aux")
    if plain and all(t in _BACKCHANNELS for t in plain) and len(plain) <= 4:
        cue("backchannel")

    first = sum(t in _FIRST_PERSON for t in plain)
    second = sum(t in _SECOND_PERSON for t in plain)
    if first or second:
        cue("pro:first_share", first / (first + second))
        cue("pro:i>you" if first > second else "pro:you>=i")
    else:
        cue("pro:none")

    for name, pattern in _CUES:
        for sentence_index, sentence in enumerate(sentences):
            if pattern.search(sentence):
                cue("cue:" + name)
                if sentence_index == len(sentences) - 1:
                    cue("cue_last:" + name)
                break

    if context is None or not context.strip():
        cue("ctx:none")
        return raw

    ctx_text = normalise(context)
    ctx_words = tokenise(ctx_text)
    x: dict[int, int] = {}
    for t in ctx_words:
        _count(x, "x:" + t)
    raw.blocks["x"] = x
    if ctx_text.endswith("?"):
        cue("ctx:q")

    mine = _content_stems(words)
    theirs = _content_stems(ctx_words)
    shared = mine & theirs
    novel = sorted(mine - theirs)
    n_block: dict[int, int] = {}
    for stem in novel:
        _count(n_block, "n:" + stem)
    raw.blocks["n"] = n_block

    overlap = len(shared) / len(mine) if mine else 0.0
    coverage = len(shared) / len(theirs) if theirs else 0.0
    swapped = [_SWAP.get(t, t) for t in ctx_words if t not in "?!"]
    ctx_bigrams = set(zip(swapped, swapped[1:], strict=False))
    my_bigrams = list(zip(plain, plain[1:], strict=False))
    echoed = sum(b in ctx_bigrams for b in my_bigrams) / len(my_bigrams) if my_bigrams else 0.0

    ob = _bucket(overlap, _OVERLAP_EDGES)
    cue("ov:share", overlap)
    cue("ov:coverage", coverage)
    cue("ov:bigrams", echoed)
    cue(f"ov:b{ob}")
    cue(f"ov:bigram_b{_bucket(echoed, _OVERLAP_EDGES)}")
    cue(f"ov:novel{min(len(novel), 6)}")
    cue(f"ov:shared{min(len(shared), 4)}")
    # Conjunctions a linear model cannot form itself: echo *and* a question is a checking
    # question; echo *and* "maybe… really" is where saying back tips into interpretation.
    cue(f"ov:b{ob}:q{int(text.endswith('?'))}")
    cue(f"ov:b{ob}:p{'i' if first > second else 'you'}")
    for name, _pattern in _CUES:
        if slot("f:cue:" + name) in cues:
            cue(f"ov:b{ob}:{name}")
    return raw


# -- directive forms ----------------------------------------------------------------------

# The issue's own definition of advice: "you should", "why don't you", "try…", and
# imperatives. The corpus deliberately varies its openings, so it holds few of these plain
# forms and the learned weights alone under-rate them; the classifier adds a fixed boost to
# advice when one appears (see DIRECTIVE_BOOST in training.py).
_DIRECTIVE_STATEMENT = re.compile(
    r"\byou (should|shouldn't|ought to|need to|have to|had better|could try|might try|"
    r"might want to|may want to)\b|\bit (might|would|could) (help|be good|be worth)\b"
)
_DIRECTIVE_ANYWHERE = re.compile(
    r"\bwhy (don't|not) (you|try)\b|\bi('d| would) (suggest|recommend|advise)\b|"
    r"\bhave you (tried|thought about|considered)\b"
)
# Verbs that, opening a sentence, tell someone what to do; words that are as often nouns
# ("sleep", "call", "email") or open an invitation ("tell me about it") are left out.
_IMPERATIVE_VERBS = frozenset(
    """
    try talk make find write keep stop start create seek contact reach remember consider
    avoid focus breathe stay put give join practise eat think don't
    """.split()
)
_NOT_IMPERATIVE = ("don't worry", "take your time", "keep going", "think about it")


def is_directive(response: str, context: str | None = None) -> bool:
    """Whether the response tells the focuser what to do in one of the plain directive forms,
    and not because it says back the focuser's own "I should…" (that is reflection)."""
    text = normalise(response)
    echoed = ""
    if context:
        echoed = " ".join(_SWAP.get(t, t) for t in tokenise(normalise(context)))
    for sentence in _SENTENCE_END.split(text):
        question = sentence.rstrip().endswith("?")
        match = _DIRECTIVE_ANYWHERE.search(sentence) or (
            None if question else _DIRECTIVE_STATEMENT.search(sentence)
        )
        if match and match.group(0) not in echoed:
            return True
        words = [t for t in tokenise(sentence) if t not in "?!"]
        opening = " ".join(words[:2])
        # An imperative opens a sentence that is not a question ("Don't you think…?" is).
        if (
            words
            and words[0] in _IMPERATIVE_VERBS
            and not question
            and not sentence.startswith(_NOT_IMPERATIVE)
            and opening not in echoed
        ):
            return True
    return False
