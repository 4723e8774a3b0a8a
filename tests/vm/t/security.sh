#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: an unprivileged user changes no policy: npctl and npd name the missing capabilities, the pins are root's (bpffs mounted 0700, directory 0700, pins 0600), a pin directory of another owner or a wider mode is refused, and a second npd exits without touching the first one's nodes
# device: cram
# timeout: 420
. "$NP_TESTS/lib.sh"
P=$NP_NODE
NPD=$NP_BIN/../loader/npd
pins=/sys/fs/bpf/np
run=$NP_OUT/security
mkdir -p "$run"
nobody=$(id -u nobody)

# as_user CMD...: CMD as user nobody, without any capability; its stderr
# in $run/err.
as_user() {
	as_nobody "$@" 2>"$run/err" >/dev/null
}

# attached: the node still has policy cram, enabled, with the same link.
attached() {
	[ "$(np_sys state)" = enabled ] && [ "$(np_sys policy)" = cram ] &&
		[ "$(np_sys enable_seq)" = "$seq" ] && [ -e "$pins/node$P" ]
}

# --- libnp mounts bpffs for root alone ----------------------------------
if mountpoint -q /sys/fs/bpf; then
	umount /sys/fs/bpf
fi
check "npctl attach cram (bpffs not mounted yet)" -- \
	"$NPCTL" attach cram --node "$P"
seq=$(np_sys enable_seq)
modes="$(stat -c %a /sys/fs/bpf) $(stat -c '%U:%a' "$pins")"
modes="$modes $(stat -c %a "$pins/node$P") $(stat -c %a "$pins/node${P}_tunables")"
ok "$([ "$modes" = "1700 root:700 600 600" ]; echo $?)" \
	"bpffs 0700 (and sticky, as the kernel adds), pin directory root's 0700, link and tunables pins 0600 ($modes)"

# --- every mutating command, unprivileged -------------------------------
while read -r what; do
	# shellcheck disable=SC2086 # the command's words
	as_user "$NPCTL" $what
	rc=$?
	ok "$([ $rc = 1 ] && grep -q "needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN.*lacks CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN" "$run/err" &&
		attached; echo $?)" \
		"unprivileged npctl $what: refused (exit $rc: $(head -c 160 "$run/err")), policy untouched"
done <<EOF
attach minimal --node $P
attach minimal --node $P --no-pin
swap minimal --node $P
detach --node $P
tune --node $P
tune --node $P high_pct=99
EOF
as_user "$NPCTL" tune --help
ok $? "unprivileged npctl tune --help still answers"
as_user rm -f "$pins/node$P"
ok "$([ $? != 0 ] && attached; echo $?)" \
	"unprivileged rm of the pin: $(head -c 100 "$run/err")"
as_user "$NPD" -c /nonexistent.conf
rc=$?
ok "$([ $rc != 0 ] && grep -q "needs CAP_BPF.*lacks CAP_BPF" "$run/err" &&
	attached; echo $?)" \
	"unprivileged npd: refused (exit $rc: $(head -c 120 "$run/err"))"

# --- the pin directory trick, on a bpffs as the kernel mounts it ---------
check "npctl detach" -- "$NPCTL" detach --node "$P"
umount /sys/fs/bpf
mount -t bpf bpf /sys/fs/bpf
echo "# bpffs mounted by hand: mode $(stat -c %a /sys/fs/bpf)"
as_user mkdir "$pins"
ok $? "user nobody creates $pins first (bpffs root is world-writable)"
"$NPCTL" attach cram --node "$P" 2>"$run/err"
rc=$?
ok "$([ $rc != 0 ] && grep -q "owned by uid $nobody" "$run/err" &&
	[ "$(np_sys state)" = none ]; echo $?)" \
	"root's attach refuses it (exit $rc: $(head -c 120 "$run/err")), nothing attached"
rmdir "$pins"
mkdir -m 0777 "$pins"
"$NPCTL" attach cram --node "$P" 2>"$run/err"
rc=$?
ok "$([ $rc != 0 ] && grep -q "mode 0777" "$run/err" &&
	[ "$(np_sys state)" = none ]; echo $?)" \
	"a root-owned directory of mode 0777 is refused too (exit $rc: $(head -c 100 "$run/err"))"
chmod 0700 "$pins"
check "with mode 0700 it is accepted: npctl attach cram" -- \
	"$NPCTL" attach cram --node "$P"
seq=$(np_sys enable_seq)
as_user rm -f "$pins/node$P"
ok "$([ $? != 0 ] && attached; echo $?)" \
	"unprivileged rm of the pin under a sticky bpffs: $(head -c 80 "$run/err")"
as_user mv "$pins" /sys/fs/bpf/moved
ok "$([ $? != 0 ] && attached; echo $?)" \
	"unprivileged rename of the pin directory: $(head -c 80 "$run/err")"
chmod 0755 "$pins"
"$NPCTL" detach --node "$P" 2>"$run/err"
rc=$?
ok "$([ $rc != 0 ] && grep -q "mode 0755" "$run/err" && attached; echo $?)" \
	"detach through a widened directory is refused (exit $rc: $(head -c 100 "$run/err"))"
chmod 0700 "$pins"

# --- one npd -------------------------------------------------------------
cat >"$run/npd.conf" <<EOF
[global]
metrics = /run/npd-security.sock
on_exit = detach
[node $P]
policy = cram
EOF
npd_start "$run/npd.conf" "$run/npd1.log" "adopted policy cram"
ok $? "the first npd adopts the pinned policy"
npd1=$NPD_PID
timeout 30 "$NPD" -c "$run/npd.conf" >"$run/npd2.log" 2>&1
rc=$?
ok "$([ $rc = 1 ] &&
	grep -q "another npd is running (pid $npd1 holds" "$run/npd2.log" &&
	! grep -q "adopted\|attached" "$run/npd2.log"; echo $?)" \
	"a second npd exits at once, adopting nothing (exit $rc: $(head -c 140 "$run/npd2.log"))"
ok "$(kill -0 "$npd1" && [ -S /run/npd-security.sock ] && attached; echo $?)" \
	"the first npd, its metrics socket and its policy are untouched"
kill -TERM "$npd1"
wait "$npd1"
ok $? "the first npd exits on SIGTERM"
check "on_exit = detach: the node has no policy" -- wait_state none
npd_start "$run/npd.conf" "$run/npd3.log" "attached policy cram"
ok $? "once it is gone, a new npd takes the lock and attaches"
npd3=$NPD_PID
kill -TERM "$npd3"
wait "$npd3"
wait_state none
done_testing
