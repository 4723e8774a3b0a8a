#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the kernel's mm selftests (run_vmtests.sh) with no private node; the same on the unpatched kernel is the reference
# timeout: 9000
# cpus: 4
. "$NP_TESTS/lib.sh"
. "$NP_TESTS/peer/mmlib.sh"
mm_run
done_testing
