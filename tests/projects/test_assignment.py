"""The expert-assignment solver (kechuang.projects.domain.assignment): feasibility, optimality
against brute force, dense and sparse scores alike, the greedy baseline, and the reasons given
for applications left short. Pure unit tests: no database."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.projects.domain.assignment import (
    CAPACITY_TAKEN,
    TOO_FEW_ELIGIBLE,
    DenseScores,
    ShortfallReason,
    SparseScores,
    assign_experts,
    assign_greedy,
    check_feasibility,
)

FAST = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,  # the same examples on every run: no flaky failures
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# ---------------------------------------------------------------------------------------------
# Instances


class Instance:
    """A small instance as full matrices: scores, candidate pairs, conflicts."""

    def __init__(self, need, capacity, score, candidate, conflict, need_as_int=None):
        self.score = np.asarray(score, dtype=np.float64)
        self.n_a, self.n_e = self.score.shape
        self.need = np.broadcast_to(np.asarray(need, dtype=np.int64), (self.n_a,))
        self.capacity = np.broadcast_to(np.asarray(capacity, dtype=np.int64), (self.n_e,))
        self.candidate = np.asarray(candidate, dtype=bool)
        self.conflict = np.asarray(conflict, dtype=bool)
        self.need_arg = need_as_int if need_as_int is not None else self.need

    @property
    def conflicts(self) -> list[tuple[int, int]]:
        return [(int(a), int(j)) for a, j in zip(*np.nonzero(self.conflict), strict=True)]

    def sparse(self) -> SparseScores:
        a, j = np.nonzero(self.candidate)
        return SparseScores(self.n_a, self.n_e, a, j, self.score[a, j])

    def solve(self, scores=None, **kwargs):
        return assign_experts(
            scores if scores is not None else self.sparse(),
            need=self.need_arg,
            capacity=self.capacity,
            conflicts=self.conflicts,
            **kwargs,
        )

    def greedy(self, scores=None):
        return assign_greedy(
            scores if scores is not None else self.sparse(),
            need=self.need_arg,
            capacity=self.capacity,
            conflicts=self.conflicts,
        )

    def all_candidates(self) -> Instance:
        """The same instance with every pair a candidate (what dense scores mean)."""
        return Instance(
            self.need, self.capacity, self.score, np.ones_like(self.candidate), self.conflict
        )


scores_st = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0]),  # ties
    st.floats(min_value=0.0, max_value=10.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def instances(draw, max_apps=4, max_experts=5, max_need=2):
    n_a = draw(st.integers(1, max_apps))
    n_e = draw(st.integers(1, max_experts))
    cells = n_a * n_e
    if draw(st.booleans()):
        k = draw(st.integers(0, max_need))
        need, need_as_int = [k] * n_a, k
    else:
        need = draw(st.lists(st.integers(0, max_need), min_size=n_a, max_size=n_a))
        need_as_int = None
    capacity = draw(st.lists(st.integers(0, 3), min_size=n_e, max_size=n_e))
    score = np.array(draw(st.lists(scores_st, min_size=cells, max_size=cells))).reshape(n_a, n_e)
    candidate = np.array(
        draw(st.lists(st.sampled_from([True, True, True, False]), min_size=cells, max_size=cells))
    ).reshape(n_a, n_e)
    conflict = np.array(
        draw(st.lists(st.sampled_from([False, False, False, True]), min_size=cells, max_size=cells))
    ).reshape(n_a, n_e)
    return Instance(need, capacity, score, candidate, conflict, need_as_int)


# ---------------------------------------------------------------------------------------------
# Independent checks


def brute_force(inst: Instance) -> tuple[int, float]:
    """The lexicographic optimum (count, score) by enumerating every feasible assignment."""
    valid = inst.candidate & ~inst.conflict & (inst.capacity[None, :] > 0)
    options = []
    for a in range(inst.n_a):
        experts = np.flatnonzero(valid[a]).tolist()
        options.append(
            [
                combo
                for size in range(min(int(inst.need[a]), len(experts)) + 1)
                for combo in itertools.combinations(experts, size)
            ]
        )
    best = (0, 0.0)
    load = [0] * inst.n_e

    def walk(a: int, count: int, chosen: list[float]) -> None:
        nonlocal best
        if a == inst.n_a:
            key = (count, math.fsum(chosen))
            if key > best:
                best = key
            return
        for combo in options[a]:
            if all(load[j] < inst.capacity[j] for j in combo):
                for j in combo:
                    load[j] += 1
                walk(a + 1, count + len(combo), chosen + [inst.score[a, j] for j in combo])
                for j in combo:
                    load[j] -= 1

    walk(0, 0, [])
    return best


def expected_reasons(inst: Instance, experts: list[list[int]]) -> dict[int, ShortfallReason]:
    load = np.zeros(inst.n_e, dtype=np.int64)
    for lst in experts:
        for j in lst:
            load[j] += 1
    out = {}
    for a in range(inst.n_a):
        if len(experts[a]) >= inst.need[a]:
            continue
        cands = np.flatnonzero(inst.candidate[a])
        conflicted = [j for j in cands if inst.conflict[a, j]]
        no_cap = [j for j in cands if not inst.conflict[a, j] and inst.capacity[j] == 0]
        eligible = [j for j in cands if not inst.conflict[a, j] and inst.capacity[j] > 0]
        busy = [j for j in eligible if j not in experts[a] and load[j] >= inst.capacity[j]]
        out[a] = ShortfallReason(
            code=TOO_FEW_ELIGIBLE if len(eligible) < inst.need[a] else CAPACITY_TAKEN,
            need=int(inst.need[a]),
            assigned=len(experts[a]),
            candidates=len(cands),
            conflicted=len(conflicted),
            no_capacity=len(no_cap),
            eligible=len(eligible),
            busy=len(busy),
        )
    return out


def assert_valid(inst: Instance, result) -> None:
    """Feasible, consistent totals, and the right reasons — checked from the matrices."""
    assert len(result.experts) == inst.n_a
    load = np.zeros(inst.n_e, dtype=np.int64)
    chosen = []
    for a, lst in enumerate(result.experts):
        assert lst == sorted(lst)
        assert len(set(lst)) == len(lst), "an expert assigned twice to one application"
        assert len(lst) <= inst.need[a], "need exceeded"
        for j in lst:
            assert inst.candidate[a, j], "a pair that is not a candidate"
            assert not inst.conflict[a, j], "a conflicted pair"
            load[j] += 1
            chosen.append(inst.score[a, j])
        assert result.scores[a] == [inst.score[a, j] for j in lst]
    assert (load <= inst.capacity).all(), "capacity exceeded"
    assert result.count == len(chosen)
    assert result.total_score == pytest.approx(math.fsum(chosen), abs=1e-12)
    assert check_feasibility(
        result,
        n_experts=inst.n_e,
        need=inst.need,
        capacity=inst.capacity,
        conflicts=inst.conflicts,
    ).feasible
    reasons = expected_reasons(inst, result.experts)
    assert result.reasons == reasons
    for reason in reasons.values():
        # Maximal: an eligible expert with spare capacity would have been assigned.
        assert reason.assigned + reason.busy == reason.eligible
        assert reason.eligible == reason.candidates - reason.conflicted - reason.no_capacity


# ---------------------------------------------------------------------------------------------
# Properties


@FAST
@given(instances())
def test_optimal_assignment_is_feasible_and_explained(inst):
    result = inst.solve()
    assert_valid(inst, result)
    cert = result.certificate
    assert cert.max_count == cert.cut_capacity == result.count
    assert cert.gap <= 1e-9 * max(1.0, result.total_score)


@FAST
@given(instances())
def test_optimal_matches_brute_force(inst):
    result = inst.solve()
    count, score = brute_force(inst)
    assert result.count == count
    assert result.total_score == pytest.approx(score, abs=1e-9)


@FAST
@given(instances(), st.integers(1, 3), st.integers(1, 3))
def test_dense_and_sparse_scores_give_the_same_optimum(inst, per_app, block_rows):
    full = inst.all_candidates()
    sparse = full.solve()
    # Few initial candidates per application and small blocks: the cut check and the pricing
    # have to bring in the pairs that matter.
    dense = full.solve(
        DenseScores.from_matrix(inst.score),
        candidates_per_application=per_app,
        block_rows=block_rows,
    )
    assert_valid(full, dense)
    assert dense.count == sparse.count
    assert dense.total_score == pytest.approx(sparse.total_score, abs=1e-9)
    assert dense.reasons == sparse.reasons
    assert dense.certificate.gap <= 1e-9 * max(1.0, dense.total_score)
    assert brute_force(full) == (dense.count, pytest.approx(dense.total_score, abs=1e-9))


@FAST
@given(instances())
def test_greedy_is_feasible_and_never_better(inst):
    best = inst.solve()
    greedy = inst.greedy()
    assert_valid(inst, greedy)
    assert greedy.certificate is None
    assert (greedy.count, greedy.total_score) <= (best.count, best.total_score + 1e-9)
    full = inst.all_candidates()
    dense_greedy = full.greedy(DenseScores.from_matrix(inst.score))
    assert dense_greedy.experts == full.greedy().experts


# ---------------------------------------------------------------------------------------------
# Examples


def test_docstring_example():
    scores = SparseScores(
        n_applications=2,
        n_experts=3,
        application=[0, 0, 1, 1],
        expert=[0, 1, 1, 2],
        score=[0.9, 0.4, 0.8, 0.7],
    )
    result = assign_experts(scores, need=2, capacity=[1, 1, 1], conflicts=[(1, 2)])
    # Application 1 can only have expert 1 (expert 2 is conflicted), and giving it expert 1
    # leaves application 0 with one expert: same count, and 0.9 + 0.8 > 0.9 + 0.4.
    assert result.count == 2
    assert result.experts == [[0], [1]]
    assert result.total_score == pytest.approx(1.7)
    assert result.reasons == {
        0: ShortfallReason(CAPACITY_TAKEN, 2, 1, 2, 0, 0, 2, 1),
        1: ShortfallReason(TOO_FEW_ELIGIBLE, 2, 1, 2, 1, 0, 1, 0),
    }
    assert result.reasons[0].missing == 1


def test_count_comes_before_score_and_greedy_misses_it():
    # A needs 1, B needs 1; expert x is the best for both, y only suits A (score 0).
    scores = SparseScores(2, 2, [0, 1, 0], [0, 0, 1], [10.0, 9.0, 0.0])
    best = assign_experts(scores, need=1, capacity=1)
    assert best.experts == [[1], [0]]
    assert (best.count, best.total_score) == (2, 9.0)
    greedy = assign_greedy(scores, need=1, capacity=1)
    assert greedy.experts == [[0], []]
    assert (greedy.count, greedy.total_score) == (1, 10.0)
    assert greedy.reasons == {1: ShortfallReason(CAPACITY_TAKEN, 1, 0, 1, 0, 0, 1, 1)}


def test_conflicts_and_zero_capacity_are_never_assigned():
    score = np.array([[5.0, 4.0, 1.0], [5.0, 4.0, 1.0]])
    result = assign_experts(
        DenseScores.from_matrix(score), need=2, capacity=[2, 0, 2], conflicts=[(0, 0)]
    )
    assert result.experts == [[2], [0, 2]]
    assert result.reasons == {0: ShortfallReason(TOO_FEW_ELIGIBLE, 2, 1, 3, 1, 1, 1, 0)}


def test_pricing_brings_in_pairs_beyond_the_initial_candidates():
    # Every application prefers the same few experts, who have little capacity: the optimum
    # goes deep into each application's list.
    rng = np.random.default_rng(7)
    n_a, n_e = 30, 40
    score = np.linspace(10, 1, n_e)[None, :] + rng.random((n_a, n_e))
    conflict = rng.random((n_a, n_e)) < 0.1
    inst = Instance(3, np.full(n_e, 2), score, np.ones((n_a, n_e), bool), conflict, 3)
    sparse = inst.solve()
    dense = inst.solve(DenseScores.from_matrix(score), candidates_per_application=4, block_rows=7)
    assert dense.certificate.added_by_pricing > 0
    assert dense.certificate.rounds > 1
    assert dense.experts == sparse.experts
    assert dense.total_score == pytest.approx(sparse.total_score, abs=1e-9)
    assert_valid(inst, dense)
    greedy = inst.greedy(DenseScores.from_matrix(score))
    assert greedy.experts == inst.greedy().experts
    assert greedy.total_score < dense.total_score


def test_cut_check_brings_in_pairs_when_the_candidates_cannot_staff():
    # One initial candidate per application, all the same expert of capacity 1.
    score = np.array([[9.0, 1.0, 1.0], [9.0, 1.0, 1.0], [9.0, 1.0, 1.0]])
    result = assign_experts(
        DenseScores.from_matrix(score), need=1, capacity=1, candidates_per_application=1
    )
    assert result.count == 3
    assert result.total_score == pytest.approx(11.0)
    assert result.certificate.added_by_cut >= 2
    assert result.reasons == {}


def test_generated_dense_scores_read_block_by_block():
    n_a, n_e = 50, 60

    def block(start, stop):
        return np.stack([np.random.default_rng([3, a]).random(n_e) for a in range(start, stop)])

    matrix = block(0, n_a)
    conflicts = [(a, (7 * a) % n_e) for a in range(n_a)]
    dense = assign_experts(
        DenseScores(n_a, n_e, block), need=4, capacity=3, conflicts=conflicts, block_rows=8
    )
    a, j = np.nonzero(np.ones((n_a, n_e), bool))
    sparse = assign_experts(
        SparseScores(n_a, n_e, a, j, matrix[a, j]), need=4, capacity=3, conflicts=conflicts
    )
    assert dense.experts == sparse.experts
    assert dense.count == 180  # the experts' capacity: 60 × 3
    assert all(r.code == CAPACITY_TAKEN for r in dense.reasons.values())
    assert dense.certificate.gap <= 1e-9 * dense.total_score


def test_nothing_to_assign():
    empty = SparseScores(3, 2, [], [], [])
    result = assign_experts(empty, need=[1, 0, 2], capacity=[1, 1])
    assert result.count == 0
    assert result.experts == [[], [], []]
    assert result.total_score == 0.0
    assert set(result.reasons) == {0, 2}
    assert result.reasons[2] == ShortfallReason(TOO_FEW_ELIGIBLE, 2, 0, 0, 0, 0, 0, 0)
    assert result.certificate.score_bound == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"application": [0, 0], "expert": [1, 1], "score": [1.0, 2.0]}, "more than once"),
        ({"application": [0], "expert": [1], "score": [-1.0]}, "non-negative"),
        ({"application": [0], "expert": [1], "score": [math.nan]}, "non-negative"),
        ({"application": [2], "expert": [1], "score": [1.0]}, "out of range"),
        ({"application": [0, 1], "expert": [1], "score": [1.0]}, "same length"),
    ],
)
def test_sparse_scores_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SparseScores(n_applications=2, n_experts=2, **kwargs)


def test_inputs_are_validated():
    scores = SparseScores(2, 2, [0], [1], [1.0])
    with pytest.raises(ValueError, match="need"):
        assign_experts(scores, need=[1, 2, 3], capacity=1)
    with pytest.raises(ValueError, match="capacity"):
        assign_experts(scores, need=1, capacity=-1)
    with pytest.raises(ValueError, match="conflict expert"):
        assign_experts(scores, need=1, capacity=1, conflicts=[(0, 5)])
    with pytest.raises(ValueError, match="shape"):
        assign_experts(DenseScores(2, 2, lambda s, e: np.zeros((1, 2))), need=1, capacity=1)
