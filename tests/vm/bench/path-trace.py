# SPDX-License-Identifier: GPL-2.0
"""Single-step calls of one guest kernel function through QEMU's gdb stub.

Runs inside gdb (gdb -batch -nx -x path-trace.py), started by
tests/vm/run.sh for a benchmark with a "trace:" header; see
tests/vm/bench/path.sh for the protocol.  The environment gives:

  NP_TRACE_SOCK  the Unix socket of QEMU's gdb stub
  NP_TRACE_DIR   the directory shared with the guest

The guest's trace-at file gives the function's address, how many of its
calls to trace, the CPU they run on and the address of the page fault
exception's entry.  NP_SLOW (1) multiplies the time allowed for the
guest to get there.

Writes NP_TRACE_DIR/trace: per call, a line "call N PC PC ...", every
instruction the calling vCPU ran from the function's first instruction
to its return, then a line "fault N PC PC ...", every instruction of the
next page fault on that CPU that makes a decision, from the exception's
entry to the return to user mode.  Stepping masks interrupts and timers
(QEMU's default single-step flags), so a line holds its own path only.

The other vCPU stays stopped while one is stepped, so a fault that finds
a lock held there, or waits for that vCPU to answer, spins for as long
as it is stepped.  A fault that has not returned after MAX_FAULT_STEPS
(several times a fault's length) is taken for one: the tracer then
writes where it and the other vCPUs stand, gives up with exit status 3,
and run.sh boots the guest again if the guest's own run was clean.
"""

import os
import sys
import time

import gdb

MAX_STEPS = 20000
# A fault takes some 3-4 thousand steps.
MAX_FAULT_STEPS = 20000
# Exit status: a fault waited for the stopped vCPU (run it again).
WAITED = 3
MAX_OTHER_FAULTS = 50


def fail(msg, status=1):
    """Give up, leaving the guest running: QEMU keeps a breakpoint, and a
    stopped guest stays stopped, after gdb goes without detaching."""
    sys.stderr.write("path-trace: %s\n" % msg)
    sys.stderr.flush()
    for cmd in ("delete", "detach"):
        try:
            gdb.execute(cmd, to_string=True)
        except Exception:
            pass
    os._exit(status)


def wait_for(path, secs):
    """Wait for the guest to write @path; give up when it has ended."""
    d = os.path.dirname(path)
    end = time.time() + secs
    while not os.path.exists(path):
        # rc: the guest's script ended; vng-rc: the guest did.
        for ended in ("rc", "vng-rc"):
            if os.path.exists(os.path.join(d, ended)):
                fail("the guest ended without writing %s" % path)
        if time.time() > end:
            fail("no %s within %d s" % (path, secs))
        time.sleep(0.2)


def reg(name):
    return int(gdb.selected_frame().read_register(name)) & (2**64 - 1)


def step_until(done, limit, what, status=1):
    """Single-step from where the vCPU stopped until done(pc) holds of
    the next PC; the PCs stepped through, the first one included.  Fails
    with @status after @limit steps."""
    pcs = [reg("rip")]
    for _ in range(limit):
        gdb.execute("stepi", to_string=True)
        pc = reg("rip")
        if done(pc):
            return pcs
        pcs.append(pc)
    if status == WAITED:
        where(pcs)
    fail("%s did not return within %d instructions" % (what, limit),
         status)


def where(pcs):
    """For a fault given up on: the last PCs it ran and where the other
    vCPUs stand (read while they are stopped), to be named by hand with
    the guest's kallsyms, which the guest leaves as it runs on."""
    sys.stderr.write("path-trace: the fault's last PCs: %s\n"
                     % " ".join("%x" % p for p in pcs[-32:]))
    stepped = gdb.selected_thread()
    for t in gdb.selected_inferior().threads():
        if t.num != stepped.num:
            t.switch()
            sys.stderr.write("path-trace: vCPU %d stopped at %x\n"
                             % (t.num - 1, reg("rip")))
    stepped.switch()


def trace_call():
    """Step from the breakpoint to the return; the PCs on the way."""
    rsp = reg("rsp")
    ret = int.from_bytes(
        gdb.selected_inferior().read_memory(rsp, 8).tobytes(), "little")
    return step_until(lambda pc: pc == ret and reg("rsp") > rsp,
                      MAX_STEPS, "the call")


def trace_fault(pf, at, cpu):
    """Step through the next page fault on @cpu that makes a decision
    (calls @at), from the exception entry to the return to user mode; the
    PCs on the way.  Other faults on that CPU (another task's, a kernel
    access to user memory) are stepped through and dropped."""
    gdb.execute("hbreak *0x%x thread %d" % (pf, cpu + 1), to_string=True)
    bp = gdb.breakpoints()[-1]
    for _ in range(MAX_OTHER_FAULTS):
        gdb.execute("continue", to_string=True)
        if reg("rip") != pf:
            fail("stopped at 0x%x, not at the page fault entry"
                 % reg("rip"))
        pcs = step_until(lambda pc: pc < 1 << 63, MAX_FAULT_STEPS,
                         "a fault (waiting for the stopped vCPU?)", WAITED)
        if at in pcs:
            bp.delete()
            return pcs
    fail("%d faults without a decision" % MAX_OTHER_FAULTS)


def main():
    sock = os.environ["NP_TRACE_SOCK"]
    out = os.environ["NP_TRACE_DIR"]
    slow = int(os.environ.get("NP_SLOW", "1"))

    # "ADDRESS CALLS CPU PF", written whole (renamed into place).
    at_file = os.path.join(out, "trace-at")
    wait_for(at_file, 600 * slow)
    with open(at_file) as f:
        at, hits, cpu, pf = f.read().split()
    at, hits, cpu, pf = int(at, 16), int(hits), int(cpu), int(pf, 16)

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
        n = 0
        while n < hits:
            try:
                gdb.execute("continue", to_string=True)
            except gdb.error as e:
                fail("call %d never came (%s)" % (n + 1, e))
            if reg("rip") != at:
                fail("stopped at 0x%x, not at the breakpoint" % reg("rip"))
            # gdb numbers QEMU's vCPUs from 1.  A call on another CPU
            # than the faulting task's is not one of its decisions.
            if gdb.selected_thread().num != cpu + 1:
                continue
            n += 1
            pcs = trace_call()
            f.write("call %d %s\n" % (n, " ".join("%x" % p for p in pcs)))
            # Then the task's next fault whole: the next page's.
            pcs = trace_fault(pf, at, cpu)
            f.write("fault %d %s\n" % (n, " ".join("%x" % p for p in pcs)))
            f.flush()
    gdb.execute("delete")
    gdb.execute("detach", to_string=True)


try:
    main()
except Exception as e:  # gdb.error, or a malformed trace-at
    fail("%s: %s" % (type(e).__name__, e))
os._exit(0)
