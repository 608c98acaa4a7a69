package sched

import "syscall"

// osYield gives the CPU to another runnable thread, if any (sched_yield):
// the polls of the offload use it once a result is late, so that on a
// machine with more runnable threads than CPUs they do not keep out the
// thread they wait for.
func osYield() { _, _, _ = syscall.Syscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) }
