#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the committed vmlinux.h against the BTF of the built kernel.

The BPF programs are compiled against the committed vmlinux.h.  What they
rely on exactly is what the series itself adds to the kernel's BTF: its own
types (node_private_ops, the np_* enums and structs, cram_emu's and the test
driver's types, the types of its tracepoints), the enumerators it adds to
existing enums (N_MEMORY_PRIVATE, ___GFP_PRIVATE_BIT) and
the prototypes of the kfuncs the policies call.  Those must match the built
kernel exactly.  Everything else in vmlinux.h follows the Debian base, which
moves with every point release; BPF CO-RE relocates what the programs use of
it at load time, so drift there is reported, not failed.

The project's names are read from the series itself (kernel-patch/*.patch),
so a new type or enumerator is covered as soon as a patch adds it.

  vmlinux-h.py check --committed H --built H --patches DIR
                     [--vmlinux FILE --bpftool FILE --objs O...]

Exit status: 0 when every project type matches (drift elsewhere only
prints a notice), 1 when a project type differs, is missing, or a kfunc
prototype a BPF object uses differs from the kernel's, 2 on bad input.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys

REFRESH = "make vmlinux-h && git commit vmlinux.h"


class Error(Exception):
    pass


# --- what the series defines ----------------------------------------------

TYPE_DEF = re.compile(r"^\+\s*(?:typedef\s+)?(struct|union|enum)\s+(\w+)\s*\{")
ENUMERATOR = re.compile(r"^\+\s*([A-Z_][A-Z0-9_]*)\s*(?:=\s*[^,;]+)?,?\s*"
                        r"(?:/\*.*)?$")
EVENT = re.compile(r"^\+\s*(?:TRACE_EVENT|DECLARE_EVENT_CLASS)\s*\(\s*(\w+)")
DEF_EVENT = re.compile(r"^\+\s*DEFINE_EVENT\s*\(\s*\w+\s*,\s*(\w+)")
KFUNC = re.compile(r"^\+\s*__bpf_kfunc\s+[^(]*?\b(\w+)\s*\(")


def series_names(pdir):
    """Return (types, enumerators, kfuncs) the series adds."""
    types, enumerators, kfuncs = set(), set(), set()
    patches = sorted(f for f in os.listdir(pdir) if f.endswith(".patch"))
    if not patches:
        raise Error(f"no patches in {pdir}")
    for name in patches:
        path = None
        with open(os.path.join(pdir, name), encoding="utf-8",
                  errors="replace") as f:
            for line in f:
                if line.startswith("+++ "):
                    path = line[4:].strip()
                    continue
                if not line.startswith("+") or path is None:
                    continue
                if not re.search(r"\.(c|h)$", path) or "tools/" in path:
                    continue
                m = TYPE_DEF.match(line)
                if m:
                    types.add(m.group(2))
                    continue
                m = EVENT.match(line) or DEF_EVENT.match(line)
                if m:
                    ev = m.group(1)
                    types.update({f"trace_event_raw_{ev}",
                                  f"trace_event_data_offsets_{ev}",
                                  f"btf_trace_{ev}"})
                    continue
                m = KFUNC.match(line)
                if m:
                    kfuncs.add(m.group(1))
                    continue
                m = ENUMERATOR.match(line.rstrip("\n"))
                if m and len(m.group(1)) > 2:
                    enumerators.add(m.group(1))
    # struct_ops types appear in BTF under a generated wrapper too.
    types.update({f"bpf_struct_ops_{t}" for t in list(types)})
    return types, enumerators, kfuncs


# --- vmlinux.h as a set of named top-level blocks ---------------------------

def blocks(path):
    """Split a bpftool-generated header into {key: text} top-level blocks."""
    out = {}
    cur, depth = [], 0

    def flush():
        text = "".join(cur)
        key = block_key(text)
        if key is not None:
            k, n = key, 2
            while k in out:
                k = f"{key}#{n}"
                n += 1
            out[k] = text
        cur.clear()

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if depth == 0 and not cur:
                s = line.strip()
                if not s or s.startswith("#") or (
                        s.startswith("/*") and s.endswith("*/")):
                    continue
            cur.append(line)
            depth += line.count("{") - line.count("}")
            if depth == 0 and line.rstrip().endswith(";"):
                flush()
    if cur:
        raise Error(f"{path}: unterminated declaration at the end")
    return out


def block_key(text):
    first = text.split("\n", 1)[0]
    m = re.match(r"(struct|union|enum)\s+(\w+)\s*\{", first)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    m = re.match(r"(struct|union|enum)\s+(\w+)\s*;", first)
    if m:
        return f"fwd {m.group(1)} {m.group(2)}"
    m = re.match(r"enum\s*\{", first)
    if m:
        e = re.search(r"^\s+(\w+)", text.split("\n", 2)[1], re.M)
        return f"enum {{{e.group(1) if e else '?'}}}"
    if first.startswith("typedef"):
        m = re.search(r"\(\s*\*\s*(?:const\s+)?(\w+)\s*\)", first)
        if not m and "(" in first:
            m = re.search(r"(\w+)\s*\(", first)
        if not m:
            m = re.search(r"(\w+)\s*(?:\[[^\]]*\])*\s*;\s*$", text.strip())
        return f"typedef {m.group(1)}" if m else f"typedef ?{first}"
    m = re.search(r"\b(\w+)\s*\(", first)
    if m:
        return f"decl {m.group(1)}"
    return f"other {first.strip()}"


def key_name(key):
    return key.split(" ", 1)[1] if " " in key else key


def project_view(blks, types, enumerators):
    """Project blocks: the whole text of the series' own types; of an enum
    of the kernel's, the lines of the enumerators the series adds; of any
    other block, the lines that name one of the series' types.
    """
    type_re = re.compile(r"\b(?:struct|union|enum)\s+(\w+)|\b(\w+)\b")
    enum_re = re.compile(r"^\s+(\w+) = ")
    view = {}
    for key, text in blks.items():
        kind = key.split(" ", 1)[0]
        name = key_name(key).split("#", 1)[0]
        if kind == "fwd":
            continue
        if name in types:
            view[key] = text
            continue
        head, *body = text.splitlines(True)
        lines = []
        for ln in body:
            m = enum_re.match(ln) if kind == "enum" else None
            if m:
                if m.group(1) in enumerators:
                    lines.append(ln)
            elif any((a or b) in types for a, b in type_re.findall(ln)):
                lines.append(ln)
        if lines:
            view[key] = head + "".join(lines)
    return view


# --- kfunc prototypes from BTF ---------------------------------------------

RAW = re.compile(r"^\[(\d+)\] (\w+) '([^']*)'(.*)$")
MEMBER = re.compile(r"^\s+'([^']*)' type_id=(\d+)")


def btf_raw(bpftool, path):
    try:
        res = subprocess.run([bpftool, "btf", "dump", "file", path,
                              "format", "raw"], capture_output=True,
                             text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise Error(f"bpftool btf dump {path}: {e}") from e
    types, cur = {}, None
    for line in res.stdout.splitlines():
        m = RAW.match(line)
        if m:
            attrs = dict(re.findall(r"(\w+)=(\S+)", m.group(4)))
            cur = {"kind": m.group(2), "name": m.group(3), "attrs": attrs,
                   "members": []}
            types[int(m.group(1))] = cur
            continue
        m = MEMBER.match(line)
        if m and cur is not None:
            cur["members"].append((m.group(1), int(m.group(2))))
    return types


def render(types, tid, depth=0):
    """A canonical C-like spelling of a type: typedefs and qualifiers are
    looked through (as libbpf's compatibility check does), integers become
    their signedness and width, aggregates keep their tag and name."""
    if depth > 32:
        return "?"
    if tid == 0:
        return "void"
    t = types.get(tid)
    if t is None:
        return f"?{tid}"
    k, a = t["kind"], t["attrs"]
    if k in ("TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG"):
        return render(types, int(a["type_id"]), depth + 1)
    if k == "INT":
        # Plain char is signed for BPF and unsigned in the kernel
        # (-funsigned-char): the same type either way.
        if t["name"] == "char":
            return "char"
        sign = "s" if a.get("encoding") == "SIGNED" else "u"
        if a.get("encoding") == "BOOL":
            return "bool"
        return f"{sign}{int(a['size']) * 8}"
    if k == "PTR":
        return render(types, int(a["type_id"]), depth + 1) + " *"
    if k in ("STRUCT", "UNION", "ENUM", "ENUM64", "FWD"):
        tag = {"STRUCT": "struct", "UNION": "union", "FWD": "struct"}.get(
            k, "enum")
        if a.get("fwd_kind") == "union":
            tag = "union"
        return f"{tag} {t['name']}"
    if k == "ARRAY":
        return render(types, int(a["type_id"]), depth + 1) + \
            f"[{a.get('nr_elems', '?')}]"
    if k == "FUNC_PROTO":
        args = ", ".join(render(types, tid2, depth + 1)
                         for _, tid2 in t["members"]) or "void"
        return f"{render(types, int(a['ret_type_id']), depth + 1)} ({args})"
    return f"{k.lower()} {t['name']}"


def funcs(types, extern_only):
    out = {}
    for t in types.values():
        if t["kind"] != "FUNC":
            continue
        if extern_only and t["attrs"].get("linkage") != "extern":
            continue
        out[t["name"]] = render(types, int(t["attrs"]["type_id"]))
    return out


def check_kfuncs(args, kfuncs):
    """Every kfunc a BPF object calls must have the kernel's prototype."""
    kernel = funcs(btf_raw(args.bpftool, args.vmlinux), False)
    missing = sorted(k for k in kfuncs if k not in kernel)
    bad = []
    seen = 0
    for obj in args.objs:
        for name, proto in sorted(funcs(btf_raw(args.bpftool, obj),
                                        True).items()):
            seen += 1
            have = kernel.get(name)
            if have is None:
                bad.append(f"{os.path.basename(obj)}: {name}: not in the "
                           f"kernel's BTF")
            elif have != proto:
                bad.append(f"{os.path.basename(obj)}: {name}: object "
                           f"declares '{proto}', kernel has '{have}'")
    return seen, missing, bad


# --- main ------------------------------------------------------------------

def check(args):
    types, enumerators, kfuncs = series_names(args.patches)
    if "node_private_ops" not in types:
        raise Error("the series defines no struct node_private_ops: "
                    "cannot tell the project's types")
    committed = blocks(args.committed)
    built = blocks(args.built)
    pc = project_view(committed, types, enumerators)
    pb = project_view(built, types, enumerators)
    failed = False

    if "struct node_private_ops" not in pb:
        raise Error(f"{args.built} has no struct node_private_ops: was the "
                    f"kernel built from the series?")
    differ = sorted(k for k in set(pc) | set(pb) if pc.get(k) != pb.get(k))
    print(f"vmlinux.h: {len(pb)} project definitions from the series "
          f"({len(types)} types, {len(enumerators)} enumerators named by "
          f"kernel-patch/)")
    for k in differ:
        failed = True
        if k not in pb:
            print(f"FAIL: {k}: in the committed vmlinux.h, not in the "
                  f"kernel's BTF")
        elif k not in pc:
            print(f"FAIL: {k}: in the kernel's BTF, missing from the "
                  f"committed vmlinux.h")
        else:
            print(f"FAIL: {k} differs from the kernel's BTF:")
            for ln in difflib.unified_diff(
                    pc[k].splitlines(), pb[k].splitlines(),
                    "vmlinux.h (committed)", "vmlinux.h (built)",
                    lineterm="", n=1):
                print("    " + ln)

    if args.vmlinux:
        seen, missing, bad = check_kfuncs(args, kfuncs)
        for k in missing:
            failed = True
            print(f"FAIL: kfunc {k} (added by the series) is not in the "
                  f"kernel's BTF")
        for b in bad:
            failed = True
            print(f"FAIL: kfunc prototype: {b}")
        print(f"vmlinux.h: {seen} kfunc references in "
              f"{len(args.objs)} BPF objects checked against the kernel")

    others = sorted(k for k in set(committed) | set(built)
                    if k not in pc and k not in pb
                    and committed.get(k) != built.get(k))
    if others:
        shown = ", ".join(others[:6]) + (", ..." if len(others) > 6 else "")
        print(f"NOTICE: {len(others)} other definitions of vmlinux.h differ "
              f"from the built kernel's BTF ({shown}).")
        print("NOTICE: they are not the series' types; BPF CO-RE relocates "
              "what the programs use of them.")
        print(f"NOTICE: to refresh: {REFRESH}")
    else:
        print("vmlinux.h: every other definition matches too")
    if failed:
        print(f"vmlinux.h: the series' types do not match the kernel; "
              f"refresh with: {REFRESH}")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="compare committed and built vmlinux.h")
    c.add_argument("--committed", required=True)
    c.add_argument("--built", required=True)
    c.add_argument("--patches", required=True)
    c.add_argument("--vmlinux", help="kernel image with BTF, for kfuncs")
    c.add_argument("--bpftool", default="bpftool")
    c.add_argument("--objs", nargs="*", default=[],
                   help="BPF objects whose kfunc references to check")
    n = sub.add_parser("names", help="print what the series defines")
    n.add_argument("--patches", required=True)
    args = ap.parse_args()
    try:
        if args.cmd == "names":
            t, e, k = series_names(args.patches)
            for label, s in (("type", t), ("enumerator", e), ("kfunc", k)):
                for x in sorted(s):
                    print(label, x)
            return 0
        return check(args)
    except (Error, OSError) as e:
        print(f"vmlinux-h.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
