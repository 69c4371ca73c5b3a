"""The README's examples marked "runs as a test" run as a downstream suite would run them: in a fresh
pytest session with only the plugin's fixtures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE = re.compile(r"<!-- runs as a test -->\n```python\n(.*?)```", re.DOTALL)
INI_BLOCK = re.compile(r"```toml\n(\[tool\.pytest\.ini_options\]\n.*?)```", re.DOTALL)
# Where the official client is installed under its major's name, as this project's tests install it.
ALIAS = """
import importlib, sys
try:
    import elasticsearch  # noqa: F401
except ImportError:
    sys.modules["elasticsearch"] = importlib.import_module("elasticsearch9")
"""


def examples() -> list[str]:
    return EXAMPLE.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_its_examples():
    assert len(examples()) >= 5


@pytest.mark.parametrize("settings", ["none", "the README's ini block, pasted whole"])
def test_the_readme_examples_pass(pytester, settings):
    pytester.makeconftest(ALIAS)
    if settings != "none":
        block = INI_BLOCK.search(README.read_text(encoding="utf-8")).group(1)
        assert "mockserver_auth" in block  # security on: the examples pass with it all the same
        pytester.makepyprojecttoml(block)
        (pytester.path / "tests" / "fixtures").mkdir(parents=True)
    tests = 0
    for number, code in enumerate(examples(), start=1):
        pytester.makepyfile(**{f"test_readme_example_{number}": code})
        tests += len(re.findall(r"^def test_", code, re.MULTILINE))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=tests)
