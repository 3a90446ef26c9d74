"""Practice mode's material: what focusers say, how each could be said back, and why it matters.

Plain Python, no Django: the statements, a hand-written example of saying back for each (built
from the statement's own words, as a listener would), and for every kind of response the
classifier can hear, one or two kind sentences on why it matters in a Focusing Partnership.
All of it is our own writing. The texts are marked with `_` so that `makemessages` finds them;
the templates translate them when they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass


def _(text: str) -> str:
    """Marks a text for translation; it is translated where it is shown, not here."""
    return text


REFLECTION = "reflection"


# The longest answer the coach listens to at once; a guard, far beyond a spoken saying back.
RESPONSE_MAXIMUM_CHARACTERS = 2000


@dataclass(frozen=True)
class Statement:
    """Something a focuser might say in their turn, and one way a listener could say it back."""

    id: str
    theme: str
    text: str
    example: str


@dataclass(frozen=True)
class Kind:
    """A kind of response, as the coach names it to the member, and why it matters."""

    label: str
    name: str
    why: str


@dataclass(frozen=True)
class Feedback:
    """What the coach says about one answer: the kind it heard, why it matters, an example."""

    statement: Statement
    kind: Kind
    # The statement's example of saying back; None when the member already said it back.
    example: str | None

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def is_reflection(self) -> bool:
        return self.kind.label == REFLECTION


THEMES = {
    "clients": _("Work with clients"),
    "colleagues": _("Colleagues"),
    "family": _("Family"),
    "body": _("The body"),
    "stuck": _("A stuck moment"),
}

KINDS = {
    kind.label: kind
    for kind in (
        Kind(
            "reflection",
            _("saying back (a reflection)"),
            _(
                "You gave the focuser their own words back, so they can hear themselves and "
                "check them against what they sense inside: this is the heart of listening in "
                "a Focusing Partnership. A little silence after it leaves them room to say "
                "\u201cyes, that\u2019s it\u201d or to find a word that fits better."
            ),
        ),
        Kind(
            "open_question",
            _("an open question"),
            _(
                "Now and then an open question can invite the focuser to pause and sense the "
                "whole of something, and that can be welcome. Still, each question gives them a "
                "task from outside; saying their words back first often lets the next step "
                "come on its own."
            ),
        ),
        Kind(
            "closed_question",
            _("a closed question"),
            _(
                "A question that wants a yes, a no or a fact asks the focuser to step out of "
                "sensing and report to you. You don\u2019t need the facts in a Focusing "
                "Partnership; their own words, said back, keep them close to what they feel."
            ),
        ),
        Kind(
            "advice",
            _("advice or a suggestion"),
            _(
                "The focuser\u2019s next step comes from inside, from what they sense, and "
                "advice, however kindly meant, pulls their attention out to your idea. Saying "
                "back what they said leaves them free to find the step that truly fits them."
            ),
        ),
        Kind(
            "information",
            _("information or teaching"),
            _(
                "Facts and explanations turn the focuser towards thinking about their "
                "situation, away from how it is in them right now. In their turn your part is "
                "to receive, and their own words are enough."
            ),
        ),
        Kind(
            "interpretation",
            _("an interpretation"),
            _(
                "Telling the focuser what lies underneath puts your meaning in the place of "
                "theirs, and they may feel steered or unheard. Only they can sense what it "
                "really is; their own words, said back, help them check."
            ),
        ),
        Kind(
            "reassurance",
            _("reassurance or praise"),
            _(
                "Comfort comes from a warm heart, yet it can quietly ask the focuser to feel "
                "better than they do. Staying with exactly what they said tells them it is all "
                "right to feel it, which is often the deeper reassurance."
            ),
        ),
        Kind(
            "self_disclosure",
            _("sharing your own experience"),
            _(
                "Your own story, however close to theirs, moves the attention to you, and the "
                "focuser may start looking after you. This turn is wholly theirs; yours will "
                "come."
            ),
        ),
        Kind(
            "other",
            _("something the coach could not place"),
            _(
                "The coach could not hear this as one of the usual kinds of response. In a "
                "Focusing Partnership the surest help is to say back a few of the focuser\u2019s "
                "own words, gently, and then wait with them."
            ),
        ),
    )
}

# Each theme in turn, so that "another statement" brings variety.
STATEMENTS = (
    # -- work with clients -----------------------------------------------------------------
    Statement(
        "client-fist",
        "clients",
        _(
            "There\u2019s a client I keep moving to the end of my week. When I think of her "
            "name, something in my stomach goes tight, like a fist."
        ),
        _(
            "When you think of her name, something in your stomach goes tight, like a fist, "
            "and you keep moving her to the end of your week."
        ),
    ),
    Statement(
        "colleague-meeting",
        "colleagues",
        _(
            "In the team meeting my idea was passed over, and then someone else said the same "
            "thing and everyone nodded. My face went hot and I went quiet."
        ),
        _(
            "Your idea was passed over, then everyone nodded when someone else said the same "
            "thing, and your face went hot and you went quiet."
        ),
    ),
    Statement(
        "family-mother-call",
        "family",
        _(
            "My mother phoned again and I let it ring. Now there\u2019s guilt, and under the "
            "guilt something else, something tired and old."
        ),
        _(
            "You let your mother\u2019s call ring, and now there\u2019s guilt, and under the "
            "guilt something tired and old."
        ),
    ),
    Statement(
        "body-chest-band",
        "body",
        _(
            "There\u2019s a band around my chest. Not painful exactly, more like it\u2019s "
            "holding something in."
        ),
        _(
            "A band around your chest, not painful exactly, more like it\u2019s holding "
            "something in."
        ),
    ),
    Statement(
        "stuck-decision",
        "stuck",
        _(
            "I\u2019ve been going back and forth about this decision for weeks. Every time I "
            "think I\u2019ve settled it, something in me says no, not yet."
        ),
        _(
            "Back and forth for weeks, and every time you think you\u2019ve settled it, "
            "something in you says no, not yet."
        ),
    ),
    Statement(
        "client-cried",
        "clients",
        _(
            "A client cried in our session today and I just sat there. I didn\u2019t know what "
            "to do, and now there\u2019s this hollow feeling, as if I failed him."
        ),
        _(
            "He cried and you sat there, not knowing what to do, and now there\u2019s a hollow "
            "feeling, as if you failed him."
        ),
    ),
    Statement(
        "colleague-manager",
        "colleagues",
        _(
            "My manager asked to see me on Friday and didn\u2019t say why. Since then "
            "there\u2019s been a low hum of dread, right here under my ribs."
        ),
        _(
            "Since your manager asked to see you on Friday without saying why, there\u2019s "
            "been a low hum of dread under your ribs."
        ),
    ),
    Statement(
        "family-son-door",
        "family",
        _(
            "My son barely talks to me these days. Sometimes I stand at his door and don\u2019t "
            "knock, and there\u2019s a heaviness in my throat."
        ),
        _(
            "Your son barely talks to you, and you stand at his door and don\u2019t knock, with "
            "a heaviness in your throat."
        ),
    ),
    Statement(
        "body-jaw",
        "body",
        _(
            "I\u2019ve noticed I clench my jaw all day. When I let it go, something wobbly "
            "comes up, almost like I might cry."
        ),
        _(
            "You clench your jaw all day, and when you let it go something wobbly comes up, "
            "almost like you might cry."
        ),
    ),
    Statement(
        "stuck-report",
        "stuck",
        _(
            "I sit down to write the report and my mind goes blank. It\u2019s not laziness, "
            "it\u2019s more like a door that won\u2019t open."
        ),
        _(
            "Your mind goes blank when you sit down to write the report, and it\u2019s not "
            "laziness, more like a door that won\u2019t open."
        ),
    ),
    Statement(
        "client-ending",
        "clients",
        _(
            "My client wants to stop coming. I said all the right things, but underneath "
            "there\u2019s something sore that hasn\u2019t found its words yet."
        ),
        _(
            "Your client wants to stop coming, you said the right things, and underneath "
            "there\u2019s something sore that hasn\u2019t found its words yet."
        ),
    ),
    Statement(
        "colleague-leaving",
        "colleagues",
        _(
            "My closest colleague is leaving in a month. I keep saying it\u2019s fine, "
            "it\u2019s a good move for her, but when I picture her empty desk something drops."
        ),
        _(
            "You keep saying it\u2019s fine, a good move for her, and when you picture her "
            "empty desk something drops."
        ),
    ),
    Statement(
        "family-sister",
        "family",
        _(
            "My sister and I haven\u2019t spoken since the funeral. Part of me wants to call "
            "her, and part of me goes stiff just thinking about it."
        ),
        _(
            "Part of you wants to call your sister, and part of you goes stiff just thinking "
            "about it."
        ),
    ),
    Statement(
        "body-stomach-knot",
        "body",
        _(
            "When I sit quietly and ask how this whole thing feels, there\u2019s a knot low in "
            "my stomach. It\u2019s dense, and sort of dark."
        ),
        _(
            "When you sit quietly with the whole thing, there\u2019s a knot low in your "
            "stomach, dense and sort of dark."
        ),
    ),
    Statement(
        "stuck-tip-of-tongue",
        "stuck",
        _(
            "There\u2019s something about all this I can\u2019t quite get hold of. It\u2019s "
            "right on the edge, like a word on the tip of my tongue."
        ),
        _(
            "Something in all this you can\u2019t quite get hold of, right on the edge, like a "
            "word on the tip of your tongue."
        ),
    ),
    Statement(
        "client-wet-sand",
        "clients",
        _(
            "Some days my caseload feels like wet sand. I keep walking, but every step is "
            "heavier, and I\u2019m not sure how long I can keep it up."
        ),
        _(
            "Your caseload feels like wet sand, every step heavier, and you\u2019re not sure "
            "how long you can keep walking."
        ),
    ),
    Statement(
        "colleague-carrying",
        "colleagues",
        _(
            "I feel like I\u2019m carrying the whole team. Nobody asks me to, exactly, but if "
            "I put it down I\u2019m afraid everything will fall apart."
        ),
        _(
            "You\u2019re carrying the whole team, nobody exactly asks you to, and you\u2019re "
            "afraid that if you put it down everything will fall apart."
        ),
    ),
    Statement(
        "family-same-argument",
        "family",
        _(
            "My partner and I had the same argument again last night. It\u2019s like "
            "we\u2019re both stuck on a track, and I can feel the tiredness of it in my "
            "shoulders."
        ),
        _(
            "The same argument again, like you\u2019re both stuck on a track, and you feel the "
            "tiredness of it in your shoulders."
        ),
    ),
    Statement(
        "body-grey-weight",
        "body",
        _(
            "I\u2019m tired in a way sleep doesn\u2019t touch. It\u2019s in my bones, a kind of grey weight."
        ),
        _("Tired in a way sleep doesn\u2019t touch, in your bones, a kind of grey weight."),
    ),
    Statement(
        "stuck-yes-for-no",
        "stuck",
        _(
            "I\u2019m doing it again, saying yes when I mean no. I can see it happening and "
            "still I can\u2019t stop it."
        ),
        _(
            "Saying yes when you mean no, again, and you can see it happening and still "
            "can\u2019t stop it."
        ),
    ),
    Statement(
        "client-shouted",
        "clients",
        _(
            "A client shouted at me last week. I stayed calm on the outside, but my hands were "
            "shaking afterwards, and I still feel it in my arms."
        ),
        _(
            "You stayed calm on the outside when your client shouted, your hands were shaking "
            "afterwards, and you still feel it in your arms."
        ),
    ),
    Statement(
        "colleague-careless",
        "colleagues",
        _(
            "A colleague said my notes were careless. It was one small remark, but it\u2019s "
            "been going round and round in my head for three days."
        ),
        _(
            "One small remark that your notes were careless, and it\u2019s been going round and "
            "round in your head for three days."
        ),
    ),
    Statement(
        "family-father-ill",
        "family",
        _(
            "My father is ill and I\u2019m the one who lives closest. I love him, and I also "
            "feel trapped, and I hate that I feel trapped."
        ),
        _("You love your father, and you also feel trapped, and you hate that you feel trapped."),
    ),
    Statement(
        "body-throat-guard",
        "body",
        _(
            "Whenever I try to say what I want, my throat closes up. It\u2019s like the words "
            "are there but something is standing guard."
        ),
        _(
            "When you go to say what you want, your throat closes up, as if the words are "
            "there but something is standing guard."
        ),
    ),
    Statement(
        "stuck-avoided-email",
        "stuck",
        _(
            "There\u2019s an email I\u2019ve been avoiding for two weeks. Just seeing it in my "
            "inbox gives me a little lurch."
        ),
        _(
            "An email you\u2019ve been avoiding for two weeks, and just seeing it in your inbox "
            "gives you a little lurch."
        ),
    ),
    Statement(
        "client-left-behind",
        "clients",
        _(
            "One of my clients is finally doing better, and I should be glad. There\u2019s "
            "gladness, yes, and also something like an ache, as if I\u2019m being left behind."
        ),
        _(
            "There\u2019s gladness that your client is finally doing better, and also something "
            "like an ache, as if you\u2019re being left behind."
        ),
    ),
    Statement(
        "colleague-praise-wall",
        "colleagues",
        _(
            "My supervisor praised my work today and I could hardly take it in. It\u2019s as "
            "if there\u2019s a wall, and the nice words just slide off it."
        ),
        _(
            "Your supervisor\u2019s praise was hard to take in, as if there\u2019s a wall and "
            "the nice words just slide off it."
        ),
    ),
    Statement(
        "family-holiday-bracing",
        "family",
        _(
            "The family holiday is coming up and I\u2019m already bracing. It\u2019s as if my "
            "whole body is getting ready for something, though nothing has happened yet."
        ),
        _(
            "Already bracing for the family holiday, your whole body getting ready for "
            "something, though nothing has happened yet."
        ),
    ),
    Statement(
        "body-morning-lightness",
        "body",
        _(
            "After my walk this morning there was a lightness in my chest I haven\u2019t felt "
            "in months. I want to stay with it a little."
        ),
        _(
            "A lightness in your chest after your walk, one you haven\u2019t felt in months, "
            "and you want to stay with it a little."
        ),
    ),
    Statement(
        "stuck-waiting-room",
        "stuck",
        _(
            "Everything feels on hold until I hear back about the test results. I can\u2019t "
            "settle into anything; it\u2019s like living in a waiting room."
        ),
        _(
            "Everything on hold until you hear about the results, and you can\u2019t settle "
            "into anything, like living in a waiting room."
        ),
    ),
    Statement(
        "client-late-messages",
        "clients",
        _(
            "She messages me late at night, and each time my phone lights up I get a jolt in "
            "my chest. I don\u2019t want to be the person who says no."
        ),
        _(
            "Each time your phone lights up late at night there\u2019s a jolt in your chest, "
            "and you don\u2019t want to be the person who says no."
        ),
    ),
    Statement(
        "colleague-rope",
        "colleagues",
        _(
            "Two people on my team aren\u2019t speaking to each other, and somehow I\u2019ve "
            "ended up in the middle. I feel stretched thin, like a rope between them."
        ),
        _(
            "You\u2019ve ended up in the middle of two people who aren\u2019t speaking, "
            "stretched thin, like a rope between them."
        ),
    ),
    Statement(
        "family-daughter-abroad",
        "family",
        _(
            "My daughter is moving abroad. I\u2019m proud of her, truly, and there\u2019s also "
            "an empty place opening up that I don\u2019t know what to do with."
        ),
        _(
            "You\u2019re truly proud of your daughter, and there\u2019s also an empty place "
            "opening up that you don\u2019t know what to do with."
        ),
    ),
    Statement(
        "body-restless-legs",
        "body",
        _(
            "My legs are restless, like they want to run somewhere. I don\u2019t know where. "
            "Just away, maybe."
        ),
        _(
            "Your legs are restless, like they want to run somewhere, you don\u2019t know "
            "where, just away."
        ),
    ),
    Statement(
        "stuck-two-parts",
        "stuck",
        _(
            "One part of me wants to leave this job and another part is terrified of leaving. "
            "They\u2019re pulling so hard I can\u2019t move."
        ),
        _(
            "One part of you wants to leave this job and another part is terrified of leaving, "
            "pulling so hard you can\u2019t move."
        ),
    ),
    Statement(
        "client-stone-in-pocket",
        "clients",
        _(
            "Something my client told me touched my own childhood. I held it together in the "
            "room, but it\u2019s been with me all week, like a stone in my pocket."
        ),
        _(
            "What your client told you touched your own childhood, and it\u2019s been with you "
            "all week, like a stone in your pocket."
        ),
    ),
    Statement(
        "colleague-new-job",
        "colleagues",
        _(
            "I start a new job on Monday. There\u2019s excitement, and there\u2019s also a "
            "fluttery, unsettled feeling, and I can\u2019t tell which one is bigger."
        ),
        _(
            "Excitement about the new job, and a fluttery, unsettled feeling too, and you "
            "can\u2019t tell which one is bigger."
        ),
    ),
    Statement(
        "family-grandmother-recipes",
        "family",
        _(
            "I found my grandmother\u2019s recipe book while clearing a cupboard, and I just "
            "sat on the floor holding it. Something warm and sad at the same time."
        ),
        _(
            "You sat on the floor holding your grandmother\u2019s recipe book, and there\u2019s "
            "something warm and sad at the same time."
        ),
    ),
    Statement(
        "body-shoulders-weather",
        "body",
        _(
            "My shoulders are up near my ears again. It feels like bracing against weather "
            "that hasn\u2019t arrived."
        ),
        _(
            "Your shoulders up near your ears again, like bracing against weather that "
            "hasn\u2019t arrived."
        ),
    ),
    Statement(
        "stuck-guilty-rest",
        "stuck",
        _(
            "I know I need a break, but when I stop, I feel guilty, so I keep going. Round and "
            "round."
        ),
        _("When you stop you feel guilty, so you keep going, round and round."),
    ),
    Statement(
        "client-drop-in-ocean",
        "clients",
        _(
            "Whatever I offer my clients feels like a drop in the ocean. A kind of greyness "
            "comes over me when I open my diary in the morning."
        ),
        _(
            "What you offer feels like a drop in the ocean, and a greyness comes over you when "
            "you open your diary in the morning."
        ),
    ),
    Statement(
        "colleague-borrowed-coat",
        "colleagues",
        _(
            "Everyone at work seems so sure of themselves. I sit in those rooms feeling small, "
            "like I\u2019m wearing someone else\u2019s coat."
        ),
        _(
            "Everyone at work seems so sure, and you sit in those rooms feeling small, like "
            "you\u2019re wearing someone else\u2019s coat."
        ),
    ),
    Statement(
        "family-invisible-helper",
        "family",
        _(
            "At family dinners I turn into the helpful one again, the one who clears up and "
            "keeps the peace. Afterwards I feel strangely invisible."
        ),
        _(
            "At family dinners you\u2019re the helpful one again, clearing up and keeping the "
            "peace, and afterwards you feel strangely invisible."
        ),
    ),
    Statement(
        "body-fog",
        "body",
        _(
            "When I try to feel into it, there\u2019s just nothing. A blank. Like a fog where "
            "something should be."
        ),
        _("When you feel into it there\u2019s a blank, like a fog where something should be."),
    ),
    Statement(
        "stuck-something-shifted",
        "stuck",
        _(
            "Oh. Something just shifted a little, as I was saying that. It\u2019s softer now, "
            "and there\u2019s a bit more room."
        ),
        _(
            "Something shifted a little as you were saying that; it\u2019s softer now, with a "
            "bit more room."
        ),
    ),
)

_BY_ID = {statement.id: statement for statement in STATEMENTS}


def statement_by_id(statement_id: str) -> Statement | None:
    """The statement with this id, or None for an id we never wrote."""
    return _BY_ID.get(statement_id)


def statement_after(statement: Statement) -> Statement:
    """The statement that follows, from the next theme; after the last comes the first."""
    index = STATEMENTS.index(statement)
    return STATEMENTS[(index + 1) % len(STATEMENTS)]


def feedback_for(*, statement: Statement, label: str) -> Feedback:
    """What the coach says when it heard `label`: anything unknown is "other"."""
    kind = KINDS.get(label, KINDS["other"])
    return Feedback(
        statement=statement,
        kind=kind,
        example=None if kind.label == REFLECTION else statement.example,
    )
