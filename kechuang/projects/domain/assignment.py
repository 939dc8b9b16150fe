"""Automatic expert assignment for plan-project review: an exact solver with a certificate of
optimality, and a greedy baseline.

The module is pure (numpy, scipy and the standard library; no Django), so it can be tested and
benchmarked on its own. The Django layer turns its records into indices, calls
:func:`assign_experts`, and renders the result (and the :class:`ShortfallReason` codes) in its
own words.

Problem
=======
Applications ``a = 0 … A-1`` each need ``need[a]`` reviewers; experts ``j = 0 … E-1`` each
review at most ``capacity[j]`` applications of the call. A *candidate pair* ``(a, j)`` has a
field-match score ``s(a, j) >= 0``; a pair listed as a conflict of interest is never assigned,
whatever its score. An assignment is a set of pairs ``x(a, j) ∈ {0, 1}`` with::

    Σ_j x(a, j) <= need[a]        for every application
    Σ_a x(a, j) <= capacity[j]    for every expert
    x(a, j) = 0                   for conflicts and for pairs that are not candidates

so an expert reviews an application at most once. The objective is lexicographic: first as many
assigned pairs as possible (staff as many review slots as can be staffed), then, among those,
the largest total score.

Scores come in one of two shapes:

* :class:`SparseScores` — the listed pairs are the only candidates (the in-app case: the Django
  layer lists the eligible pairs with their field-match score);
* :class:`DenseScores` — every pair is a candidate, and the scores are produced block by block
  by a callable ``block(start, stop) -> array of shape (stop - start, E)``. At most one block of
  rows is held in memory at a time; nothing of size A × E is ever built.

Algorithm
=========
1. **Candidates.** Sparse: every listed pair, less conflicts, experts of capacity 0 and
   applications that need no one. Dense: for each application its ``L`` best such pairs
   (``candidates_per_application``; by default twice the largest need, plus 2), read block by
   block. The optimisation works on this candidate set; steps 2 and 4 prove that nothing outside
   it could do better, or bring in what could.

2. **The maximum number of assignments.** A maximum flow (scipy's Dinic) in the network
   source → application (capacity ``need``) → expert (1 per candidate pair) → sink (capacity
   ``capacity``) gives the largest number ``N`` of pairs on the candidates. Two minimum cuts of
   capacity ``N`` come with it: the nodes reachable from the source in the residual network,
   and the nodes that cannot reach the sink in it. Over *all* pairs, a cut gains one unit of
   capacity for each non-candidate, non-conflicted pair from an application on its source side
   to an expert (with capacity) on its sink side; these are counted from the cut, the
   conflicts and the candidates alone, without reading a score. If one of the two cuts gains
   nothing, its capacity over all pairs is ``N``, so no assignment has more than ``N`` pairs
   (max-flow/min-cut theorem). Otherwise (dense case only) the best crossing pairs of each
   application are read, made candidates, and step 2 runs again.

3. **The best score at that count.** The linear programme::

       maximise Σ s·x   subject to   need rows (duals u >= 0), capacity rows (duals v >= 0),
                                     Σ x = N (dual λ, free),  0 <= x <= 1 (duals z >= 0)

   over the candidate pairs is solved by HiGHS (``scipy.optimize.linprog``: interior point with
   crossover on large instances, dual simplex on small ones). Its constraint matrix is that of a
   network flow (bipartite incidence rows, and the all-ones row which is the source's flow
   conservation), hence totally unimodular: with integer needs and capacities every basic
   solution is integral. The solution returned is checked to be within 1e-6 of integers,
   rounded, and then checked in integers (needs, capacities, conflicts, ``Σ x = N``).

4. **Pricing (dense only).** For a pair left out of the LP the *reduced gain* is
   ``r(a, j) = s(a, j) - u[a] - v[j] - λ``. It is computed for every pair, block by block; the
   pairs with ``r > tolerance`` are added (the best ``L`` per application) and step 3 runs
   again. The loop ends because every round adds pairs that were not candidates before.

5. **Certificate.** With ``u`` and ``v`` clipped at 0 and ``z(a, j) = max(0, r(a, j))`` for
   *every* pair (candidates and left-out pairs alike), ``(u, v, λ, z)`` is feasible for the dual
   of the LP over all pairs, so by weak duality every assignment of ``N`` pairs scores at most::

       D = Σ need·u + Σ capacity·v + N·λ + Σ z

   ``D`` is computed by the module itself (not taken from the solver), so it holds whatever
   the solver's tolerances: the result's total is within ``gap = D - total`` of the optimum, and
   ``N`` is the maximum count by step 2. Together they prove the lexicographic optimum up to
   ``gap`` (in the runs so far 0, or below 1e-10 of the total). In the sparse case steps 2 and 4 have nothing to
   look at (every candidate is in the LP), and the certificate is computed the same way.

Why not simpler: the greedy baseline (:func:`assign_greedy`: pairs by score, best first, taken
when feasible) is fast but neither staffs the most slots nor reaches the best score;
scipy's ``min_weight_full_bipartite_matching`` on expanded slots cannot express "an expert
reviews an application at most once"; and adding a large constant to every score to fold the
two objectives into one needs a constant of the order of ``min(A, E)·max(s)``, which drowns the
scores in the solver's tolerances.

Reasons
=======
Every application that is not fully staffed gets a :class:`ShortfallReason` computed from the
data: how many experts were candidates, how many of them were conflicted, how many had no
capacity at all, how many were therefore eligible, and how many of the eligible ones that were
not assigned to it are at full capacity with other applications (``busy``). In an assignment of
maximum count (and in the greedy one) an eligible expert with spare capacity would have been
assigned, so ``assigned + busy == eligible`` for every such application. The code says which
of the two actions helps: ``too_few_eligible`` (fewer eligible experts than the need: add
experts of the field to the call) or ``capacity_taken`` (enough eligible experts, but their
capacity is used by other applications: raise those experts' capacities, or add experts).

Usage (sparse)::

    scores = SparseScores(
        n_applications=2, n_experts=3,
        application=[0, 0, 1, 1], expert=[0, 1, 1, 2], score=[0.9, 0.4, 0.8, 0.7],
    )
    result = assign_experts(scores, need=2, capacity=[1, 1, 1], conflicts=[(1, 2)])
    result.experts      # [[0], [1]]: per application, the assigned experts (indices)
    result.total_score  # 1.7 (two pairs is the most; then 0.9 + 0.8 beats 0.9 + 0.4)
    result.reasons      # {0: ShortfallReason(code='capacity_taken', need=2, assigned=1,
                        #     candidates=2, conflicted=0, no_capacity=0, eligible=2, busy=1),
                        #  1: ShortfallReason(code='too_few_eligible', need=2, assigned=1,
                        #     candidates=2, conflicted=1, no_capacity=0, eligible=1, busy=0)}
    result.certificate  # max_count=2, gap=0.0, …
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

__all__ = [
    "CAPACITY_TAKEN",
    "TOO_FEW_ELIGIBLE",
    "AssignmentResult",
    "Certificate",
    "DenseScores",
    "FeasibilityReport",
    "ShortfallReason",
    "SparseScores",
    "assign_experts",
    "assign_greedy",
    "check_feasibility",
]

TOO_FEW_ELIGIBLE = "too_few_eligible"
"""Fewer eligible experts (candidates, not conflicted, capacity > 0) than the application needs."""
CAPACITY_TAKEN = "capacity_taken"
"""Enough eligible experts, but the capacity of those not assigned is used by other applications."""

# Sizes above which HiGHS's interior point method (with crossover to a basic solution) is faster
# than its dual simplex on these LPs.
_IPM_MIN_PAIRS = 20_000
_INTEGRALITY = 1e-6
_BLOCK_ENTRIES = 4_000_000  # rows of a dense block are chosen so a block holds about this many


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class SparseScores:
    """Listed candidate pairs: ``application[i]`` may review ``expert[i]`` with ``score[i]``.

    A pair not listed is never assigned. Listing the same pair twice is an error.
    """

    n_applications: int
    n_experts: int
    application: np.ndarray
    expert: np.ndarray
    score: np.ndarray

    def __post_init__(self):
        app = np.asarray(self.application, dtype=np.int64).ravel()
        exp = np.asarray(self.expert, dtype=np.int64).ravel()
        sc = np.asarray(self.score, dtype=np.float64).ravel()
        if not (len(app) == len(exp) == len(sc)):
            raise ValueError("application, expert and score must have the same length")
        _check_indices(app, self.n_applications, "application")
        _check_indices(exp, self.n_experts, "expert")
        if len(sc) and not (np.all(np.isfinite(sc)) and sc.min() >= 0):
            raise ValueError("scores must be finite and non-negative")
        keys = app * int(self.n_experts) + exp
        if len(_unique_sorted(keys)) != len(keys):
            raise ValueError("a pair (application, expert) is listed more than once")
        object.__setattr__(self, "application", app)
        object.__setattr__(self, "expert", exp)
        object.__setattr__(self, "score", sc)


@dataclass(frozen=True)
class DenseScores:
    """Every pair is a candidate; ``block(start, stop)`` returns the scores of applications
    ``start … stop-1`` against all experts, as an array of shape ``(stop - start, n_experts)``.

    The callable must return the same values each time it is asked for the same rows (the
    solver reads the scores more than once) and must not depend on how the rows are grouped.
    """

    n_applications: int
    n_experts: int
    block: Callable[[int, int], np.ndarray]

    @classmethod
    def from_matrix(cls, matrix) -> DenseScores:
        """Scores held in a 2-D array (applications × experts)."""
        m = np.asarray(matrix, dtype=np.float64)
        if m.ndim != 2:
            raise ValueError("the score matrix must be 2-D")
        return cls(m.shape[0], m.shape[1], lambda start, stop: m[start:stop])


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ShortfallReason:
    """Why an application got fewer experts than it needs, in numbers (see the module doc).

    ``candidates``: experts paired with the application in the scores (all experts for dense
    scores); ``conflicted``: of those, the ones with a conflict of interest; ``no_capacity``: of
    the rest, the ones whose capacity is 0; ``eligible = candidates - conflicted - no_capacity``;
    ``busy``: eligible experts not assigned to the application whose capacity is fully used by
    other applications.
    """

    code: str
    need: int
    assigned: int
    candidates: int
    conflicted: int
    no_capacity: int
    eligible: int
    busy: int

    @property
    def missing(self) -> int:
        return self.need - self.assigned


@dataclass(frozen=True)
class Certificate:
    """The proof that an assignment is optimal (see the module doc, steps 2 and 5).

    ``max_count``: the count proved maximal; ``cut_capacity``: the capacity, over all pairs, of
    the cut that proves it (equal to ``max_count``); ``score_bound``: an upper bound on the total
    score of any assignment of ``max_count`` pairs; ``gap = score_bound - total_score``.
    """

    max_count: int
    cut_capacity: int
    score_bound: float
    gap: float
    rounds: int  # LP solves
    lp_pairs: int  # candidate pairs in the last LP
    added_by_cut: int  # pairs brought in by the cut checks (step 2)
    added_by_pricing: int  # pairs brought in by pricing (step 4)
    priced_pairs: int  # pairs outside the LP whose reduced gain was checked in the last round
    max_left_out_gain: float  # the largest reduced gain of a pair left out (<= tolerance)
    tolerance: float

    @property
    def relative_gap(self) -> float:
        return self.gap / max(1.0, abs(self.score_bound))


@dataclass(frozen=True)
class AssignmentResult:
    """An assignment: ``experts[a]`` is the sorted list of experts assigned to application ``a``
    and ``scores[a]`` their scores, in the same order."""

    experts: list[list[int]]
    scores: list[list[float]]
    total_score: float
    count: int
    reasons: dict[int, ShortfallReason]
    method: str  # "optimal" or "greedy"
    certificate: Certificate | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The assigned pairs as two arrays (application, expert)."""
        apps = np.repeat(np.arange(len(self.experts)), [len(e) for e in self.experts])
        exps = np.fromiter((j for e in self.experts for j in e), dtype=np.int64, count=len(apps))
        return apps.astype(np.int64), exps


