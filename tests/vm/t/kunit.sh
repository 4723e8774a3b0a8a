#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the series' KUnit suite node_private (the rules of policy flags against each other and the device's capabilities, every combination, and the built-in policy's flags on every device) runs at boot and passes
# timeout: 120
# cmdline: kunit.enable=1
#
# The kernel is built with CONFIG_KUNIT_DEFAULT_ENABLED=n, so that no
# other test boots with KUnit's runs (and their TAINT_TEST); this one
# turns it on.  The suite runs before init, and its KTAP report is in
# the kernel log.
. "$NP_TESTS/lib.sh"
suite=node_private
cases="np_test_unknown np_test_need_migration np_test_write_conflicts
np_test_caps np_test_all np_test_isolated"
log=$(dmesg)

ok "$(echo "$log" | grep -qE "# Subtest: $suite\$"; echo $?)" \
	"KUnit ran the suite $suite"
n=0
for c in $cases; do
	n=$((n + 1))
	ok "$(echo "$log" | grep -qE "(^|\] ) *ok [0-9]+ $c\$"; echo $?)" \
		"case $c passed"
done
echo "$log" | grep -E "EXPECTATION FAILED|not ok [0-9]+ np_test" | head -n 20 |
	sed 's/^/# /'
sum=$(echo "$log" | sed -n "s/.*# $suite: \(pass:.*\)/\1/p")
ok "$([ "$sum" = "pass:$n fail:0 skip:0 total:$n" ]; echo $?)" \
	"the suite's summary: '$sum' ($n cases, none failed or skipped)"
ok "$(echo "$log" | grep -qE "(^|\] )ok [0-9]+ $suite\$"; echo $?)" \
	"the suite passed"
done_testing
