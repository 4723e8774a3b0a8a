// SPDX-License-Identifier: GPL-2.0
/*
 * np_node2: bpf/minimal built for node 2, the test guest's private node,
 * as an operator builds a policy for bpftool struct_ops register, which
 * cannot set the node (see NP_POLICY in np.bpf.h).  Test-only.
 */
#define NP_NID 2
#include "../../bpf/minimal.bpf.c"
