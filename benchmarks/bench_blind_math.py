"""Precision and recall of the math grader, and of Math-Verify, on the blind corpus of dataset answer styles.

    python benchmarks/bench_blind_math.py [--smoke] [--corpus PATH]

The corpus (tests/verifiers/blind_math_corpus.yaml) holds [style, gold, response, expected] pairs in
the answer styles of MATH, AIME, AMC, GSM8K and Olympiad sets, labelled `correct`/`wrong` by hand
before any grader ran on it. Each pair is graded by our grader (`grade` with data_source `math__blind`)
and by Math-Verify called the way verl's `reward_score/math_verify.py` calls it (gold wrapped in
\\boxed{}, gold parsed as LaTeX, response as expression or LaTeX). Prints precision (passed and correct
/ passed), recall (passed and correct / correct) and accuracy per style for both, then every pair
where our verdict differs from the label. ``--smoke`` grades the first 10 pairs only.
To measure another version of the grader, put its src first: PYTHONPATH=/path/to/src python ...
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import yaml

from difficulty_filter import config
from difficulty_filter.outcomes import ScoreRequest
from difficulty_filter.verifiers import grade

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "verifiers" / "blind_math_corpus.yaml"
STYLES = ("MATH", "AIME", "AMC", "GSM8K", "Olympiad")


def load(path: Path = CORPUS) -> list[tuple[str, str, str, bool]]:
    """(style, gold, response, expected_correct) for every pair in the corpus."""
    rows = yaml.safe_load(path.read_text())
    return [(style, gold, response, expected == "correct") for style, gold, response, expected in rows]


def ours(gold: str, response: str, settings=None) -> bool:
    """Our grader's pass decision."""
    return grade(ScoreRequest("math__blind", response, gold), settings or config.section("reward")).passed


def math_verify(gold: str, response: str) -> bool:
    """Math-Verify as verl's reward_score/math_verify.compute_score calls it (no timeout wrapper)."""
    from math_verify.metric import math_metric
    from math_verify.parser import ExprExtractionConfig, LatexExtractionConfig

    logging.getLogger("math_verify").setLevel(logging.CRITICAL)
    verify = math_metric(
        gold_extraction_target=(LatexExtractionConfig(),),
        pred_extraction_target=(ExprExtractionConfig(), LatexExtractionConfig()),
    )
    try:
        score, _ = verify(["\\boxed{" + gold + "}"], [response])
    except Exception:
        return False
    return score >= 1.0


def metrics(rows: list[tuple[bool, bool]]) -> dict:
    """Precision, recall, accuracy of (passed, expected_correct) rows (None where undefined)."""
    passed = sum(p for p, _ in rows)
    correct = sum(e for _, e in rows)
    hits = sum(p and e for p, e in rows)
    return {
        "n": len(rows),
        "correct": correct,
        "passed": passed,
        "precision": hits / passed if passed else None,
        "recall": hits / correct if correct else None,
        "accuracy": sum(p == e for p, e in rows) / len(rows) if rows else None,
    }


def table(name: str, corpus: list, verdicts: list[bool]) -> None:
    print(f"\n{name}")
    print(f"{'style':10} {'n':>4} {'correct':>8} {'passed':>7} {'precision':>10} {'recall':>7} {'accuracy':>9}")
    for style in (*STYLES, "all"):
        rows = [(v, c[3]) for c, v in zip(corpus, verdicts) if style in ("all", c[0])]
        if not rows:
            continue
        m = metrics(rows)
        cells = [("-" if m[k] is None else f"{m[k]:.3f}") for k in ("precision", "recall", "accuracy")]
        print(f"{style:10} {m['n']:>4} {m['correct']:>8} {m['passed']:>7} {cells[0]:>10} {cells[1]:>7} {cells[2]:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="grade the first 10 pairs only")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    corpus = load(args.corpus)[: 10 if args.smoke else None]
    settings = config.section("reward")
    our = [ours(gold, response, settings) for _, gold, response, _ in corpus]
    mv = [math_verify(gold, response) for _, gold, response, _ in corpus]
    table("our grader (math__blind)", corpus, our)
    table("Math-Verify (verl call)", corpus, mv)
    misses = [(c, v, m) for c, v, m in zip(corpus, our, mv) if v != c[3]]
    print(f"\n{len(misses)} pairs where our grader differs from the label (expected / ours / Math-Verify):")
    for (style, gold, response, expected), v, m in misses:
        verdicts = " / ".join(("correct" if expected else "wrong", "pass" if v else "fail", "pass" if m else "fail"))
        print(f"  {style:8} gold={gold!r}  response=...{response[-60:]!r}  {verdicts}")


if __name__ == "__main__":
    main()
