"""Edit distance between two strings: fuzzy search terms (OpenSearch Dashboards) and "did you mean"
suggestions (Elasticsearch) both count it."""

from __future__ import annotations


def distance(a: str, b: str, transpositions: bool = False) -> int:
    """The fewest insertions, deletions and substitutions that turn ``a`` into ``b``; with
    ``transpositions``, a swap of two neighbouring characters counts as one edit too (the optimal
    string alignment distance, which Lucene's fuzzy query counts by default)."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if transpositions and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]
