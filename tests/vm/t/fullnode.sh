#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a full private node gives SIGBUS under MPOL_BIND, spills over under MPOL_PREFERRED, never livelocks
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE

"$NP_BIN/nptest" fill "$P" bind
ok $? "MPOL_BIND to the private node only: SIGBUS when it is full"
"$NP_BIN/nptest" fill "$P" preferred
ok $? "MPOL_PREFERRED: falls back to ordinary nodes when it is full"
! dmesg | grep -q "Huh VM_FAULT_OOM"
ok $? "no VM_FAULT_OOM leaked to the page fault handler"
done_testing
