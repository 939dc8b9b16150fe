"""Expert-assignment benchmark: the exact solver against the greedy baseline, every pair a candidate.

    python bench/assignment.py                  # 10,000 applications × 20,000 experts (~1 min)
    python bench/assignment.py --scale 0.01     # a quick run (100 × 200)
    python bench/assignment.py --no-greedy      # the optimal assignment only

The instance (fixed seed): each application needs ``--reviewers`` experts, each expert reviews
at most ``--capacity`` applications, ``--conflicts`` of all pairs (random pairs) are conflicts of
interest, and every other pair is a candidate with a uniform random field-match score in
[0, 1). The scores are never held as a matrix: the solver reads them block by block from a
generator that draws each application's row from its own seeded stream, so the same row comes
back the same whichever block asks for it.

It times :func:`assign_experts` (the phases: candidates, maximum flow and cut check, LP,
pricing, certificate) and :func:`assign_greedy`, checks both assignments independently
(conflicts, capacities, needs, repeated pairs, and the total re-read from the generator), and
prints the certificate: the count proved maximal by a cut over all pairs, the bound on the score
given by the LP duals over all pairs, and the gap between them and the assignment found.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kechuang.projects.domain.assignment import (
    AssignmentResult,
    DenseScores,
    assign_experts,
    assign_greedy,
    check_feasibility,
)

SEED = 20261123
TARGET_S = 60.0


def generated_scores(n_applications: int, n_experts: int, seed: int) -> DenseScores:
    """Uniform scores in [0, 1); row ``a`` comes from the stream seeded (seed, a)."""

    def block(start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, n_experts))
        for i, row in enumerate(range(start, stop)):
            np.random.default_rng([seed, row]).random(out=out[i])
        return out

    return DenseScores(n_applications, n_experts, block)


def random_conflicts(n_applications: int, n_experts: int, share: float, seed: int) -> np.ndarray:
    """``share`` of all pairs, distinct, as an (m, 2) array."""
    total = n_applications * n_experts
    m = round(share * total)
    if m == 0:
        return np.empty((0, 2), dtype=np.int64)
    rng = np.random.default_rng([seed, -1 % 2**32])
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < m:
        keys = np.sort(np.concatenate([keys, rng.integers(0, total, size=int(m * 1.05) + 16)]))
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    keys = rng.permutation(keys)[:m]
    return np.column_stack([keys // n_experts, keys % n_experts])


def rescored_total(result: AssignmentResult, scores: DenseScores, rows_per_block: int) -> float:
    """The assignment's total score with every score read again from the generator."""
    parts = []
    n = scores.n_applications
    for start in range(0, n, rows_per_block):
        stop = min(n, start + rows_per_block)
        block = scores.block(start, stop)
        for a in range(start, stop):
            parts.extend(block[a - start, result.experts[a]].tolist())
    return math.fsum(parts)


def report(label: str, result: AssignmentResult, scores, need, capacity, conflicts, rows) -> bool:
    check = check_feasibility(
        result, n_experts=scores.n_experts, need=need, capacity=capacity, conflicts=conflicts
    )
    total = rescored_total(result, scores, rows)
    short = len(result.reasons)
    print(f"  assignments: {result.count:,}; total score {result.total_score:,.6f}")
    print(f"  applications not fully staffed: {short:,}")
    print(
        f"  check: {check.conflicts} conflicted, {check.over_capacity} over capacity, "
        f"{check.over_need} over need, {check.repeated} repeated pairs; total re-read "
        f"{total:,.6f} (difference {abs(total - result.total_score):.1e}) — "
        + ("feasible" if check.feasible else "NOT FEASIBLE")
    )
    return check.feasible


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 × 20,000")
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--experts", type=int, default=20_000)
    parser.add_argument("--reviewers", type=int, default=5, help="experts per application")
    parser.add_argument("--capacity", type=int, default=4, help="applications per expert")
    parser.add_argument("--conflicts", type=float, default=0.02, help="share of pairs")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--candidates", type=int, default=None, help="initial pairs per app")
    parser.add_argument("--no-greedy", action="store_true", help="skip the greedy baseline")
    args = parser.parse_args()

    n_a = max(1, round(args.applications * args.scale))
    n_e = max(1, round(args.experts * args.scale))
    print(
        f"instance (seed {args.seed}): {n_a:,} applications × {n_e:,} experts "
        f"({n_a * n_e:,} pairs, all candidates), {args.reviewers} reviewers each, capacity "
        f"{args.capacity} per expert, {args.conflicts:.0%} conflicts"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"numpy {np.__version__}, scipy {__import__('scipy').__version__}"
    )
    started = time.perf_counter()
    conflicts = random_conflicts(n_a, n_e, args.conflicts, args.seed)
    scores = generated_scores(n_a, n_e, args.seed)
    print(f"conflicts: {len(conflicts):,} pairs drawn in {time.perf_counter() - started:.1f} s")
    rows = max(1, 4_000_000 // n_e)

    print("\noptimal (assign_experts):", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    best = assign_experts(
        scores,
        need=args.reviewers,
        capacity=args.capacity,
        conflicts=conflicts,
        candidates_per_application=args.candidates,
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in best.timings.items() if k != "total")
    print(f"  time to the optimal assignment: {elapsed:.1f} s ({phases}); CPU {cpu:.1f} s")
    feasible = report("optimal", best, scores, args.reviewers, args.capacity, conflicts, rows)
    cert = best.certificate
    print(
        f"  certificate: maximum count {cert.max_count:,} (cut over all pairs of capacity "
        f"{cert.cut_capacity:,}); score ≤ {cert.score_bound:,.6f} for any assignment of that "
        f"count, gap {cert.gap:.2e} (relative {cert.relative_gap:.1e})"
    )
    print(
        f"  LP solves: {cert.rounds}; pairs in the last LP {cert.lp_pairs:,} "
        f"({cert.added_by_cut:,} brought in by the cut checks, {cert.added_by_pricing:,} by "
        f"pricing); pairs priced "
        f"in the last round {cert.priced_pairs:,}, largest reduced gain left out "
        f"{cert.max_left_out_gain:.2e} (tolerance {cert.tolerance:.0e})"
    )

    if not args.no_greedy:
        print("\ngreedy baseline (assign_greedy):", flush=True)
        started, cpu = time.perf_counter(), time.process_time()
        greedy = assign_greedy(
            scores, need=args.reviewers, capacity=args.capacity, conflicts=conflicts
        )
        g_elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"  time: {g_elapsed:.1f} s; CPU {cpu:.1f} s")
        feasible &= report("greedy", greedy, scores, args.reviewers, args.capacity, conflicts, rows)
        d_count = best.count - greedy.count
        d_score = best.total_score - greedy.total_score
        print(
            f"\ngap optimal − greedy: {d_count:+,} assignments, {d_score:+,.6f} score "
            f"({d_score / max(1e-12, greedy.total_score):+.2e} of the greedy total)"
        )
    met = elapsed <= TARGET_S
    print(
        f"\ntarget: optimal within {TARGET_S:.0f} s — "
        + ("met" if met else "NOT met")
        + f" ({elapsed:.1f} s); assignments feasible: {'yes' if feasible else 'NO'}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
