#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the struct_ops tests of the kernel's BPF selftests with no private node; the same on the unpatched kernel is the reference
# timeout: 1500
. "$NP_TESTS/lib.sh"
. "$NP_TESTS/peer/bpflib.sh"
bpf_run
done_testing
