#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Plot scale.data (tests/vm/bench/scale.sh) as an SVG file.

usage: plot-scale.py SCALE.DATA OUT.SVG [UNIT]

Two panels: what a BPF admission decision adds to a fault against the
number of map lookups the policy does (one private node), and against
the number of private nodes (no lookups).  Plain SVG, no dependency
beyond Python's standard library.
"""
import sys

W, H = 360, 260          # one panel
ML, MR, MT, MB = 62, 16, 34, 48


def panel(x0, title, xlabel, ylabel, pts, ymax):
    """SVG elements of one panel at x offset x0; pts: [(label, y)]."""
    el = []
    pw, ph = W - ML - MR, H - MT - MB
    n = len(pts)

    def px(i):
        return x0 + ML + (pw * (i + 0.5) / n)

    def py(v):
        return MT + ph - ph * v / ymax

    el.append(f'<text x="{x0 + W / 2}" y="18" text-anchor="middle" '
              f'font-weight="bold">{title}</text>')
    el.append(f'<line x1="{x0 + ML}" y1="{MT + ph}" x2="{x0 + ML + pw}" '
              f'y2="{MT + ph}" stroke="black"/>')
    el.append(f'<line x1="{x0 + ML}" y1="{MT}" x2="{x0 + ML}" '
              f'y2="{MT + ph}" stroke="black"/>')
    for k in range(5):
        v = ymax * k / 4
        el.append(f'<line x1="{x0 + ML - 4}" y1="{py(v):.1f}" '
                  f'x2="{x0 + ML + pw}" y2="{py(v):.1f}" stroke="#ddd"/>')
        el.append(f'<text x="{x0 + ML - 7}" y="{py(v) + 4:.1f}" '
                  f'text-anchor="end">{v:.0f}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{px(i):.1f},{py(y):.1f}"
                    for i, (_, y) in enumerate(pts))
    el.append(f'<path d="{path}" fill="none" stroke="#1f5fa8" '
              f'stroke-width="2"/>')
    for i, (label, y) in enumerate(pts):
        el.append(f'<circle cx="{px(i):.1f}" cy="{py(y):.1f}" r="4" '
                  f'fill="#1f5fa8"/>')
        el.append(f'<text x="{px(i):.1f}" y="{py(y) - 9:.1f}" '
                  f'text-anchor="middle">{int(y + 0.5)}</text>')
        el.append(f'<text x="{px(i):.1f}" y="{MT + ph + 17}" '
                  f'text-anchor="middle">{label}</text>')
    el.append(f'<text x="{x0 + ML + pw / 2}" y="{H - 10}" '
              f'text-anchor="middle">{xlabel}</text>')
    el.append(f'<text transform="translate({x0 + 16},{MT + ph / 2}) '
              f'rotate(-90)" text-anchor="middle">{ylabel}</text>')
    return el


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    unit = sys.argv[3] if len(sys.argv) > 3 else "guest instructions"
    rows = {}
    for line in open(sys.argv[1]):
        k, lk, _, _, d = line.split()
        rows[(int(k), int(lk))] = float(d)
    lookups = [(str(lk), rows[(1, lk)]) for lk in (0, 1, 4, 16)
               if (1, lk) in rows]
    nodes = [(str(k), rows[(k, 0)]) for k in (1, 2, 4) if (k, 0) in rows]
    if not lookups or not nodes:
        print("plot-scale.py: no figures for a panel", file=sys.stderr)
        return 1
    top = max(y for _, y in lookups + nodes)
    step = 10 ** max(len(str(int(top))) - 1, 0)
    ymax = (int(top * 1.15 / step) + 1) * step
    ylabel = f"a decision adds ({unit})"
    el = panel(0, "Policy work per decision", "hash map lookups",
               ylabel, lookups, ymax)
    el += panel(W, "Private nodes", "private nodes with a policy",
                ylabel, nodes, ymax)
    with open(sys.argv[2], "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" '
                f'height="{H}" font-family="sans-serif" font-size="12">\n'
                f'<rect width="100%" height="100%" fill="white"/>\n')
        f.write("\n".join(el))
        f.write("\n</svg>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
