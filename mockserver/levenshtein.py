"""Edit distance between two strings: fuzzy search terms (OpenSearch Dashboards) and "did you mean"
suggestions (Elasticsearch) both count it."""

from __future__ import annotations


def distance(a: str, b: str) -> int:
    """The fewest insertions, deletions and substitutions that turn ``a`` into ``b``."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
