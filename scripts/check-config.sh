#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-config.sh DOTCONFIG FRAGMENT
#
# Kconfig silently drops an option whose dependencies are not met.  Fail,
# naming the options, if the generated .config does not hold every value
# the fragment asks for.
set -euo pipefail
config=$1 fragment=$2
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		opt=${line%%=*}
		if grep -q "^$opt=" "$config"; then
			echo "check-config: $opt is set, the fragment wants it off" >&2
			bad=1
		fi
		;;
	CONFIG_*=*)
		if ! grep -qxF "$line" "$config"; then
			have=$(grep "^${line%%=*}=" "$config" || echo "not set")
			echo "check-config: want $line, got $have" >&2
			bad=1
		fi
		;;
	esac
done <"$fragment"
[ $bad = 0 ] || echo "check-config: $config does not match $fragment" >&2
exit $bad
