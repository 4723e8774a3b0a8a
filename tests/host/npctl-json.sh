#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# npctl-json.sh [OUT]
#
# npctl's JSON output on the host, in TAP form: no private nodes here, so
# most commands fail, and a failure under -j must still be one JSON
# document.  Each -j output is parsed whole with python3's json module;
# every document is an object whose "version" is what `npctl version`
# prints; nothing is written on stderr under -j; the exit status is what
# it is without -j.  Every command answers --help on stdout.  OUT is the
# build directory (build/ by default), with loader/npctl and bpf/.
set -u
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
out=$(readlink -f "${1:-$top/build}")
npctl=$out/loader/npctl
TAP_NAME=npctl-json
. "$top/tests/host/tap.sh"
TAP_LOGS="$tmp/out $tmp/err $tmp/py"

# run ARGS...: npctl ARGS, stdout in out, stderr in err, status in rc.
run() {
	: >"$tmp/py"
	"$npctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# doc PYTHON: the output parses whole as one JSON object whose "version"
# is $version, stderr is empty, and PYTHON (with the object as d) holds.
doc() {
	if [ -s "$tmp/err" ]; then
		echo "stderr is not empty" >"$tmp/py"
		return 1
	fi
	python3 - "$tmp/out" "$version" "$1" >"$tmp/py" 2>&1 <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(text)
assert isinstance(d, dict), d
assert d.get("version") == sys.argv[2], (d.get("version"), sys.argv[2])
exec(sys.argv[3])
EOF
}

if [ ! -x "$npctl" ]; then
	echo "not ok 1 - npctl-json: $npctl is built"
	echo "1..1"
	exit 1
fi

run version
version=$(sed -n 's/^npctl \([^ ]*\)$/\1/p' "$tmp/out")
[ "$rc" = 0 ] && [ -n "$version" ]
tap $? "npctl version prints 'npctl VERSION' ($(cat "$tmp/out"))"

run -j version
[ "$rc" = 0 ] && doc 'assert list(d) == ["version"], d' &&
	[ "$(wc -l <"$tmp/out")" = 1 ]
tap $? "-j version: {\"version\":\"$version\"} on one line"

run -p version
[ "$rc" = 0 ] && doc 'assert list(d) == ["version"], d' &&
	[ "$(wc -l <"$tmp/out")" -gt 1 ]
tap $? "-p version: the same document, indented over several lines"

run version --json
[ "$rc" = 0 ] && doc 'assert list(d) == ["version"], d'
tap $? "version --json: -j after the command counts too"

run -j list
[ "$rc" = 0 ] && doc '
p = d["policies"]
assert isinstance(p, list) and p, d
for e in p:
    assert isinstance(e["name"], str) and e["path"].endswith(".bpf.o"), e
    assert e["object"] == e["path"], e
names = [e["policy"] for e in p]
for want in ("cram", "minimal", "isolate", "tier", "cgroup"):
    assert want in names, (want, names)
assert "alloc_trace" not in names, names'
tap $? "-j list: {version, policies:[{name, path, ...}]}, no test programs, nothing on stderr"

run -p list
[ "$rc" = 0 ] && doc 'assert d["policies"], d'
tap $? "-p list parses"

run -j status
[ "$rc" = 1 ] && doc '
assert list(d) == ["version", "error"], d
assert "cannot read the private nodes" in d["error"], d'
tap $? "-j status without private nodes: an error object, exit $rc"

run -p status
[ "$rc" = 1 ] && doc 'assert "cannot read the private nodes" in d["error"], d'
tap $? "-p status without private nodes: an error object, indented, exit $rc"

run -j stats
[ "$rc" = 1 ] && doc 'assert list(d) == ["version", "error"], d'
tap $? "-j stats without private nodes: an error object, exit $rc"

run -j attach nosuchpolicy --node 1
[ "$rc" = 1 ] && doc '
assert list(d) == ["version", "error"], d
assert "nosuchpolicy" in d["error"], d'
tap $? "-j attach nosuchpolicy --node 1: an error object naming it, exit $rc"

run -j tune
[ "$rc" = 2 ] && doc '
assert d["error"] == "tune: --node N is required", d'
tap $? "-j tune without --node: an error object, exit $rc"

run tune
[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] &&
	grep -q -- "--node N is required" "$tmp/err"
tap $? "tune without --node and without -j: the message on stderr, exit $rc"

run -j detach --node 7
[ "$rc" = 1 ] && doc '
assert list(d) == ["version", "error"], d
assert "node 7" in d["error"], d'
tap $? "-j detach --node 7 (nothing attached): an error object, exit $rc"

run attach --node x --bogus -j
[ "$rc" = 2 ] && doc '
assert "not a node id" in d["error"] and "--bogus" in d["error"], d'
tap $? "attach --node x --bogus -j: both errors in one object, exit $rc"

run -j nosuchcommand
[ "$rc" = 2 ] && doc 'assert "nosuchcommand" in d["error"], d'
tap $? "-j nosuchcommand: an error object, exit $rc"

run -j flags
[ "$rc" = 1 ] && doc '
assert list(d) == ["version", "error"], d
assert "cannot read the private nodes" in d["error"], d'
tap $? "-j flags without private nodes: an error object, exit $rc"

run -j flags migration
[ "$rc" = 2 ] && doc '
assert d["error"] == "flags: --node N is required", d'
tap $? "-j flags F without --node: an error object, exit $rc"

run -j flags --node 1 none migration
[ "$rc" = 2 ] && doc '
assert d["error"] == "flags: \x27none\x27 stands alone", d'
tap $? "-j flags none with a name: an error object, exit $rc"

run flags --node 1 migration,bogus
[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] &&
	grep -q "unknown flag 'bogus'" "$tmp/err"
tap $? "flags with an unknown name: the message on stderr, exit $rc"

for cmd in attach swap detach status flags tune stats list version help; do
	run "$cmd" --help
	[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] &&
		grep -q "^usage: npctl.* $cmd\b" "$tmp/out"
	tap $? "$cmd --help: its usage on stdout, exit $rc"
done

run -j status --help
[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && grep -q '"nodes"' "$tmp/out"
tap $? "status --help documents its JSON members"

tap_end
