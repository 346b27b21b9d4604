"""`python -m benchmarks [--quick] [--only NAME] [--out PATH]` runs the suite;
`python -m benchmarks compare BEFORE.json AFTER.json` prints before/after ratios."""

import sys

from . import report, run


def main(argv: list[str]) -> None:
    if argv[:1] == ["compare"]:
        if len(argv) != 3:
            sys.exit("usage: python -m benchmarks compare BEFORE.json AFTER.json")
        print(report.compare(argv[1], argv[2]))
    else:
        run.main(argv)


main(sys.argv[1:])
