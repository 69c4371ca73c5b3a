"""Text as the standard analyzer sees it (Lucene's StandardAnalyzer, in OpenSearch and Elasticsearch
alike): lower-cased words split at Unicode word boundaries."""

from __future__ import annotations

import re

# UAX#29 in short: letters, digits and "_" make words; "." and "'" join letters or digits, ":" joins
# letters, "," joins digits (foo.bar, o'neil, a:b, 3.14 and 1,000 are one token each).
_WORD = re.compile(r"\w+(?:(?:[.'’]\w+)|(?::[^\W\d_]+)|(?:,\d+))*")


def analyze(text) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, str):
        text = str(text)
    return [token.lower() for token in _WORD.findall(text) if len(token) <= 255]


def normalize(text: str) -> str:
    """What a text field's analyzer does to a prefix or fuzzy term: lower-cases it, no splitting."""
    return text.lower()