@dataclass(frozen=True)
class FeasibilityReport:
    """Violations found by :func:`check_feasibility` (all zero for a feasible assignment)."""

    conflicts: int
    over_capacity: int  # experts assigned more than their capacity
    over_need: int  # applications given more experts than they need
    repeated: int  # (application, expert) pairs assigned more than once
    out_of_range: int

    @property
    def feasible(self) -> bool:
        return not (
            self.conflicts
            or self.over_capacity
            or self.over_need
            or self.repeated
            or self.out_of_range
        )


# ---------------------------------------------------------------------------------------------
# Public functions


def assign_experts(
    scores: SparseScores | DenseScores,
    *,
    need,
    capacity,
    conflicts: Iterable | None = None,
    candidates_per_application: int | None = None,
    block_rows: int | None = None,
    tolerance: float = 1e-9,
) -> AssignmentResult:
    """The optimal assignment: the most pairs, then the best total score (module doc).

    ``need``: reviewers per application, an int or one int per application. ``capacity``: an
    int or one int per expert. ``conflicts``: ``(application, expert)`` pairs that must never be
    assigned (an array of shape (m, 2) or an iterable of pairs). ``candidates_per_application``
    and ``block_rows`` tune the dense case only. ``tolerance``: pairs left out of the LP whose
    reduced gain exceeds ``tolerance × max(1, largest score)`` are brought in.
    """
    t_start = time.perf_counter()
    prob = _Problem.build(scores, need, capacity, conflicts)
    timings: dict[str, float] = {}
    dense = isinstance(scores, DenseScores)
    rows_per_block = block_rows or max(1, _BLOCK_ENTRIES // max(1, prob.n_e))

    t = time.perf_counter()
    if dense:
        L = candidates_per_application or (2 * int(prob.need.max(initial=0)) + 2)
        ea, ej, es, _ = _dense_candidates(
            prob, scores, np.flatnonzero(prob.need > 0), L, rows_per_block, exact_ties=False
        )
    else:
        L = 0
        ea, ej, es = prob.sparse_valid
    cand = _Candidates(prob.n_e, ea, ej, es)
    timings["candidates"] = time.perf_counter() - t
    scale = max(1.0, float(es.max(initial=0.0)))
    tol = tolerance * scale

    # Step 2: maximum count, with the cut checked over all pairs.
    added_by_cut = added_by_pricing = 0
    t_flow = t_cut = 0.0
    cut_capacity = -1
    while True:
        t = time.perf_counter()
        count, got, cuts = _max_flow(prob, cand)
        t_flow += time.perf_counter() - t
        if not dense:
            cut_capacity = count  # every pair that may be assigned is a candidate
            break
        t = time.perf_counter()
        crossing = [_crossings(prob, cand, *cut) for cut in cuts]
        cut_capacity = count + min(crossing)
        if min(crossing) == 0:
            t_cut += time.perf_counter() - t
            break
        cut = cuts[int(np.argmin(crossing))]
        # A few pairs per application at a time (as many as it lacks, at least one): the
        # maximum flow is cheap to run again, a larger LP is not.
        per_app = np.clip(prob.need - got, 1, L)
        more = _dense_cut_crossings(prob, scores, cand, *cut, per_app, rows_per_block)
        t_cut += time.perf_counter() - t
        new = cand.add(*more)
        if not new:  # cannot happen: the crossing pairs counted are not candidates
            raise RuntimeError("the cut check found no new pair to add")
        added_by_cut += new
    timings["max_flow"] = t_flow
    if dense:
        timings["cut_check"] = t_cut

    # Steps 3-4: best score at that count, priced over all pairs.
    rounds = 0
    t_lp = t_price = 0.0
    priced = 0
    left_out_z = 0.0
    max_left_out = -math.inf
    while True:
        t = time.perf_counter()
        x, u, v, lam = _solve_lp(prob, cand, count)
        rounds += 1
        t_lp += time.perf_counter() - t
        if not dense or count == 0:
            break
        t = time.perf_counter()
        more, priced, left_out_z, max_left_out = _dense_pricing(
            prob, scores, cand, u, v, lam, tol, L, rows_per_block
        )
        t_price += time.perf_counter() - t
        if more is None:
            break
        new = cand.add(*more)
        if not new:  # cannot happen: the pairs priced are not candidates
            raise RuntimeError("pricing found no new pair to add")
        added_by_pricing += new
    timings["lp"] = t_lp
    if dense:
        timings["pricing"] = t_price

    # Step 5: certificate.
    t = time.perf_counter()
    sel = x.astype(bool)
    total = math.fsum(cand.s[sel].tolist())
    if count == 0:
        bound = 0.0  # no pair can be assigned at all: λ may be taken as large as needed
    else:
        r = cand.s - u[cand.a] - v[cand.j] - lam
        bound = math.fsum(
            [
                float(np.dot(prob.need.astype(np.float64), u)),
                float(np.dot(prob.cap.astype(np.float64), v)),
                count * lam,
                float(np.maximum(r, 0.0).sum()),
                left_out_z,
            ]
        )
    certificate = Certificate(
        max_count=count,
        cut_capacity=cut_capacity,
        score_bound=bound,
        gap=max(0.0, bound - total),
        rounds=rounds,
        lp_pairs=len(cand.a),
        added_by_cut=added_by_cut,
        added_by_pricing=added_by_pricing,
        priced_pairs=priced,
        max_left_out_gain=max_left_out if dense else -math.inf,
        tolerance=tol,
    )
    timings["certificate"] = time.perf_counter() - t

    t = time.perf_counter()
    result = _result(prob, scores, cand.a[sel], cand.j[sel], cand.s[sel], "optimal")
    timings["result"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_start
    return AssignmentResult(
        experts=result.experts,
        scores=result.scores,
        total_score=total,
        count=int(sel.sum()),
        reasons=result.reasons,
        method="optimal",
        certificate=certificate,
        timings=timings,
    )


def assign_greedy(
    scores: SparseScores | DenseScores,
    *,
    need,
    capacity,
    conflicts: Iterable | None = None,
    block_rows: int | None = None,
) -> AssignmentResult:
    """The greedy baseline: pairs by score, best first (ties: lower application index, then
    lower expert index), each taken if the application still needs someone and the expert has
    capacity left. Feasible, but neither the most pairs nor the best score in general.

    Dense scores: the greedy runs on each application's best pairs only, and the lists of the
    applications left short that could still take a pair outside their list are lengthened
    until there are none; the result is then the greedy over all pairs. (A pair outside an
    application's list comes after the whole list in the order; it is rejected if the
    application is full by then, or if its expert was full by then.)
    """
    t_start = time.perf_counter()
    prob = _Problem.build(scores, need, capacity, conflicts)
    if isinstance(scores, SparseScores):
        ea, ej, es = prob.sparse_valid
        take = _greedy(prob, ea, ej, es)[0]
        a, j, s = ea[take], ej[take], es[take]
    else:
        rows_per_block = block_rows or max(1, _BLOCK_ENTRIES // max(1, prob.n_e))
        lengths = np.zeros(prob.n_a, dtype=np.int64)
        lengths[prob.need > 0] = prob.need[prob.need > 0] + 2
        parts: dict[int, tuple] = {}
        todo = np.flatnonzero(prob.need > 0)
        exhausted = np.zeros(prob.n_a, dtype=bool)
        while True:
            if len(todo):
                ca, cj, cs, exh = _dense_candidates(
                    prob, scores, todo, lengths[todo], rows_per_block, exact_ties=True
                )
                exhausted[todo] = exh
                bounds = (
                    np.searchsorted(ca, todo, side="left"),
                    np.searchsorted(ca, todo, side="right"),
                )
                for i, app in enumerate(todo.tolist()):
                    lo, hi = bounds[0][i], bounds[1][i]
                    parts[app] = (ca[lo:hi], cj[lo:hi], cs[lo:hi])
            ea = np.concatenate([parts[k][0] for k in sorted(parts)] or [np.empty(0, np.int64)])
            ej = np.concatenate([parts[k][1] for k in sorted(parts)] or [np.empty(0, np.int64)])
            es = np.concatenate([parts[k][2] for k in sorted(parts)] or [np.empty(0)])
            take, fill_score, fill_app = _greedy(prob, ea, ej, es)
            got = np.bincount(ea[take], minlength=prob.n_a)
            short = np.flatnonzero((got < prob.need) & ~exhausted)
            threshold = np.full(prob.n_a, math.inf)
            np.minimum.at(threshold, ea, es)
            todo = _greedy_needs_more(
                prob, short, threshold, ea[take], ej[take], fill_score, fill_app
            )
            if not len(todo):
                break
            lengths[todo] *= 2
        a, j, s = ea[take], ej[take], es[take]
    result = _result(prob, scores, a, j, s, "greedy")
    return AssignmentResult(
        experts=result.experts,
        scores=result.scores,
        total_score=math.fsum(s.tolist()),
        count=len(a),
        reasons=result.reasons,
        method="greedy",
        certificate=None,
        timings={"total": time.perf_counter() - t_start},
    )


def check_feasibility(
    result: AssignmentResult, *, n_experts: int, need, capacity, conflicts: Iterable | None = None
) -> FeasibilityReport:
    """Count the violations of an assignment, independently of how it was computed."""
    n_a = len(result.experts)
    need_a = _per_item(need, n_a, "need")
    cap = _per_item(capacity, n_experts, "capacity")
    apps, exps = result.pairs()
    out = int(((exps < 0) | (exps >= n_experts)).sum())
    ok = (exps >= 0) & (exps < n_experts)
    apps, exps = apps[ok], exps[ok]
    keys = apps * n_experts + exps
    repeated = len(keys) - len(_unique_sorted(keys))
    conf = _conflict_keys(conflicts, n_a, n_experts)
    n_conf = int(np.isin(keys, conf).sum())
    load = np.bincount(exps, minlength=n_experts)
    got = np.bincount(apps, minlength=n_a)
    return FeasibilityReport(
        conflicts=n_conf,
        over_capacity=int((load > cap).sum()),
        over_need=int((got > need_a).sum()),
        repeated=int(repeated),
        out_of_range=out,
    )


# ---------------------------------------------------------------------------------------------
# Problem data


def _check_indices(idx: np.ndarray, n: int, what: str) -> None:
    if len(idx) and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"{what} index out of range 0..{n - 1}")


def _per_item(value, n: int, what: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(n, arr)
    if arr.shape != (n,):
        raise ValueError(f"{what} must be an int or an array of {n} ints")
    if arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{what} must be integers")
    elif arr.dtype.kind not in "iub":
        raise ValueError(f"{what} must be integers")
    arr = arr.astype(np.int64)
    if len(arr) and arr.min() < 0:
        raise ValueError(f"{what} must be >= 0")
    return arr


def _conflict_keys(conflicts, n_a: int, n_e: int) -> np.ndarray:
    """Conflicts as sorted unique keys ``a * n_e + j``."""
    if conflicts is None:
        return np.empty(0, dtype=np.int64)
    if not isinstance(conflicts, np.ndarray):
        conflicts = list(conflicts)
    pairs = np.asarray(conflicts, dtype=np.int64).reshape(-1, 2)
    _check_indices(pairs[:, 0], n_a, "conflict application")
    _check_indices(pairs[:, 1], n_e, "conflict expert")
    return _unique_sorted(pairs[:, 0] * n_e + pairs[:, 1])


def _unique_sorted(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hash path is slow on millions of int64 keys)."""
    keys = np.sort(keys)
    if len(keys) > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


@dataclass
class _Problem:
    n_a: int
    n_e: int
    need: np.ndarray
    cap: np.ndarray
    conflicts: np.ndarray  # sorted unique keys a * n_e + j
    sparse_valid: tuple[np.ndarray, np.ndarray, np.ndarray] | None

    @classmethod
    def build(cls, scores, need, capacity, conflicts) -> _Problem:
        if not isinstance(scores, SparseScores | DenseScores):
            raise TypeError("scores must be SparseScores or DenseScores")
        n_a, n_e = int(scores.n_applications), int(scores.n_experts)
        if n_a < 0 or n_e < 0:
            raise ValueError("negative size")
        need_a = _per_item(need, n_a, "need")
        cap = _per_item(capacity, n_e, "capacity")
        conf = _conflict_keys(conflicts, n_a, n_e)
        valid = None
        if isinstance(scores, SparseScores):
            a, j, s = scores.application, scores.expert, scores.score
            ok = (need_a[a] > 0) & (cap[j] > 0) & ~np.isin(a * n_e + j, conf)
            order = np.lexsort((j[ok], a[ok]))
            valid = (a[ok][order], j[ok][order], s[ok][order])
        return cls(n_a, n_e, need_a, cap, conf, valid)

    def conflicts_in_rows(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(self.conflicts, [start * self.n_e, stop * self.n_e])
        keys = self.conflicts[lo:hi]
        return keys // self.n_e - start, keys % self.n_e


class _Candidates:
    """The pairs the LP and the flow work on, kept sorted by (application, expert)."""

    def __init__(self, n_e: int, a: np.ndarray, j: np.ndarray, s: np.ndarray):
        self.n_e = n_e
        self.a, self.j, self.s = a.astype(np.int64), j.astype(np.int64), s.astype(np.float64)
        self._sort()

    def _sort(self) -> None:
        keys = self.a * self.n_e + self.j
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.a, self.j, self.s = self.a[order], self.j[order], self.s[order]

    def add(self, a: np.ndarray, j: np.ndarray, s: np.ndarray) -> int:
        keys = a * self.n_e + j
        new = ~np.isin(keys, self.keys)
        self.a = np.concatenate([self.a, a[new]])
        self.j = np.concatenate([self.j, j[new]])
        self.s = np.concatenate([self.s, s[new]])
        self._sort()
        return int(new.sum())

    def in_rows(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(self.keys, [start * self.n_e, stop * self.n_e])
        return self.a[lo:hi] - start, self.j[lo:hi]


# ---------------------------------------------------------------------------------------------
# Dense scores, block by block


def _blocks(rows: np.ndarray, rows_per_block: int):
    """Group sorted application indices into ranges [start, stop) of at most rows_per_block rows,
    from the first to the last of them; yields (start, stop, the indices in the range)."""
    i = 0
    n = len(rows)
    while i < n:
        start = int(rows[i])
        k = int(np.searchsorted(rows, start + rows_per_block, side="left"))
        yield start, int(rows[k - 1]) + 1, rows[i:k]
        i = k


def _read_block(prob: _Problem, scores: DenseScores, start: int, stop: int) -> np.ndarray:
    """Scores of rows start..stop-1 as a fresh float64 array, with conflicts and experts of
    capacity 0 set to -inf."""
    raw = scores.block(start, stop)
    block = np.array(raw, dtype=np.float64, copy=True)
    if block.shape != (stop - start, prob.n_e):
        raise ValueError(
            f"block({start}, {stop}) returned shape {block.shape}, "
            f"expected {(stop - start, prob.n_e)}"
        )
    if block.size and not (block.min() >= 0 and block.max() < math.inf):
        raise ValueError("scores must be finite and non-negative")
    r, c = prob.conflicts_in_rows(start, stop)
    block[r, c] = -math.inf
    block[:, prob.cap == 0] = -math.inf
    return block


def _top_per_row(block: np.ndarray, lengths: np.ndarray, exact_ties: bool):
    """Each row's ``lengths[i]`` best finite entries, in order (score descending, then column).

    With exact_ties, among equal scores at the threshold the lower columns are kept, so the
    selection is a prefix of the row in that order. Returns (row, column, score, exhausted),
    exhausted meaning the row has no finite entry outside its selection.
    """
    n_rows, n = block.shape
    L = int(min(int(lengths.max(initial=0)), n))
    if L == 0 or n_rows == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0), np.isfinite(block).sum(axis=1) == 0
    if n > L:
        part = np.argpartition(block, n - L, axis=1)[:, n - L :]
    else:
        part = np.broadcast_to(np.arange(n), (n_rows, n)).copy()
    vals = np.take_along_axis(block, part, axis=1)
    thr = vals.min(axis=1)
    at_least = (block >= thr[:, None]).sum(axis=1)
    finite = np.isfinite(block).sum(axis=1)
    exhausted = finite <= lengths
    if exact_ties:
        for i in np.flatnonzero((at_least > L) & np.isfinite(thr)):
            row = block[i]
            above = np.flatnonzero(row > thr[i])
            equal = np.flatnonzero(row == thr[i])[: L - len(above)]
            part[i] = np.concatenate([above, equal])
            vals[i] = row[part[i]]
    order = np.lexsort((part, -vals), axis=1)
    part = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    keep = np.isfinite(vals) & (np.arange(L)[None, :] < lengths[:, None])
    rows = np.broadcast_to(np.arange(n_rows)[:, None], (n_rows, L))
    return rows[keep], part[keep], vals[keep], exhausted


def _dense_candidates(prob, scores, rows, lengths, rows_per_block, exact_ties):
    """The best ``lengths`` pairs of each application in ``rows`` (sorted), block by block."""
    rows = np.asarray(rows, dtype=np.int64)
    lengths = np.broadcast_to(np.asarray(lengths, dtype=np.int64), rows.shape)
    out_a, out_j, out_s, out_ex = [], [], [], []
    pos = 0
    for start, stop, in_block in _blocks(rows, rows_per_block):
        block = _read_block(prob, scores, start, stop)[in_block - start]
        ln = lengths[pos : pos + len(in_block)]
        pos += len(in_block)
        r, c, s, ex = _top_per_row(block, ln, exact_ties)
        out_a.append(in_block[r])
        out_j.append(c)
        out_s.append(s)
        out_ex.append(ex)
    if not out_a:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0), np.empty(0, dtype=bool)
    return (
        np.concatenate(out_a),
        np.concatenate(out_j).astype(np.int64),
        np.concatenate(out_s),
        np.concatenate(out_ex),
    )


def _dense_cut_crossings(prob, scores, cand, reach_app, reach_exp, per_app, rows_per_block):
    """Pairs outside the candidates from an application on the source side of the cut to an
    expert on its sink side (the best ``per_app[a]`` of application a); the caller knows there
    are some."""
    rows = np.flatnonzero(reach_app & (prob.need > 0))
    out_a, out_j, out_s = [], [], []
    for start, stop, in_block in _blocks(rows, rows_per_block):
        block = _read_block(prob, scores, start, stop)
        ca, cj = cand.in_rows(start, stop)
        block[ca, cj] = -math.inf
        block[:, reach_exp] = -math.inf
        block = block[in_block - start]
        r, c, s, _ = _top_per_row(block, per_app[in_block], exact_ties=False)
        out_a.append(in_block[r])
        out_j.append(c)
        out_s.append(s)
    return np.concatenate(out_a), np.concatenate(out_j), np.concatenate(out_s)


def _dense_pricing(prob, scores, cand, u, v, lam, tol, L, rows_per_block):
    """Reduced gains of every pair outside the candidates. Returns (pairs to add or None,
    number of pairs priced, Σ max(0, r) over the pairs left out, their largest r)."""
    rows = np.flatnonzero(prob.need > 0)
    out_a, out_j, out_s = [], [], []
    priced = 0
    z_left = []
    max_left = -math.inf
    for start, stop, in_block in _blocks(rows, rows_per_block):
        block = _read_block(prob, scores, start, stop)
        ca, cj = cand.in_rows(start, stop)
        block[ca, cj] = -math.inf
        if len(in_block) != stop - start:
            block[np.setdiff1d(np.arange(start, stop), in_block) - start] = -math.inf
        gain = block - u[start:stop, None]
        gain -= v[None, :]
        gain -= lam
        priced += int(np.isfinite(block).sum())
        over = gain > tol
        if over.any():
            r, c = np.nonzero(over)
            g = gain[r, c]
            order = np.lexsort((-g, r))
            r, c, g = r[order], c[order], g[order]
            first = np.searchsorted(r, r, side="left")
            keep = (np.arange(len(r)) - first) < L
            out_a.append(r[keep] + start)
            out_j.append(c[keep])
            out_s.append(block[r[keep], c[keep]])
        small = (gain > 0) & ~over
        if small.any():
            z_left.append(float(gain[small].sum()))
        max_left = max(max_left, float(np.max(gain, where=~over, initial=-math.inf)))
    z = math.fsum(z_left)
    if out_a and sum(len(a) for a in out_a):
        return (
            (np.concatenate(out_a), np.concatenate(out_j), np.concatenate(out_s)),
            priced,
            z,
            (max_left),
        )
    return None, priced, z, max_left


# ---------------------------------------------------------------------------------------------
# Max flow, LP, greedy


def _max_flow(prob: _Problem, cand: _Candidates):
    """Maximum count on the candidates, the count per application, and the source sides
    (applications, experts) of two
    minimum cuts: the smallest (nodes reachable from the source in the residual network) and
    the largest (nodes that cannot reach the sink in it)."""
    n_a, n_e = prob.n_a, prob.n_e
    src, sink = 0, n_a + n_e + 1
    n_nodes = n_a + n_e + 2
    apps = np.arange(n_a)
    exps = np.arange(n_e)
    rows = np.concatenate([np.zeros(n_a, np.int64), cand.a + 1, exps + n_a + 1])
    cols = np.concatenate([apps + 1, cand.j + n_a + 1, np.full(n_e, sink, np.int64)])
    caps = np.concatenate([prob.need, np.ones(len(cand.a), np.int64), prob.cap])
    keep = caps > 0
    graph = sparse.csr_array(
        (caps[keep].astype(np.int32), (rows[keep], cols[keep])), shape=(n_nodes, n_nodes)
    )
    res = maximum_flow(graph, src, sink, method="dinic")
    residual = (graph - res.flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    from_source = np.zeros(n_nodes, dtype=bool)
    from_source[breadth_first_order(residual, src, return_predecessors=False)] = True
    to_sink = np.zeros(n_nodes, dtype=bool)
    to_sink[breadth_first_order(residual.T.tocsr(), sink, return_predecessors=False)] = True
    smallest = from_source
    largest = ~to_sink
    cuts = [(side[1 : n_a + 1], side[n_a + 1 : n_a + n_e + 1]) for side in (smallest, largest)]
    flow = res.flow.tocsr()
    got = np.zeros(n_a, dtype=np.int64)
    lo, hi = flow.indptr[src], flow.indptr[src + 1]
    targets, values = flow.indices[lo:hi], flow.data[lo:hi]
    is_app = (targets >= 1) & (targets <= n_a)
    got[targets[is_app] - 1] = values[is_app]
    return int(res.flow_value), got, cuts


def _crossings(prob: _Problem, cand: _Candidates, s_app: np.ndarray, s_exp: np.ndarray) -> int:
    """Number of pairs outside the candidates (not conflicted, capacity > 0) from an application
    on the source side of a cut to an expert on the sink side: what the cut gains over all
    pairs. Computed from counts, without reading any score."""
    # Applications that need no one count as on the sink side (their source arc has capacity 0).
    s_app = s_app & (prob.need > 0)
    rows = np.flatnonzero(s_app)
    if not len(rows):
        return 0
    outside = ~s_exp & (prob.cap > 0)
    n_e = max(1, prob.n_e)
    c_app, c_exp = prob.conflicts // n_e, prob.conflicts % n_e
    conf_out = (s_app[c_app] & outside[c_exp]).sum()
    cand_out = (s_app[cand.a] & outside[cand.j]).sum()
    return int(len(rows) * int(outside.sum()) - conf_out - cand_out)


def _solve_lp(prob: _Problem, cand: _Candidates, count: int):
    """Best score among assignments of ``count`` candidate pairs: (x, u, v, λ)."""
    u = np.zeros(prob.n_a)
    v = np.zeros(prob.n_e)
    m = len(cand.a)
    if count == 0 or m == 0:
        return np.zeros(m, dtype=np.int8), u, v, 0.0
    apps, a_loc = np.unique(cand.a, return_inverse=True)
    exps, j_loc = np.unique(cand.j, return_inverse=True)
    n_ua, n_ue = len(apps), len(exps)
    cols = np.arange(m)
    a_ub = sparse.csr_array(
        (
            np.ones(2 * m),
            (np.concatenate([a_loc, j_loc + n_ua]), np.concatenate([cols, cols])),
        ),
        shape=(n_ua + n_ue, m),
    )
    b_ub = np.concatenate([prob.need[apps], prob.cap[exps]]).astype(np.float64)
    a_eq = sparse.csr_array(np.ones((1, m)))
    tight = {"dual_feasibility_tolerance": 1e-10, "primal_feasibility_tolerance": 1e-10}
    attempts = [("highs-ds", tight), ("highs-ds", {})]
    if m >= _IPM_MIN_PAIRS:
        attempts = [("highs-ipm", tight), ("highs-ipm", {}), *attempts]
    messages = []
    for method, options in attempts:
        res = linprog(
            -cand.s,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=[float(count)],
            bounds=(0, 1),
            method=method,
            options=options,
        )
        if res.status != 0 or res.x is None:
            messages.append(f"{method}: {res.message}")
            continue
        xi = np.round(res.x).astype(np.int8)
        # Integral, and (checked in integers) feasible with exactly `count` pairs.
        if (
            np.abs(res.x - xi).max(initial=0.0) <= _INTEGRALITY
            and int(xi.sum()) == count
            and not (np.bincount(a_loc, weights=xi, minlength=n_ua) > prob.need[apps]).any()
            and not (np.bincount(j_loc, weights=xi, minlength=n_ue) > prob.cap[exps]).any()
        ):
            break
        messages.append(f"{method}: solution not integral or not feasible once rounded")
    else:
        raise RuntimeError("HiGHS did not solve the assignment LP: " + "; ".join(messages))
    marg = res.ineqlin.marginals
    u[apps] = np.maximum(0.0, -marg[:n_ua])
    v[exps] = np.maximum(0.0, -marg[n_ua:])
    lam = float(-res.eqlin.marginals[0])
    return xi, u, v, lam


def _greedy(prob: _Problem, a: np.ndarray, j: np.ndarray, s: np.ndarray):
    """The pairs the greedy takes, in the order (score desc, application, expert): their indices,
    and for each expert the pair that used up its capacity (score, application; NaN and -1 if
    it was never full)."""
    order = np.lexsort((j, a, -s))
    need_left = prob.need.tolist()
    cap_left = prob.cap.tolist()
    fill_score = [math.nan] * prob.n_e
    fill_app = [-1] * prob.n_e
    taken = []
    a_l, j_l, s_l = a.tolist(), j.tolist(), s.tolist()
    for i in order.tolist():
        ai, ji = a_l[i], j_l[i]
        if need_left[ai] > 0 and cap_left[ji] > 0:
            need_left[ai] -= 1
            cap_left[ji] -= 1
            taken.append(i)
            if cap_left[ji] == 0:
                fill_score[ji], fill_app[ji] = s_l[i], ai
    return (
        np.array(sorted(taken), dtype=np.int64),
        np.array(fill_score, dtype=np.float64),
        np.array(fill_app, dtype=np.int64),
    )


def _greedy_needs_more(prob, short, threshold, a_taken, j_taken, fill_score, fill_app):
    """Of the applications ``short`` (left short, with pairs outside their lists, the lowest
    score in their list being ``threshold``), those for which a pair outside the list might
    still be taken by the greedy over all pairs.

    A pair (a, j) outside a's list comes after (-threshold[a], a) in the greedy's order; if
    expert j was already full by then, the greedy over all pairs rejects it too. So ``a`` is
    settled when every expert with capacity, not conflicted with ``a`` and not assigned to it,
    was filled by a pair that comes before (-threshold[a], a)."""
    if not len(short):
        return short
    filled = fill_app >= 0

    def good(j: np.ndarray, apps: np.ndarray) -> np.ndarray:
        thr = threshold[apps]
        fs, fa = fill_score[j], fill_app[j]
        return filled[j] & ((fs > thr) | ((fs == thr) & (fa < apps)))

    # Experts filled before (-threshold[a], a), counted by searching the sorted fill keys.
    order = np.lexsort((fill_app[filled], -fill_score[filled]))
    keys_s = -fill_score[filled][order]
    apps_s = fill_app[filled][order]
    thr = threshold[short]
    lo = np.searchsorted(keys_s, -thr, side="left")
    hi = np.searchsorted(keys_s, -thr, side="right")
    n_good = lo.copy()
    for i in np.flatnonzero(hi > lo).tolist():
        n_good[i] += int(np.searchsorted(apps_s[lo[i] : hi[i]], short[i], side="left"))
    n_bad = int((prob.cap > 0).sum()) - n_good
    # Less the bad ones that do not count: conflicted with the application or assigned to it.
    pos = np.full(prob.n_a, -1, dtype=np.int64)
    pos[short] = np.arange(len(short))
    n_e = max(1, prob.n_e)
    c_app, c_exp = prob.conflicts // n_e, prob.conflicts % n_e
    sel = (pos[c_app] >= 0) & (prob.cap[c_exp] > 0)
    c_app, c_exp = c_app[sel], c_exp[sel]
    bad_conf = np.bincount(pos[c_app], weights=~good(c_exp, c_app), minlength=len(short))
    sel = pos[a_taken] >= 0
    t_app, t_exp = a_taken[sel], j_taken[sel]
    bad_taken = np.bincount(pos[t_app], weights=~good(t_exp, t_app), minlength=len(short))
    return short[n_bad - np.rint(bad_conf + bad_taken).astype(np.int64) > 0]


# ---------------------------------------------------------------------------------------------
# Result and reasons


@dataclass
class _Parts:
    experts: list[list[int]]
    scores: list[list[float]]
    reasons: dict[int, ShortfallReason]


def _result(prob: _Problem, scores, a: np.ndarray, j: np.ndarray, s: np.ndarray, method: str):
    order = np.lexsort((j, a))
    a, j, s = a[order], j[order], s[order]
    bounds = np.searchsorted(a, np.arange(prob.n_a + 1))
    j_l, s_l = j.tolist(), s.tolist()
    experts = [j_l[bounds[i] : bounds[i + 1]] for i in range(prob.n_a)]
    score_lists = [s_l[bounds[i] : bounds[i + 1]] for i in range(prob.n_a)]
    got = np.diff(bounds)
    load = np.bincount(j, minlength=prob.n_e)
    full = (load >= prob.cap) & (prob.cap > 0)
    short = np.flatnonzero(got < prob.need)
    reasons: dict[int, ShortfallReason] = {}
    if len(short) == 0:
        return _Parts(experts, score_lists, reasons)
    conf_app = prob.conflicts // max(1, prob.n_e)
    conf_exp = prob.conflicts % max(1, prob.n_e)
    if isinstance(scores, SparseScores):
        sa, sj = scores.application, scores.expert
        listed = np.isin(sa, short)
        sa, sj = sa[listed], sj[listed]
        conflicted = np.isin(sa * prob.n_e + sj, prob.conflicts)
        no_cap = ~conflicted & (prob.cap[sj] == 0)
        eligible = ~conflicted & ~no_cap
        assigned_keys = a * prob.n_e + j
        busy = eligible & full[sj] & ~np.isin(sa * prob.n_e + sj, assigned_keys)
        per = {
            "candidates": np.bincount(sa, minlength=prob.n_a),
            "conflicted": np.bincount(sa, weights=conflicted.astype(float), minlength=prob.n_a),
            "no_capacity": np.bincount(sa, weights=no_cap.astype(float), minlength=prob.n_a),
            "eligible": np.bincount(sa, weights=eligible.astype(float), minlength=prob.n_a),
            "busy": np.bincount(sa, weights=busy.astype(float), minlength=prob.n_a),
        }
    else:
        n_cap0 = int((prob.cap == 0).sum())
        n_full = int(full.sum())
        conflicted = np.bincount(conf_app, minlength=prob.n_a)
        conf_cap0 = np.bincount(
            conf_app, weights=(prob.cap[conf_exp] == 0).astype(float), minlength=prob.n_a
        )
        conf_full = np.bincount(conf_app, weights=full[conf_exp].astype(float), minlength=prob.n_a)
        own_full = np.bincount(a, weights=full[j].astype(float), minlength=prob.n_a)
        no_cap = n_cap0 - conf_cap0
        eligible = prob.n_e - conflicted - no_cap
        per = {
            "candidates": np.full(prob.n_a, prob.n_e),
            "conflicted": conflicted,
            "no_capacity": no_cap,
            "eligible": eligible,
            "busy": n_full - conf_full - own_full,
        }
    per = {key: np.rint(value).astype(np.int64) for key, value in per.items()}
    for i in short.tolist():
        eligible_i = int(per["eligible"][i])
        need_i = int(prob.need[i])
        reasons[i] = ShortfallReason(
            code=TOO_FEW_ELIGIBLE if eligible_i < need_i else CAPACITY_TAKEN,
            need=need_i,
            assigned=int(got[i]),
            candidates=int(per["candidates"][i]),
            conflicted=int(per["conflicted"][i]),
            no_capacity=int(per["no_capacity"][i]),
            eligible=eligible_i,
            busy=int(per["busy"][i]),
        )
    return _Parts(experts, score_lists, reasons)
