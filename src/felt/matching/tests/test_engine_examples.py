"""The matching engine by example: each rule on its own, the order of the score, and the
total against the exact optimum (networkx) on small random directories."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

import networkx as nx
import pytest

from felt.matching import engine, samples
from felt.matching.availability import Horizon, slot_of

JANUARY = Horizon.after(datetime(2027, 1, 13, 9, 0, tzinfo=UTC))


def seeker(member_id: int, **fields) -> engine.Seeker:
    values = {
        "time_zone": "Europe/Berlin",
        "availability": frozenset(range(slot_of(0, 18), slot_of(0, 20))),  # Mondays 18-20
        "languages": frozenset({"en"}),
        "ways": frozenset({"video"}),
    }
    values.update(fields)
    return engine.Seeker(id=member_id, **values)


A = seeker(1)


@pytest.mark.parametrize(
    ("other", "reason"),
    [
        (seeker(2, languages=frozenset({"de"})), "no shared language"),
        (seeker(2, ways=frozenset({"phone"})), "no shared way to meet"),
        (seeker(2, availability=frozenset(range(slot_of(0, 19), slot_of(0, 21)))), None),
        (
            seeker(2, availability=frozenset(range(slot_of(0, 19, 30), slot_of(0, 21)))),
            "only half an hour",
        ),
        (seeker(2, availability=frozenset(range(slot_of(1, 18), slot_of(1, 20)))), "another day"),
        (seeker(2, session_minutes=120), None),  # the shorter length counts: A's hour
        (seeker(2, time_zone="Europe/London"), None),  # 17-19 London is 18-20 Berlin: one hour
        (seeker(2, time_zone="America/New_York"), "New York's evening is Berlin's night"),
    ],
)
def test_each_hard_constraint_on_its_own(other, reason):
    pair = engine.assess(A, other, horizon=JANUARY)
    assert (pair is None) == (reason is not None), reason


def test_two_who_could_only_meet_in_person_need_the_same_area():
    leeds = seeker(1, ways=frozenset({"in_person"}), area="Leeds")
    assert engine.assess(
        leeds, seeker(2, ways=frozenset({"in_person"}), area=" LEEDS"), horizon=JANUARY
    )
    assert not engine.assess(
        leeds, seeker(2, ways=frozenset({"in_person"}), area="York"), horizon=JANUARY
    )
    assert not engine.assess(leeds, seeker(2, ways=frozenset({"in_person"})), horizon=JANUARY)
    both = engine.assess(
        seeker(1, ways=frozenset({"in_person", "video"}), area="Leeds"),
        seeker(2, ways=frozenset({"in_person", "video"}), area="York"),
        horizon=JANUARY,
    )
    assert both.ways == ("video",)


def test_a_wish_for_a_helping_profession_holds_both_ways():
    wishes = seeker(1, helpers_only=True, helper=False)
    assert engine.assess(wishes, seeker(2, helper=True), horizon=JANUARY)
    assert not engine.assess(wishes, seeker(2, helper=False), horizon=JANUARY)
    assert not engine.assess(seeker(2, helper=False), wishes, horizon=JANUARY)


def test_the_score_puts_overlap_first_then_cadence_then_the_experience_mix():
    two_hours = engine.assess(A, seeker(2, cadence="fortnightly"), horizon=JANUARY)
    one_hour_same_cadence_best_mix = engine.assess(
        replace(A, experience="new"),
        seeker(
            2,
            availability=frozenset(range(slot_of(0, 19), slot_of(0, 21))),
            experience="seasoned",
        ),
        horizon=JANUARY,
    )
    assert two_hours.score > one_hour_same_cadence_best_mix.score

    same_cadence = engine.assess(A, seeker(2, experience="new"), horizon=JANUARY)
    other_cadence_best_mix = engine.assess(
        replace(A, experience="new"),
        seeker(2, cadence="fortnightly", experience="trainer"),
        horizon=JANUARY,
    )
    assert same_cadence.score > other_cadence_best_mix.score

    new = replace(A, experience="new")
    assert (
        engine.assess(new, seeker(2, experience="seasoned"), horizon=JANUARY).score
        > engine.assess(new, seeker(2, experience="new"), horizon=JANUARY).score
    )


def test_a_round_prefers_more_partnerships_over_one_better_one():
    # 1 and 2 share six hours; 1-3 and 2-4 share two each and 3-4 nothing. Two pairs beat one.
    long = frozenset(range(slot_of(2, 9), slot_of(2, 15)))
    seekers = [
        seeker(1, availability=long | frozenset(range(slot_of(0, 18), slot_of(0, 20)))),
        seeker(2, availability=long | frozenset(range(slot_of(4, 18), slot_of(4, 20)))),
        seeker(3),
        seeker(4, availability=frozenset(range(slot_of(4, 18), slot_of(4, 20)))),
    ]
    result = engine.match(seekers, horizon=JANUARY)
    assert [(pair.a, pair.b) for pair in result.pairs] == [(1, 3), (2, 4)]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_total_is_close_to_the_exact_optimum_on_small_random_directories(seed):
    seekers, declined = samples.directory(60, seed=seed)
    horizon = Horizon.after(datetime(2027, 3, 10, 9, 0, tzinfo=UTC), weeks=3)

    result = engine.match(seekers, horizon=horizon, excluded=declined)

    graph = nx.Graph()
    graph.add_weighted_edges_from(
        engine.possible_pairs(seekers, horizon=horizon, excluded=declined)
    )
    optimum = sum(graph[a][b]["weight"] for a, b in nx.max_weight_matching(graph))
    assert result.total_score <= optimum
    assert result.total_score >= 0.97 * optimum
    # As many pairs as any matching of the possible pairs could make.
    assert len(result.pairs) == len(nx.max_weight_matching(graph, maxcardinality=True))


def test_augmenting_paths_reach_the_most_pairs_on_graphs_with_odd_cycles():
    for seed in range(60):
        rng = random.Random(seed)
        size = rng.randint(2, 30)
        graph = nx.gnp_random_graph(size, rng.uniform(0.05, 0.3), seed=seed)
        mate = [-1] * size
        for a, b in sorted(graph.edges(), key=lambda _edge: rng.random()):
            if mate[a] < 0 and mate[b] < 0:
                mate[a], mate[b] = b, a

        engine._augment(size, [sorted(graph[v]) for v in range(size)], mate)

        assert all(
            mate[mate[v]] == v and graph.has_edge(v, mate[v]) for v in range(size) if mate[v] >= 0
        )
        pairs = sum(1 for v in range(size) if mate[v] > v)
        assert pairs == len(nx.max_weight_matching(graph, maxcardinality=True))
