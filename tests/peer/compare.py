#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare peer-suite results of the patched kernel with the unpatched one.

    compare.py [--expected FILE] [--markdown OUT] BASELINE NAME=RESULTS...

BASELINE and each RESULTS file hold one "CATEGORY|TEST|RESULT" line per
test (RESULT: PASS, SKIP, FAIL or TIMEOUT), as tests/vm/peer/mmlib.sh
writes them.  BASELINE is the unpatched kernel without a private node;
each NAME is a configuration of the patched kernel (plain, private,
bound).  Prints, per category, passed/skipped/failed for every
configuration side by side, then every test whose result differs from the
baseline.  Each difference must be explained by a line of the expected
file:

    CONFIG|CATEGORY|TEST|RESULT|why

where CONFIG, CATEGORY, TEST and RESULT may be "*" (any).  Exits 1 if a
difference is not explained, or if a configuration lacks a category the
baseline ran and no line "CONFIG|CATEGORY|(category)|ABSENT|why" says
why.
"""

import argparse
import collections
import fnmatch
import sys


def load(path):
    res = collections.OrderedDict()
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("|")
            if len(parts) != 3:
                continue
            cat, test, result = parts
            key = (cat, test)
            n = 2
            while key in res:           # the same command run twice
                key = (cat, f"{test} #{n}")
                n += 1
            res[key] = result
    return res


def load_expected(path):
    rules = []
    if not path:
        return rules
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split("|", 4)
            if len(parts) != 5:
                raise SystemExit(f"{path}: bad line: {line}")
            rules.append(parts)
    return rules


def explain(rules, config, cat, test, result):
    for c, k, t, r, why in rules:
        if (fnmatch.fnmatchcase(config, c) and fnmatch.fnmatchcase(cat, k)
                and fnmatch.fnmatchcase(test, t)
                and fnmatch.fnmatchcase(result, r)):
            return why
    return None


def counts(res, cat):
    c = collections.Counter(v for (k, _), v in res.items() if k == cat)
    return c["PASS"], c["SKIP"], c["FAIL"] + c["TIMEOUT"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expected")
    ap.add_argument("--markdown")
    ap.add_argument("baseline")
    ap.add_argument("configs", nargs="+")
    args = ap.parse_args()
    base = load(args.baseline)
    configs = []
    for c in args.configs:
        name, _, path = c.partition("=")
        configs.append((name, load(path)))
    rules = load_expected(args.expected)

    cats = list(dict.fromkeys(k for k, _ in base))
    for _, res in configs:
        cats += [k for k, _ in res if k not in cats]
    head = ["category", "unpatched"] + [n for n, _ in configs]
    rows = []
    for cat in cats:
        row = [cat, "%d/%d/%d" % counts(base, cat)]
        row += ["%d/%d/%d" % counts(res, cat) for _, res in configs]
        rows.append(row)
    table = ["| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]
    table += ["| " + " | ".join(r) + " |" for r in rows]

    diffs, bad = [], 0
    for name, res in configs:
        missing = set()
        for cat in dict.fromkeys(k for k, _ in base):
            if any(k == cat for k, _ in res):
                continue
            missing.add(cat)
            why = explain(rules, name, cat, "(category)", "ABSENT")
            if why is None:
                diffs.append(f"UNEXPLAINED {name}: category {cat} did not run")
                bad += 1
            else:
                diffs.append(f"explained {name}: category {cat} not run: "
                             f"{why}")
        for key in list(base) + [k for k in res if k not in base]:
            if key[0] in missing:
                continue
            b, r = base.get(key, "ABSENT"), res.get(key, "ABSENT")
            if b == r:
                continue
            why = explain(rules, name, key[0], key[1], r)
            if why is None:
                bad += 1
                diffs.append(f"UNEXPLAINED {name}: {key[0]} {key[1]}: "
                             f"{b} unpatched, {r} patched")
            else:
                diffs.append(f"explained {name}: {key[0]} {key[1]}: "
                             f"{b} unpatched, {r} patched: {why}")

    out = ["passed/skipped/failed per category", ""] + table + [""]
    out += ["Differences from the unpatched kernel:"]
    out += ["- " + d for d in diffs] if diffs else ["- none"]
    print("\n".join(out))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(out) + "\n")
    print(f"{bad} unexplained difference(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
