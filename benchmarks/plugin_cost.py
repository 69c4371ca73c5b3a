"""What the pytest plugin costs a downstream session that never uses it: a trivial project of 20 tests,
run with the plugin loaded (as installing the package does) and with it blocked (``-p no:mockserver``),
alternated run by run. Prints the medians and their ratio (goal: at most 1.03).

    python3 benchmarks/plugin_cost.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms, timed

TESTS = "\n".join(f"def test_{n}():\n    assert {n} + 1 == {n + 1}\n" for n in range(20))


def run(project: Path, *extra: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
        cwd=project,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "pytest.ini").write_text("[pytest]\n")
        (project / "test_trivial.py").write_text(TESTS)
        run(project)  # warm the caches: the first run of a process pays for the disk
        run(project, "-p", "no:mockserver")
        loaded, blocked = [], []
        for _ in range(rounds):  # alternated, so that both see the same machine
            loaded += timed(lambda: run(project), 1)
            blocked += timed(lambda: run(project, "-p", "no:mockserver"), 1)
    with_plugin, without = median_ms(loaded), median_ms(blocked)
    print(f"A trivial downstream session of 20 tests, median of {rounds} runs each (alternated):")
    print(f"  plugin loaded   {with_plugin:8.1f} ms")
    print(f"  plugin blocked  {without:8.1f} ms")
    ratio = with_plugin / without
    print(f"  ratio           {ratio:8.3f}  {'ok' if ratio <= 1.03 else 'over the goal of 1.03'}")


if __name__ == "__main__":
    main()
