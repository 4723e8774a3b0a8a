#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sort the kmemleak reports of a test by whether they involve the series.

    kmemleak.py REPORTS SYMBOLS

REPORTS is what /sys/kernel/debug/kmemleak showed after the test, SYMBOLS
the functions of the series (scripts/series-symbols.py).  A report whose
allocation backtrace has a frame in one of them is the series'.  Prints
"series=N other=M", then each report of the series; exits 1 if there is
any.
"""

import re
import sys

FRAME = re.compile(r"\[<[0-9a-f]+>\]\s+([A-Za-z_][\w.]*)\+0x")


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        text = open(sys.argv[1], errors="replace").read()
    except FileNotFoundError:
        text = ""
    syms = {l.strip() for l in open(sys.argv[2]) if l.strip()}
    reports = [r for r in re.split(r"(?m)^(?=unreferenced object )", text)
               if r.startswith("unreferenced object ")]
    ours = []
    for r in reports:
        frames = [f.split(".")[0] for f in FRAME.findall(r)]
        if any(f in syms for f in frames):
            ours.append(r)
    print(f"series={len(ours)} other={len(reports) - len(ours)}")
    for r in ours:
        sys.stdout.write(r)
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
