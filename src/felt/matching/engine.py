"""The matching engine: which members of the partner directory to propose to each other.

Plain Python and numpy, with no Django: members in, pairs out. The Django app around it
(`services.run_round`) loads the members who are looking, calls `match`, and stores the pairs
as proposals.

A pair is possible only when all of these hold (the hard constraints):

- they share a language;
- they share a way to meet: video, or phone, or in person when both gave the same area;
- each one's wish for a partner from a helping profession is met by the other;
- in every week of the horizon (six weeks from the next UTC midnight, on real dates, so with
  each zone's clock changes where they fall) they are both free for one unbroken stretch as
  long as the shorter of their two session lengths;
- they were never proposed to each other before, neither has blocked the other, and they
  have never been partners (the caller passes these pairs as `excluded`).

A possible pair scores, from most to least important:

- `PAIR_POINTS` for the pair itself, worth more than any difference below: two partnerships
  always outweigh one, so the round pairs as many people as it can;
- `OVERLAP_POINTS` for each half hour a week they are both free (the least of the horizon's
  weeks), up to `OVERLAP_CAP_SLOTS`: a partnership meets for an hour or two a week, and
  beyond eight shared hours more is not better;
- `CADENCE_POINTS` when both want the same rhythm (weekly, or every two weeks);
- `EXPERIENCE_POINTS` for the mix of Focusing experience: a new focuser with a seasoned one
  or a trainer is best, two new focusers least.

The weights keep that order: one shared half hour (10) is worth more than the cadence and
the experience mix together (6 + 3).

`match` maximises the total score over the chosen pairs, approximately and fast enough for
tens of thousands of members:

1. Candidate pairs. Members are grouped in blocks of a language and a way to meet (in person:
   also an area); two members can only be a pair if they share a block. Within a block,
   every member is indexed under each half hour of the (reference) UTC week where an hour's
   session of theirs could begin in some week of the horizon, and two members can only be a
   pair if they share such a half hour. In a small block every two members are candidates;
   in a large one each member is set beside a few neighbours at each of their half hours, in
   an order that puts members with similar weeks together (min-hashing of those half hours),
   so a pair sharing many half hours is likely to meet. The candidates are scored by an
   optimistic estimate, each member's best `probe` are scored exactly, and each member keeps
   its best `keep` possible pairs. Anyone left with fewer than `least` is compared exactly
   with everyone in their blocks who shares such a half hour, so nobody who could be matched
   is missed for want of a candidate (and `Matching.matchable` is exact).
2. Greedy: the possible pairs by falling score, each taken when both are still free.
3. As many pairs as the possible pairs allow: Edmonds' blossom algorithm grows the greedy
   matching along augmenting paths until there are none.
4. Local improvement: from each member, a bounded Lin-Kernighan-style search for a swap
   along an alternating path or cycle (up to `depth` new pairs) that raises the total,
   within a fixed amount of work in all (`Tuning.effort`). The search takes the members
   left without a partner best first (highest running gain first), not depth first, so it
   reaches the long swaps that the last percent of preference points needs.

Everything is ordered by member id and seeded by constants, so the same members give the same
pairs, in whatever order they are passed in.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from heapq import heappop, heappush

import numpy as np

from . import availability
from .availability import SLOT_MINUTES, SLOTS_PER_WEEK, Horizon

WAYS = ("video", "phone", "in_person")
CADENCES = ("weekly", "fortnightly")
EXPERIENCE = ("new", "trained", "seasoned", "trainer")
SESSION_MINUTES = (60, 90, 120)

PAIR_POINTS = 1000
OVERLAP_POINTS = 10
OVERLAP_CAP_SLOTS = 16
CADENCE_POINTS = 6
# Indexed by the two members' levels (EXPERIENCE order).
EXPERIENCE_POINTS = (
    (0, 1, 3, 3),  # new with new, trained, seasoned, trainer
    (1, 2, 2, 2),  # trained
    (3, 2, 2, 2),  # seasoned
    (3, 2, 2, 2),  # trainer
)
MOST_POINTS = PAIR_POINTS + OVERLAP_POINTS * OVERLAP_CAP_SLOTS + CADENCE_POINTS + 3

_VIDEO, _PHONE, _IN_PERSON = 1, 2, 4
_WAY_BITS = {"video": _VIDEO, "phone": _PHONE, "in_person": _IN_PERSON}
_SHORTEST_RUN = min(SESSION_MINUTES) // SLOT_MINUTES


@dataclass(frozen=True)
class Seeker:
    """A member looking for a partner, as the engine needs them.

    `availability` holds half hours of the member's week in their own time zone (0 is Monday
    00:00 to 00:30). `area` matters only for meeting in person; two areas are the same when
    they are written the same, ignoring case and spacing.
    """

    id: int
    time_zone: str
    availability: frozenset[int]
    languages: frozenset[str]
    ways: frozenset[str]
    area: str = ""
    cadence: str = "weekly"
    experience: str = "new"
    helper: bool = False
    helpers_only: bool = False
    session_minutes: int = 60

    def __post_init__(self) -> None:
        if not self.ways <= set(WAYS):
            raise ValueError(f"unknown ways to meet {sorted(self.ways - set(WAYS))}")
        if self.cadence not in CADENCES:
            raise ValueError(f"unknown cadence {self.cadence!r}")
        if self.experience not in EXPERIENCE:
            raise ValueError(f"unknown experience {self.experience!r}")
        if self.session_minutes not in SESSION_MINUTES:
            raise ValueError(
                f"session length {self.session_minutes} is not one of {SESSION_MINUTES}"
            )
        if any(not 0 <= slot < SLOTS_PER_WEEK for slot in self.availability):
            raise ValueError("a half hour outside the week")
        availability.zone(self.time_zone)  # raises UnknownTimeZone


def normal_area(area: str) -> str:
    return " ".join(area.casefold().split())


@dataclass(frozen=True)
class Pair:
    a: int  # the smaller member id
    b: int
    score: int
    weekly_overlap_minutes: int  # both free, in the least of the horizon's weeks
    session_minutes: int  # the shorter of the two
    languages: tuple[str, ...]
    ways: tuple[str, ...]  # the ways to meet they share (in person only with the same area)


@dataclass(frozen=True)
class Matching:
    pairs: tuple[Pair, ...]
    seekers: int
    # Members with at least one possible partner: no matching can pair more than these.
    matchable: int
    candidate_pairs: int  # possible pairs the matching chose from
    stats: dict = field(default_factory=dict, compare=False)

    @property
    def total_score(self) -> int:
        return sum(pair.score for pair in self.pairs)

    @property
    def matched(self) -> int:
        return 2 * len(self.pairs)


@dataclass(frozen=True)
class Tuning:
    """How hard `match` looks. The defaults are what the benchmark measures.

    Local improvement is given a fixed amount of work a pass (`effort` steps, shared equally
    among the members), so its time hardly grows with the size: in a small directory each
    member's search can go deep and long (swaps of dozens of pairs), which is what brings
    the preference part of the total within about one percent of the exact optimum; in a
    large one every member has many good candidates, the greedy start is already close to
    the best, and a short search per member is enough. Directories up to `small` members
    also keep more candidates per member and get more work.
    """

    full_group: int = 160  # groups up to this size: every two members are candidates
    neighbours: int = 4  # in larger groups: each member's neighbours on either side
    hashes: int = 6  # orders used for the neighbours
    least: int = 3  # fewer possible pairs than this: compare with everyone exactly
    rounds: int = 12  # passes of local improvement at most
    chunk: int = 40_000  # pairs scored at once (memory)
    small: int = 2_000
    # None: chosen by size, (small directory, large directory).
    probe: int | None = None  # candidates per member scored exactly: 64, 24
    keep: int | None = None  # possible pairs per member kept for the matching: 32, 12
    depth: int = 32  # new pairs in one move of local improvement, at most
    breadth: int = 10  # next steps tried from each member in that search, at most
    # Steps of that search in one pass, shared among the members: 40,000,000, 3,000,000.
    effort: int | None = None

    def for_size(self, members: int) -> Tuning:
        small = members <= self.small
        chosen = {
            "probe": 64 if small else 24,
            "keep": 32 if small else 12,
            "effort": 40_000_000 if small else 3_000_000,
        }
        return replace(
            self, **{name: value for name, value in chosen.items() if getattr(self, name) is None}
        )


# -- the members as arrays -----------------------------------------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fixed, well-spread hash of 64-bit integers."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX_1
        z = (z ^ (z >> np.uint64(27))) * _MIX_2
        return z ^ (z >> np.uint64(31))


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (numpy's own unique hashes, which is slow for this)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def _shifted(words: np.ndarray, k: int) -> np.ndarray:
    """Bit t of the result is bit t + k of `words` (rows of little-endian 64-bit words)."""
    out = words >> np.uint64(k)
    out[:, :-1] |= words[:, 1:] << np.uint64(64 - k)
    return out


def _popcount(words: np.ndarray) -> np.ndarray:
    return np.bitwise_count(words).sum(axis=-1, dtype=np.int32)


class _Members:
    """The seekers, sorted by id, as arrays the scoring works on."""

    def __init__(self, seekers: Iterable[Seeker], excluded: Iterable[tuple[int, int]], horizon):
        self.seekers = sorted(seekers, key=lambda seeker: seeker.id)
        self.horizon = horizon
        ids = [seeker.id for seeker in self.seekers]
        if len(set(ids)) != len(ids):
            raise ValueError("a member appears twice")
        n = self.n = len(ids)
        self.ids = np.array(ids, dtype=np.int64)
        self.index = {member_id: i for i, member_id in enumerate(ids)}

        self.words = -(-horizon.slots // 64)
        self.bits = np.zeros((n, self.words), dtype=np.uint64)
        by_zone: dict[str, list[int]] = {}
        for i, seeker in enumerate(self.seekers):
            by_zone.setdefault(seeker.time_zone, []).append(i)
        for zone_name, rows in by_zone.items():
            grids = np.zeros((len(rows), SLOTS_PER_WEEK), dtype=bool)
            for k, i in enumerate(rows):
                slots = self.seekers[i].availability
                if slots:
                    grids[k, list(slots)] = True
            free = availability.utc_availability(grids, zone_name, horizon)
            self.bits[rows] = availability.words_for(free)

        week_masks = np.zeros((horizon.weeks, horizon.slots), dtype=bool)
        for week in range(horizon.weeks):
            week_masks[week, week * SLOTS_PER_WEEK : (week + 1) * SLOTS_PER_WEEK] = True
        self.week_masks = availability.words_for(week_masks)

        # Each member's free half hours and one-hour starts folded onto one reference week
        # (free in some week of the horizon): an optimistic summary for finding candidates.
        free_weeks = availability.bools_for(self.bits, horizon.week_slots).reshape(
            n, horizon.weeks, SLOTS_PER_WEEK
        )
        self.folded = availability.words_for(free_weeks.any(axis=1))
        del free_weeks
        # Where a session of each length could begin, folded the same way: two members can
        # only be a pair if they share such a half hour for the shorter of their lengths.
        runs = self.bits
        self.folded_starts: dict[int, np.ndarray] = {}
        for length in range(2, max(SESSION_MINUTES) // SLOT_MINUTES + 1):
            runs = runs & _shifted(self.bits, length - 1)
            starts_weeks = availability.bools_for(runs, horizon.week_slots).reshape(
                n, horizon.weeks, SLOTS_PER_WEEK
            )
            folded_starts = starts_weeks.any(axis=1)
            if length == _SHORTEST_RUN:
                self.starts = folded_starts  # (n, 336) booleans, for finding candidates
            self.folded_starts[length] = availability.words_for(folded_starts)
            del starts_weeks, folded_starts
        del runs

        self.run = np.array(
            [seeker.session_minutes // SLOT_MINUTES for seeker in self.seekers], dtype=np.int8
        )
        self.ways = np.array(
            [sum(_WAY_BITS[way] for way in seeker.ways) for seeker in self.seekers], dtype=np.int8
        )
        areas: dict[str, int] = {}
        self.area = np.full(n, -1, dtype=np.int32)
        for i, seeker in enumerate(self.seekers):
            area = normal_area(seeker.area)
            if area and "in_person" in seeker.ways:
                self.area[i] = areas.setdefault(area, len(areas))
        self.cadence = np.array(
            [CADENCES.index(seeker.cadence) for seeker in self.seekers], dtype=np.int8
        )
        self.experience = np.array(
            [EXPERIENCE.index(seeker.experience) for seeker in self.seekers], dtype=np.int8
        )
        self.helper = np.array([seeker.helper for seeker in self.seekers], dtype=bool)
        self.helpers_only = np.array([seeker.helpers_only for seeker in self.seekers], dtype=bool)

        self.languages = sorted({code for seeker in self.seekers for code in seeker.languages})
        language_index = {code: k for k, code in enumerate(self.languages)}
        language_bits = np.zeros((n, max(1, len(self.languages))), dtype=bool)
        for i, seeker in enumerate(self.seekers):
            for code in seeker.languages:
                language_bits[i, language_index[code]] = True
        self.language_words = availability.words_for(language_bits)

        # Blocks of members who share a language and a way to meet (in person: in the same
        # area). Two members can only be a pair if they share a block.
        blocks: dict[tuple[str, str, int], list[int]] = {}
        for i, seeker in enumerate(self.seekers):
            for code in sorted(seeker.languages):
                for way in WAYS:
                    if way not in seeker.ways:
                        continue
                    if way == "in_person":
                        if self.area[i] >= 0:
                            blocks.setdefault((code, way, int(self.area[i])), []).append(i)
                    else:
                        blocks.setdefault((code, way, -1), []).append(i)
        self.blocks = {key: np.array(rows, dtype=np.int64) for key, rows in sorted(blocks.items())}
        self.blocks_of: list[list[tuple[str, str, int]]] = [[] for _ in range(n)]
        for key, rows in self.blocks.items():
            for i in rows.tolist():
                self.blocks_of[i].append(key)

        keys = []
        for first, second in excluded:
            i, j = self.index.get(first), self.index.get(second)
            if i is not None and j is not None and i != j:
                keys.append(self.key(min(i, j), max(i, j)))
        self.excluded = _distinct(np.array(keys, dtype=np.int64))

    def key(self, i, j):
        """One integer for the pair of member indices i < j."""
        return i * np.int64(self.n) + j

    def allowed(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Everything but time: language, way to meet, profession wishes, never proposed."""
        language = (self.language_words[i] & self.language_words[j]).any(axis=1)
        shared = self.ways[i] & self.ways[j]
        way = ((shared & (_VIDEO | _PHONE)) != 0) | (
            ((shared & _IN_PERSON) != 0) & (self.area[i] == self.area[j]) & (self.area[i] >= 0)
        )
        wishes = (~self.helpers_only[i] | self.helper[j]) & (~self.helpers_only[j] | self.helper[i])
        ok = language & way & wishes & (i != j)
        if self.excluded.size:
            keys = self.key(np.minimum(i, j), np.maximum(i, j))
            at = np.minimum(np.searchsorted(self.excluded, keys), self.excluded.size - 1)
            ok &= self.excluded[at] != keys
        return ok

    def preference_points(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        table = np.array(EXPERIENCE_POINTS, dtype=np.int32)
        return (
            CADENCE_POINTS * (self.cadence[i] == self.cadence[j]).astype(np.int32)
            + table[self.experience[i], self.experience[j]]
        )

    def estimate(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """An optimistic score (never below the exact one), or 0 where no pair is possible."""
        shared = _popcount(self.folded[i] & self.folded[j])
        run = np.minimum(self.run[i], self.run[j])
        can_begin = np.zeros(len(i), dtype=bool)
        for length, starts in self.folded_starts.items():
            these = run == length
            if these.any():
                can_begin[these] = (starts[i[these]] & starts[j[these]]).any(axis=1)
        ok = self.allowed(i, j) & can_begin
        score = (
            PAIR_POINTS
            + OVERLAP_POINTS * np.minimum(shared, OVERLAP_CAP_SLOTS)
            + self.preference_points(i, j)
        )
        return np.where(ok, score, 0).astype(np.int32)

    def exact(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The score of each pair (0 where the pair is not possible) and their weekly overlap
        in half hours (the least of the horizon's weeks)."""
        both = self.bits[i] & self.bits[j]
        run = np.minimum(self.run[i], self.run[j])
        starts = both & _shifted(both, 1)  # a one-hour stretch begins here
        longest = starts.copy()
        for k in range(2, int(run.max(initial=_SHORTEST_RUN))):
            starts = starts & _shifted(both, k)
            longer = run > k
            longest[longer] = starts[longer]
        masks = self.week_masks[None, :, :]
        session_every_week = ((longest[:, None, :] & masks) != 0).any(axis=2).all(axis=1)
        overlap = _popcount(both[:, None, :] & masks).min(axis=1)
        ok = self.allowed(i, j) & session_every_week
        score = (
            PAIR_POINTS
            + OVERLAP_POINTS * np.minimum(overlap, OVERLAP_CAP_SLOTS)
            + self.preference_points(i, j)
        )
        return np.where(ok, score, 0).astype(np.int32), overlap

    def chunked(self, method, i: np.ndarray, j: np.ndarray, chunk: int) -> np.ndarray:
        out = np.zeros(len(i), dtype=np.int32)
        for at in range(0, len(i), chunk):
            result = method(i[at : at + chunk], j[at : at + chunk])
            out[at : at + chunk] = result[0] if isinstance(result, tuple) else result
        return out

    def split(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return keys // self.n, keys % self.n


# -- candidates ----------------------------------------------------------------------------


def _best_per_member(
    members: _Members, i: np.ndarray, j: np.ndarray, score: np.ndarray, k: int
) -> np.ndarray:
    """Which pairs are among the `k` best of at least one of their two members."""
    if len(i) == 0:
        return np.zeros(0, dtype=bool)
    count = len(i)
    owner = np.concatenate([i, j])
    pair = np.concatenate([np.arange(count), np.arange(count)])
    # Ties go by a fixed hash, not by index, so that equal candidates are spread out rather
    # than everyone keeping the same few low-numbered members.
    tie = _mix(members.key(np.minimum(i, j), np.maximum(i, j)))
    tie = np.concatenate([tie, tie]) >> np.uint64(44)  # 20 bits
    rank_key = (
        owner.astype(np.int64) << np.int64(32)
        | (MOST_POINTS - np.concatenate([score, score])).astype(np.int64) << np.int64(20)
        | tie.astype(np.int64)
    )
    order = np.argsort(rank_key, kind="stable")
    owners = owner[order]
    first = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    sizes = np.diff(np.r_[first, len(owners)])
    rank = np.arange(len(owners)) - np.repeat(first, sizes)
    keep = np.zeros(count, dtype=bool)
    keep[pair[order[rank < k]]] = True
    return keep


@dataclass(frozen=True)
class _SlotIndex:
    """For one block: its members, and which of them could begin an hour at each half hour
    of the reference week (speakers[entries[first[s]:first[s + 1]]] for half hour s)."""

    speakers: np.ndarray
    entries: np.ndarray
    first: np.ndarray

    @classmethod
    def of(cls, members: _Members, block: tuple[str, str, int]) -> _SlotIndex:
        speakers = members.blocks[block]
        slot_of_entry, entries = np.nonzero(members.starts[speakers].T)
        first = np.searchsorted(slot_of_entry, np.arange(SLOTS_PER_WEEK + 1))
        return cls(speakers=speakers, entries=entries, first=first)

    def at(self, slot: int) -> np.ndarray:
        return self.entries[self.first[slot] : self.first[slot + 1]]


def _sampled_pairs(
    members: _Members, indexes: dict[tuple[str, str, int], _SlotIndex], tuning: Tuning
) -> np.ndarray:
    """Pair keys of candidates: members who could both begin an hour at some half hour."""
    rng = np.random.default_rng(20_260_401)
    permutations = np.stack([rng.permutation(SLOTS_PER_WEEK) for _ in range(tuning.hashes)])
    found: list[np.ndarray] = []
    for index in indexes.values():
        speakers = index.speakers
        if len(speakers) < 2:
            continue
        if len(speakers) <= tuning.full_group:
            # A small block: every two of its members are candidates.
            a, b = np.triu_indices(len(speakers), 1)
            found.append(members.key(speakers[a], speakers[b]))
            continue
        hashes = None
        language_pairs: list[np.ndarray] = []
        for slot in range(SLOTS_PER_WEEK):
            group = index.at(slot)
            size = len(group)
            if size < 2:
                continue
            if size <= tuning.full_group:
                a, b = np.triu_indices(size, 1)
                first, second = group[a], group[b]
            else:
                if hashes is None:
                    # Min-hashes of each speaker's possible starts: similar weeks, equal
                    # hashes, so neighbours in this order tend to share more than one time.
                    starts = members.starts[speakers]
                    hashes = np.stack(
                        [
                            np.where(starts, permutation[None, :], SLOTS_PER_WEEK).min(axis=1)
                            for permutation in permutations
                        ],
                        axis=1,
                    ).astype(np.int64)
                    del starts
                spread = _mix(
                    speakers[group].astype(np.uint64) * np.uint64(SLOTS_PER_WEEK) + np.uint64(slot)
                )
                order_key = (hashes[group, slot % tuning.hashes] << np.int64(40)) | (
                    spread >> np.uint64(24)
                ).astype(np.int64)
                ordered = group[np.argsort(order_key, kind="stable")]
                steps = np.arange(1, min(tuning.neighbours, size - 1) + 1)
                first = np.repeat(ordered, len(steps))
                second = ordered[(np.arange(size)[:, None] + steps[None, :]).ravel() % size]
            lo = speakers[np.minimum(first, second)]
            hi = speakers[np.maximum(first, second)]
            language_pairs.append(members.key(lo, hi))
        if language_pairs:
            found.append(_distinct(np.concatenate(language_pairs)))
    if not found:
        return np.zeros(0, dtype=np.int64)
    return _distinct(np.concatenate(found))


def _everyone_for(
    members: _Members, indexes: dict[tuple[str, str, int], _SlotIndex], i: int, tuning: Tuning
) -> tuple[np.ndarray, np.ndarray]:
    """Every possible partner of member i, with the pair's exact score: everyone in i's
    blocks who could begin an hour at one of the same half hours, checked exactly."""
    slots = np.flatnonzero(members.starts[i])
    found = [
        indexes[block].speakers[np.concatenate([indexes[block].at(int(slot)) for slot in slots])]
        for block in members.blocks_of[i]
        if len(slots)
    ]
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    others = _distinct(np.concatenate(found).astype(np.int64))
    others = others[others != i]
    mine = np.full(len(others), i, dtype=np.int64)
    hopeful = members.chunked(members.estimate, mine, others, tuning.chunk) > 0
    others, mine = others[hopeful], mine[hopeful]
    score = members.chunked(members.exact, mine, others, tuning.chunk)
    return others[score > 0], score[score > 0]


def _possible_pairs(members: _Members, tuning: Tuning) -> tuple[np.ndarray, np.ndarray, dict]:
    """Pair keys and exact scores of the possible pairs the matching chooses from."""
    stats: dict = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stats.setdefault("seconds_candidates", {})[name] = round(now - clock, 2)
        clock = now

    indexes = {block: _SlotIndex.of(members, block) for block in members.blocks}
    keys = _sampled_pairs(members, indexes, tuning)
    stats["sampled"] = int(len(keys))
    lap("sample")
    i, j = members.split(keys)
    estimate = members.chunked(members.estimate, i, j, tuning.chunk)
    hopeful = estimate > 0
    keys, i, j, estimate = keys[hopeful], i[hopeful], j[hopeful], estimate[hopeful]
    hopeful_keys, hopeful_i, hopeful_j = keys, i, j
    lap("estimate")
    probe = _best_per_member(members, i, j, estimate, tuning.probe)
    keys, i, j = keys[probe], i[probe], j[probe]
    stats["probed"] = int(len(keys))
    lap("probe")
    score = members.chunked(members.exact, i, j, tuning.chunk)
    possible = score > 0
    keys, i, j, score = keys[possible], i[possible], j[possible], score[possible]
    kept = _best_per_member(members, i, j, score, tuning.keep)
    keys, score = keys[kept], score[kept]
    lap("exact")

    # Members left without a possible pair: first every candidate the sampling found for
    # them, scored exactly, all at once; then, for those still alone, everyone.
    degree = np.bincount(np.concatenate(members.split(keys)), minlength=members.n)
    alone = degree < tuning.least
    unprobed = ~probe
    again = unprobed & (alone[hopeful_i] | alone[hopeful_j])
    if again.any():
        more = members.chunked(members.exact, hopeful_i[again], hopeful_j[again], tuning.chunk)
        found = more > 0
        more_keys, more = hopeful_keys[again][found], more[found]
        kept = _best_per_member(members, *members.split(more_keys), more, tuning.keep)
        keys = np.concatenate([keys, more_keys[kept]])
        score = np.concatenate([score, more[kept]])
        degree = np.bincount(np.concatenate(members.split(keys)), minlength=members.n)
    lap("alone")
    lonely = np.flatnonzero(degree < tuning.least)
    stats["searched_in_full"] = int(len(lonely))
    extra_keys, extra_scores = [keys], [score]
    for member in lonely:
        others, found = _everyone_for(members, indexes, int(member), tuning)
        if len(others) == 0:
            continue
        best = np.lexsort((others, -found))[: tuning.keep]
        others, found = others[best], found[best]
        extra_keys.append(members.key(np.minimum(member, others), np.maximum(member, others)))
        extra_scores.append(found)
    keys = np.concatenate(extra_keys)
    score = np.concatenate(extra_scores)
    order = np.argsort(keys, kind="stable")
    keys, score = keys[order], score[order]
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, dtype=bool)
    keys, score = keys[first], score[first]
    lap("lonely")
    return keys, score, stats


# -- choosing pairs ------------------------------------------------------------------------


def _greedy(n: int, i: list[int], j: list[int], order: Sequence[int]) -> list[int]:
    mate = [-1] * n
    for k in order:
        a, b = i[k], j[k]
        if mate[a] < 0 and mate[b] < 0:
            mate[a], mate[b] = b, a
    return mate


def _augment(n: int, neighbours: list[list[int]], mate: list[int]) -> int:
    """Grow the matching `mate` in place to the most pairs the possible pairs allow.

    Edmonds' blossom algorithm: from each member left alone, a search for an augmenting path
    (alternately unmatched and matched pairs from one lone member to another; swapping them
    pairs both), odd cycles contracted as they are met. A search that finds nothing retires
    every member it reached: no later search can use them (Edmonds' Hungarian trees), so the
    work stays near linear in the number of possible pairs. Returns how many pairs were added.
    """
    retired: set[int] = set()
    added = 0
    for root in range(n):
        if mate[root] >= 0 or not neighbours[root] or root in retired:
            continue
        end, parent, reached = _augmenting_path(root, neighbours, mate, retired)
        if end < 0:
            retired.update(reached)
            continue
        v = end
        while v >= 0:
            pv = parent[v]
            ppv = mate[pv]
            mate[v], mate[pv] = pv, v
            v = ppv
        added += 1
    return added


def _augmenting_path(
    root: int, neighbours: list[list[int]], mate: list[int], retired: set[int]
) -> tuple[int, dict[int, int], list[int]]:
    """One search of Edmonds' algorithm from the lone member `root`: the lone member the
    path ends at (or -1), the tree's parent links to follow back, and every member reached.

    The search state lives in dictionaries holding only the members it reaches, and a
    contracted cycle is a union-find set, so contracting costs the cycle's length, not the
    tree's size.
    """
    parent: dict[int, int] = {}
    joined: dict[int, int] = {}  # union-find over contracted cycles: member -> nearer its base
    outer = {root}
    reached = [root]
    queue = [root]

    def base_of(v: int) -> int:
        top = v
        while top in joined:
            top = joined[top]
        while v != top:  # shorten the way for next time
            joined[v], v = top, joined[v]
        return top

    def common_base(a: int, b: int) -> int:
        path = set()
        while True:
            a = base_of(a)
            path.add(a)
            if mate[a] < 0:
                break
            a = parent[mate[a]]
        while True:
            b = base_of(b)
            if b in path:
                return b
            b = parent[mate[b]]

    def contract(v: int, stem: int, child: int) -> None:
        while base_of(v) != stem:
            partner = mate[v]
            for member in (v, partner):
                top = base_of(member)
                if top != stem:
                    joined[top] = stem
            if partner not in outer:  # the cycle's inner members become outer
                outer.add(partner)
                queue.append(partner)
            parent[v] = child
            child = partner
            v = parent[partner]

    head = 0
    while head < len(queue):
        v = queue[head]
        head += 1
        for to in neighbours[v]:
            if to in retired or mate[v] == to or base_of(v) == base_of(to):
                continue
            if to == root or (mate[to] >= 0 and mate[to] in parent):
                stem = common_base(v, to)
                contract(v, stem, to)
                contract(to, stem, v)
            elif to not in parent:
                parent[to] = v
                reached.append(to)
                if mate[to] < 0:
                    return to, parent, reached
                partner = mate[to]
                outer.add(partner)
                reached.append(partner)
                queue.append(partner)
    return -1, parent, reached


def _improve(
    n: int,
    adjacency: list[list[tuple[int, int]]],
    weight: dict,
    mate: list[int],
    tuning: Tuning,
) -> int:
    """Local improvement of the matching `mate` in place; returns the passes it took.

    From each member in turn, `_best_move`; the best swap found is made, after checking that
    it is a matching again, keeps every pair counted and raises the total. The total only
    rises, so it ends. A pass after the first looks again only around members whose pairs
    changed.
    """

    def w(first: int, second: int) -> int:
        return weight[first * n + second if first < second else second * n + first]

    # The same work in all for any size: each member's search gets an equal share of it.
    allowance = max((tuning.effort or 3_000_000) // max(n, 1), 20)
    paired = [w(a, b) if b >= 0 else 0 for a, b in enumerate(mate)]  # each one's pair's score
    dirty = [bool(row) for row in adjacency]
    for done in range(1, tuning.rounds + 1):
        changed: set[int] = set()
        for a in range(n):
            if not dirty[a]:
                continue
            move = _best_move(a, adjacency, paired, mate, tuning, allowance)
            if move is None:
                continue
            pairs, members = move
            ends = [member for pair in pairs for member in pair]
            if len(set(ends)) != len(ends) or not set(ends) <= members:
                continue  # not a matching (never expected; the search checks its way)
            given_up = {(min(m, mate[m]), max(m, mate[m])) for m in members if mate[m] >= 0}
            if len(pairs) < len(given_up) or sum(w(x, y) for x, y in pairs) <= sum(
                w(x, y) for x, y in given_up
            ):
                continue
            for member in members:
                if mate[member] >= 0:
                    mate[mate[member]] = -1
                    paired[mate[member]] = 0
                mate[member], paired[member] = -1, 0
            for first, second in pairs:
                mate[first], mate[second] = second, first
                paired[first] = paired[second] = w(first, second)
            changed.update(members)
        if not changed:
            return done
        dirty = [False] * n
        for member in changed:
            dirty[member] = True
            for other, _score in adjacency[member]:
                dirty[other] = True
                if mate[other] >= 0:
                    dirty[mate[other]] = True
    return tuning.rounds


def _best_move(
    a: int,
    adjacency: list[list[tuple[int, int]]],
    paired: list[int],
    mate: list[int],
    tuning: Tuning,
    allowance: int,
) -> tuple[list[tuple[int, int]], set[int]] | None:
    """The best swap found from member `a`: the new pairs and every member whose pair changes.

    A bounded search for an alternating path or cycle whose swap raises the total: `a` takes
    a new partner, whose old partner takes another, and so on, closing when someone takes a
    member left alone or a's old partner. As in Lin and Kernighan's search, a step is followed
    only while the running gain (the new pairs so far minus the pairs given up) stays above
    the best found, and only the `breadth` best steps from each member are tried. Unlike a
    depth-first search, the members left without a partner along the way are taken best
    first (the highest running gain first; one label each, replaced only by a better one), so
    the search reaches long swaps (up to `depth` new pairs) while looking from each member
    about once; it stops after `allowance` steps. `paired` holds the score of each member's
    present pair.
    """
    b = mate[a]
    start = -paired[a]
    best_gain = 0
    best: tuple[list[tuple[int, int]], set[int]] | None = None
    # Each member left without a partner on the way: the running gain then, and how: the
    # member who took its old partner, and that partner.
    gain_of = {a: start}
    came: dict[int, tuple[int, int]] = {a: (-1, -1)}
    heap = [(-start, a)]
    work = 0
    while heap and work < allowance:
        negative, x = heappop(heap)
        gain = -negative
        if gain < gain_of[x] or gain + adjacency[x][0][1] <= best_gain:
            continue  # a better way to x was found since, or no way on can do better
        pairs: list[tuple[int, int]] = []
        touched = [x]
        v = x
        while came[v][0] >= 0:
            before, took = came[v]
            pairs.append((before, took))
            touched.extend((before, took))
            v = before
        if len(pairs) >= tuning.depth:
            continue
        on_way = {*touched, b}
        if len(on_way) != len(touched) + 1:
            continue  # a member met twice: the way to x was changed behind it since
        tried = 0
        for c, xc in adjacency[x]:
            reached = gain + xc
            if reached <= best_gain or tried >= tuning.breadth or work >= allowance:
                break  # best first: nothing further along can do better
            work += 1
            if c == b:
                if x != a:  # the cycle closes on a's old partner
                    best_gain, best = reached, ([*pairs, (x, c)], {*touched, a, b})
                continue
            if c in on_way:
                continue
            d = mate[c]
            if d < 0:  # a member left alone: the path ends here
                best_gain, best = reached, ([*pairs, (x, c)], {*touched, a, b, c} - {-1})
                continue
            if d in on_way:
                continue
            tried += 1
            left = reached - paired[c]
            if left > best_gain:  # c's old partner is left alone
                best_gain, best = left, ([*pairs, (x, c)], {*touched, a, b, c, d} - {-1})
            if (d not in gain_of or left > gain_of[d]) and left + adjacency[d][0][1] > best_gain:
                gain_of[d] = left
                came[d] = (x, c)
                heappush(heap, (-left, d))
    return best


def _choose(
    members: _Members, keys: np.ndarray, score: np.ndarray, tuning: Tuning
) -> tuple[list[int], int]:
    n = members.n
    i, j = members.split(keys)
    tie = _mix(keys)
    order = np.lexsort((keys, tie, -score.astype(np.int64)))
    i_list, j_list, score_list = i.tolist(), j.tolist(), score.tolist()
    mate = _greedy(n, i_list, j_list, order.tolist())

    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    by_weight = np.lexsort((tie, -score.astype(np.int64)))
    for k in by_weight.tolist():
        a, b, s = i_list[k], j_list[k], score_list[k]
        adjacency[a].append((b, s))
        adjacency[b].append((a, s))
    weight = dict(zip(keys.tolist(), score_list, strict=True))
    _augment(n, [[b for b, _s in row] for row in adjacency], mate)
    passes = _improve(n, adjacency, weight, mate, tuning)
    return mate, passes


# -- the whole round -----------------------------------------------------------------------


def _pair(members: _Members, i: int, j: int, score: int, overlap: int) -> Pair:
    first, second = members.seekers[i], members.seekers[j]
    shared_ways = first.ways & second.ways
    if "in_person" in shared_ways and not (
        members.area[i] >= 0 and members.area[i] == members.area[j]
    ):
        shared_ways = shared_ways - {"in_person"}
    return Pair(
        a=first.id,
        b=second.id,
        score=int(score),
        weekly_overlap_minutes=int(overlap) * SLOT_MINUTES,
        session_minutes=min(first.session_minutes, second.session_minutes),
        languages=tuple(sorted(first.languages & second.languages)),
        ways=tuple(way for way in WAYS if way in shared_ways),
    )


def match(
    seekers: Iterable[Seeker],
    *,
    horizon: Horizon,
    excluded: Iterable[tuple[int, int]] = (),
    tuning: Tuning | None = None,
) -> Matching:
    """Propose pairs among `seekers`: each member at most once, every pair possible, the total
    score as high as the engine can make it. `excluded` pairs (member ids) are never proposed.
    """
    began = time.perf_counter()
    members = _Members(seekers, excluded, horizon)
    tuning = (tuning or Tuning()).for_size(members.n)
    if members.n < 2:
        return Matching(pairs=(), seekers=members.n, matchable=0, candidate_pairs=0)
    prepared = time.perf_counter()
    keys, score, stats = _possible_pairs(members, tuning)
    searched = time.perf_counter()
    matchable = int(
        np.count_nonzero(np.bincount(np.concatenate(members.split(keys)), minlength=members.n))
    )
    mate, passes = _choose(members, keys, score, tuning)
    stats["improvement_passes"] = passes
    stats["seconds"] = {
        "members": round(prepared - began, 2),
        "candidates": round(searched - prepared, 2),
        "matching": round(time.perf_counter() - searched, 2),
    }
    chosen = [(a, b) for a, b in enumerate(mate) if a < b]
    pairs: list[Pair] = []
    if chosen:
        a = np.array([pair[0] for pair in chosen], dtype=np.int64)
        b = np.array([pair[1] for pair in chosen], dtype=np.int64)
        exact, overlap = members.exact(a, b)
        pairs = [
            _pair(members, int(first), int(second), int(s), int(o))
            for first, second, s, o in zip(a, b, exact, overlap, strict=True)
        ]
    pairs.sort(key=lambda pair: (pair.a, pair.b))
    return Matching(
        pairs=tuple(pairs),
        seekers=members.n,
        matchable=matchable,
        candidate_pairs=int(len(keys)),
        stats=stats,
    )


# -- single pairs and the exhaustive reference ---------------------------------------------


def assess(
    first: Seeker, second: Seeker, *, horizon: Horizon, excluded: bool = False
) -> Pair | None:
    """The pair the two would make, or None when they cannot be a pair."""
    if first.id == second.id:
        return None
    members = _Members([first, second], [(first.id, second.id)] if excluded else [], horizon)
    i, j = np.array([0]), np.array([1])
    score, overlap = members.exact(i, j)
    if score[0] <= 0:
        return None
    return _pair(members, 0, 1, int(score[0]), int(overlap[0]))


def possible_pairs(
    seekers: Iterable[Seeker],
    *,
    horizon: Horizon,
    excluded: Iterable[tuple[int, int]] = (),
    chunk: int = 40_000,
) -> list[tuple[int, int, int]]:
    """Every possible pair, as (smaller id, larger id, score), by comparing everyone with
    everyone: quadratic, for tests and for the benchmark's exact reference."""
    members = _Members(seekers, excluded, horizon)
    found: list[tuple[int, int, int]] = []
    n = members.n
    for i in range(n - 1):
        j = np.arange(i + 1, n, dtype=np.int64)
        mine = np.full(len(j), i, dtype=np.int64)
        hopeful = members.chunked(members.estimate, mine, j, chunk) > 0
        j, mine = j[hopeful], mine[hopeful]
        score = members.chunked(members.exact, mine, j, chunk)
        for other, s in zip(j[score > 0].tolist(), score[score > 0].tolist(), strict=True):
            found.append((int(members.ids[i]), int(members.ids[other]), int(s)))
    return found


def _free(seeker: Seeker, horizon: Horizon) -> np.ndarray:
    grid = availability.grid_of(seeker.availability)
    return availability.utc_availability(grid, seeker.time_zone, horizon)


def overlap_bits(first: Seeker, second: Seeker, *, horizon: Horizon) -> np.ndarray:
    """The UTC half hours of the horizon (tail day included) in which both are free."""
    return _free(first, horizon) & _free(second, horizon)


def shared_times(
    first: Seeker, second: Seeker, *, horizon: Horizon
) -> list[tuple[datetime, datetime]]:
    """The stretches of the horizon's weeks when both are free, as UTC (start, end)."""
    return availability.intervals_of(overlap_bits(first, second, horizon=horizon), horizon)


def weekly_overlap_slots(first: Seeker, second: Seeker, *, horizon: Horizon) -> list[int]:
    """Half hours both are free in each week of the horizon."""
    both = overlap_bits(first, second, horizon=horizon)[: horizon.week_slots]
    return both.reshape(horizon.weeks, SLOTS_PER_WEEK).sum(axis=1).tolist()
