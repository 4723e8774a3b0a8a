#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the kernel functions that the series adds or changes, one a line.

    series-symbols.py PATCHDIR KSRC

A function counts when a patch defines it, or changes lines inside it (the
function git names in a hunk header, whose body the hunk touches), or when
it is defined in a file the series creates.  make check-debug uses the list
to tell the kernel-log reports of the series' code (kmemleak backtraces)
from reports of the rest of the kernel.
"""

import os
import re
import sys

DEF = re.compile(r"^\+?(?:static\s+|inline\s+|__always_inline\s+|"
                 r"noinline\s+|__init\s+|__exit\s+|__bpf_kfunc\s+)*"
                 r"[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\([^;]*$")
HUNK = re.compile(r"^@@ [^@]* @@ .*?\b([A-Za-z_]\w*)\s*\(")
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "do",
            "defined", "else", "case"}


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    pdir, ksrc = sys.argv[1:]
    names, created = set(), set()
    for name in sorted(os.listdir(pdir)):
        if not name.endswith(".patch"):
            continue
        path = None
        new_file = False
        with open(os.path.join(pdir, name), errors="replace") as f:
            for line in f:
                if line.startswith("--- "):
                    new_file = line.strip() == "--- /dev/null"
                    continue
                if line.startswith("+++ "):
                    path = line[4:].strip()
                    if path.startswith("b/"):
                        path = path[2:]
                    if new_file and path.endswith(".c"):
                        created.add(path)
                    continue
                if not path or not path.endswith((".c", ".h")):
                    continue
                m = HUNK.match(line)
                if m:
                    names.add(m.group(1))
                    continue
                if line.startswith("+") and not line.startswith("+ "):
                    m = DEF.match(line.rstrip("\n"))
                    if m and not line[1:2].isspace():
                        names.add(m.group(1))
    for path in created:
        try:
            with open(os.path.join(ksrc, path), errors="replace") as f:
                for line in f:
                    m = DEF.match(line.rstrip("\n"))
                    if m and not line[:1].isspace():
                        names.add(m.group(1))
        except OSError as e:
            print(f"series-symbols: {e}", file=sys.stderr)
            return 1
    for n in sorted(names - KEYWORDS):
        print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
