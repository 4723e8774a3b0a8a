#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npd-unit.sh OUT: systemd/npd.service passes systemd-analyze verify (with
# ExecStart pointed at the npd just built), and is Type=notify.
out=${1:-build}
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
npd=$(readlink -f "$out/loader/npd")
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - npd-unit: $2"; else echo "not ok $n - npd-unit: $2"; fi
}
if ! command -v systemd-analyze >/dev/null; then
	ok 1 "systemd-analyze is installed (make deps)"
	exit 1
fi
sed "s|^ExecStart=/usr/sbin/npd|ExecStart=$npd|" \
	"$top/systemd/npd.service" >"$t/npd.service"
systemd-analyze verify "$t/npd.service" >"$t/log" 2>&1
rc=$?
ok "$([ $rc = 0 ] && [ ! -s "$t/log" ]; echo $?)" \
	"systemd-analyze verify: exit $rc $(head -c 200 "$t/log" | tr '\n' ' ')"
grep -qx "Type=notify" "$top/systemd/npd.service"
ok $? "Type=notify (npd sends READY=1, RELOADING=1, STOPPING=1)"
grep -q "^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYS_ADMIN$" \
	"$top/systemd/npd.service"
ok $? "the capability bounding set is what npd checks for"
