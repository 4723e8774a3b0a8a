// SPDX-License-Identifier: GPL-2.0
/*
 * np_tcpkfunc: a TCP congestion control, another struct_ops type, that
 * calls a private-node kfunc; the verifier must refuse it.  Test-only.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/np_tcp_ssthresh")
u32 BPF_PROG(np_tcp_ssthresh, struct sock *sk)
{
	return bpf_np_node_stat(0, NP_NODE_FREE_PAGES) > 0 ? 10 : 2;
}

SEC("struct_ops/np_tcp_undo_cwnd")
u32 BPF_PROG(np_tcp_undo_cwnd, struct sock *sk)
{
	return 10;
}

SEC("struct_ops/np_tcp_cong_avoid")
void BPF_PROG(np_tcp_cong_avoid, struct sock *sk, u32 ack, u32 acked)
{
}

SEC(".struct_ops.link")
struct tcp_congestion_ops np_tcp = {
	.ssthresh	= (void *)np_tcp_ssthresh,
	.undo_cwnd	= (void *)np_tcp_undo_cwnd,
	.cong_avoid	= (void *)np_tcp_cong_avoid,
	.name		= "np_tcp",
};
