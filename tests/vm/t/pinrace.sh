#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: npctl attach, swap, detach and tune racing on one node, round after round: each command succeeds or fails with a known reason, and after each round the pins agree with the kernel (a pinned link holds the node's policy, an attached policy is pinned, the tunables pin is the policy's own), no temporary pin is left, nothing leaks
# device: cram
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
pins=/sys/fs/bpf/np
pin=$pins/node$P
run=$NP_OUT/pinrace
mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# The refusals a command may meet when another one got there first.
known='already has a policy|already has policy|no policy link pinned|has no tunables|no tunables pinned|is no longer attached|not swapped in|is stale|a stale pin'

# consistent: what the pins say matches the node; prints the reason if not.
consistent() {
	local state policy ops tun
	state=$(np_sys state) policy=$(np_sys policy)
	if [ -e "$pin" ]; then
		ops=$("$BPFTOOL" -j link show pinned "$pin" 2>/dev/null |
			python3 -c 'import json, sys; print(json.load(sys.stdin).get("map_id", 0))')
		[ "$state" = enabled ] && [ -n "$ops" ] && [ "$ops" != 0 ] ||
			{ echo "pin $pin with state $state, map ${ops:-?}"; return 1; }
	else
		[ "$state" = none ] ||
			{ echo "no pin, but state $state ($policy)"; return 1; }
	fi
	# cram has tunables, minimal and isolate none.
	if [ "$state" = enabled ] && [ "$policy" = cram ]; then
		"$NPCTL" tune --node "$P" >/dev/null 2>"$run/tune.err" ||
			{ echo "cram runs, tune fails: $(head -c 200 "$run/tune.err")"; return 1; }
	elif [ -e "${pin}_tunables" ]; then
		echo "a tunables pin without cram ($state, $policy)"
		return 1
	fi
	if ls "$pins" | grep -q "_tunables_new"; then
		echo "temporary pins left: $(ls "$pins" | grep _tunables_new | tr '\n' ' ')"
		return 1
	fi
	return 0
}

objects0=$(bpf_objects)
rounds=25 bad=0 unknown=0 succeeded=0 failed=0
for r in $(seq $rounds); do
	pids=()
	for c in "attach cram" "attach minimal" "swap isolate" "swap cram" \
		 "detach" "tune high_pct=70"; do
		set -- $c
		case "$1" in
		# minimal asks for every flag by default; cram_emu's device
		# has only migration, demotion, protect_write and reclaim.
		attach|swap) cmd=("$NPCTL" "$1" "$2" --node "$P")
			[ "$2" = minimal ] && cmd+=(--flags migration) ;;
		detach) cmd=("$NPCTL" detach --node "$P") ;;
		tune) cmd=("$NPCTL" tune --node "$P" "$2") ;;
		esac
		(
			"${cmd[@]}" >/dev/null 2>"$run/err.$r.${c// /_}"
			echo $? >"$run/rc.$r.${c// /_}"
		) &
		pids+=($!)
	done
	wait "${pids[@]}"
	for f in "$run"/rc.$r.*; do
		c=${f#"$run/rc.$r."}
		if [ "$(cat "$f")" = 0 ]; then
			succeeded=$((succeeded + 1))
			continue
		fi
		failed=$((failed + 1))
		if ! grep -qE "$known" "$run/err.$r.$c"; then
			unknown=$((unknown + 1))
			echo "# round $r, $c: $(head -c 200 "$run/err.$r.$c")"
		fi
	done
	if ! why=$(consistent); then
		bad=$((bad + 1))
		echo "# round $r: $why"
	fi
done
ok "$([ "$bad" = 0 ]; echo $?)" \
	"$rounds rounds of 6 racing commands: pins and node agree after every round ($bad did not)"
ok "$([ "$unknown" = 0 ] && [ "$succeeded" -gt "$rounds" ] && [ "$failed" -gt 0 ]; echo $?)" \
	"$succeeded commands succeeded, $failed failed, each with a known reason ($unknown not)"
"$NPCTL" detach --node "$P" >/dev/null 2>&1
ok "$(wait_state none && [ ! -e "$pin" ] && [ ! -e "${pin}_tunables" ]; echo $?)" \
	"a last detach leaves no policy and no pin"
check_no_leak "$objects0"
done_testing
