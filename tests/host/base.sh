#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# base.sh: the tests of scripts/base.sh, in TAP form.  The base in use is
# reported next to the recorded one, with a notice exactly when they
# differ, and a record without a version is refused.
set -u
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
base=$top/scripts/base.sh
TAP_NAME=base.sh
. "$top/tests/host/tap.sh"

installed=$("$base" installed)
pkg=$("$base" package)

if [ -n "$installed" ]; then
	printf 'package=%s\nversion=%s\n' "$pkg" "$installed" >"$tmp/same"
	NP_BASE_FILE=$tmp/same "$base" report >"$tmp/out" 2>&1
	! grep -q NOTICE "$tmp/out" && grep -q "BASE .*$installed" "$tmp/out"
	tap $? "the installed version as recorded: reported, no notice"
	! NP_BASE_FILE=$tmp/same "$base" moved
	tap $? "the installed version as recorded: not moved"
fi

printf 'package=%s\nversion=0.0.1-np-test\n' "$pkg" >"$tmp/moved"
NP_BASE_FILE=$tmp/moved "$base" report >"$tmp/out" 2>&1
if [ -n "$installed" ]; then
	grep -q "NOTICE .*the base moved" "$tmp/out" &&
		grep -q "0.0.1-np-test" "$tmp/out"
	tap $? "another recorded version: a notice naming both"
	NP_BASE_FILE=$tmp/moved "$base" moved
	tap $? "another recorded version: moved"
fi

printf 'package=%s\n' "$pkg" >"$tmp/broken"
! NP_BASE_FILE=$tmp/broken "$base" recorded >"$tmp/out" 2>&1 &&
	grep -q "no 'version=' line" "$tmp/out"
tap $? "a record without a version is refused with its reason"

tap_end
