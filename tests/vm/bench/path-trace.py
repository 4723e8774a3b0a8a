# SPDX-License-Identifier: GPL-2.0
"""Single-step calls of one guest kernel function through QEMU's gdb stub.

Runs inside gdb (gdb -batch -nx -x path-trace.py), started by
tests/vm/run.sh for a benchmark with a "trace:" header; see
tests/vm/bench/path.sh for the protocol.  The environment gives:

  NP_TRACE_SOCK  the Unix socket of QEMU's gdb stub
  NP_TRACE_DIR   the directory shared with the guest

The guest's trace-at file gives the function's address and how many of
its calls to trace.
Writes NP_TRACE_DIR/trace: one line per call, "call N PC PC ...", every
instruction the calling vCPU ran from the function's first instruction
to its return.  Stepping masks interrupts and timers (QEMU's default
single-step flags), so a line holds the call's own path only.
"""

import os
import sys
import time

import gdb

MAX_STEPS = 20000


def fail(msg):
    sys.stderr.write("path-trace: %s\n" % msg)
    sys.stderr.flush()
    os._exit(1)


def wait_for(path, secs):
    """Wait for the guest to write @path; give up when it has ended."""
    end = time.time() + secs
    while not os.path.exists(path):
        if os.path.exists(os.path.join(os.path.dirname(path), "rc")):
            fail("the guest ended without writing %s" % path)
        if time.time() > end:
            fail("no %s within %d s" % (path, secs))
        time.sleep(0.2)


def reg(name):
    return int(gdb.selected_frame().read_register(name)) & (2**64 - 1)


def trace_call():
    """Step from the breakpoint to the return; the PCs on the way."""
    rsp = reg("rsp")
    ret = int.from_bytes(
        gdb.selected_inferior().read_memory(rsp, 8).tobytes(), "little")
    pcs = [reg("rip")]
    for _ in range(MAX_STEPS):
        gdb.execute("stepi", to_string=True)
        pc = reg("rip")
        if pc == ret and reg("rsp") > rsp:
            return pcs
        pcs.append(pc)
    fail("no return within %d instructions" % MAX_STEPS)


def main():
    sock = os.environ["NP_TRACE_SOCK"]
    out = os.environ["NP_TRACE_DIR"]
    at_file = os.path.join(out, "trace-at")
    wait_for(at_file, 900)
    with open(at_file) as f:
        at, hits = f.read().split()
    at, hits = int(at, 16), int(hits)

    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    # No line per stop: a call is hundreds of steps.
    gdb.execute("set suppress-cli-notifications on")
    gdb.execute("set architecture i386:x86-64", to_string=True)
    gdb.execute("target remote " + sock, to_string=True)
    # Step the vCPU that hit the breakpoint alone.
    gdb.execute("set scheduler-locking step")
    gdb.execute("hbreak *0x%x" % at, to_string=True)
    open(os.path.join(out, "armed"), "w").close()

    with open(os.path.join(out, "trace"), "w") as f:
        for n in range(1, hits + 1):
            try:
                gdb.execute("continue", to_string=True)
            except gdb.error as e:
                fail("call %d never came (%s)" % (n, e))
            if reg("rip") != at:
                fail("stopped at 0x%x, not at the breakpoint" % reg("rip"))
            pcs = trace_call()
            f.write("call %d %s\n" % (n, " ".join("%x" % p for p in pcs)))
            f.flush()
    gdb.execute("delete")
    gdb.execute("detach", to_string=True)


try:
    main()
except gdb.error as e:
    fail(str(e))
os._exit(0)
