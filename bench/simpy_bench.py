#!/usr/bin/python3
"""SimPy on the gevent-go simulation workloads.

    simpy_bench.py WORKLOAD N     run one sample, print one JSON object of metrics
    simpy_bench.py versions       print the versions of Python and SimPy

The gevent-bench command (bench/cmd/gevent-bench) runs this once per sample,
in a fresh process each time, as it runs gevent_bench.py for gevent: the same
WORKLOAD names, the same N and the same metric names as the Go
implementations in bench/workloads (sim.go, simtimeouts.go, simbank.go), and
it reads the last line of stdout. Written for SimPy 3 (Debian's
python3-simpy3).

    sim_timeouts_1e5 N, sim_timeouts_1e6 N   N processes, each waiting
        M = max(1, E/N) exponential delays (E = 1e5 or 1e6): ns/event
    sim_bank N      SimPy's bank example with reneging customers, N
        customers, 10 counters: ns/customer, reneged-%, wait-units

Each sample times one run, process creation included, as the Go ones do.
The random stream is Python's (seeded), so the bank's reneged-% and
wait-units agree with Go's in distribution, not digit for digit.
"""
import sys
import time

import pybench_common

perf = time.perf_counter_ns

SEED = 1
BANK_COUNTERS = 10
BANK_INTERVAL = 1.0
BANK_SERVICE = 10.0
BANK_PATIENCE = 5.0


def timeouts(events):
    def run(n):
        import random
        import simpy
        m = max(1, events // n)
        expo = random.Random(SEED).expovariate
        env = simpy.Environment()
        count = [0]

        def proc(env):
            timeout = env.timeout
            for _ in range(m):
                yield timeout(expo(1.0))
            count[0] += m

        t0 = perf()
        for _ in range(n):
            env.process(proc(env))
        env.run()
        el = perf() - t0
        if count[0] != n * m:
            raise AssertionError("%d events, want %d" % (count[0], n * m))
        return {"ns/event": el / float(n * m)}
    return run


def sim_bank(n):
    import random
    import simpy
    expo = random.Random(SEED).expovariate
    env = simpy.Environment()
    counters = simpy.Resource(env, capacity=BANK_COUNTERS)
    st = {"served": 0, "reneged": 0, "waited": 0.0}

    def customer(env, patience, service):
        arrive = env.now
        with counters.request() as req:
            results = yield req | env.timeout(patience)
            if req in results:
                st["served"] += 1
                st["waited"] += env.now - arrive
                yield env.timeout(service)
            else:
                st["reneged"] += 1

    def source(env):
        for i in range(n):
            patience = expo(1.0 / BANK_PATIENCE)
            service = expo(1.0 / BANK_SERVICE)
            gap = expo(1.0 / BANK_INTERVAL)
            env.process(customer(env, patience, service))
            if i < n - 1:
                yield env.timeout(gap)

    t0 = perf()
    env.process(source(env))
    env.run()
    el = perf() - t0
    if st["served"] + st["reneged"] != n:
        raise AssertionError("served %(served)d + reneged %(reneged)d" % st + " != %d" % n)
    out = {"ns/customer": el / float(n), "reneged-%": 100.0 * st["reneged"] / n}
    if st["served"]:
        out["wait-units"] = st["waited"] / st["served"]
    return out


WORKLOADS = {
    "sim_timeouts_1e5": timeouts(100000),
    "sim_timeouts_1e6": timeouts(1000000),
    "sim_bank": sim_bank,
}


def versions():
    import simpy
    return {"python": sys.version.split()[0], "simpy": simpy.__version__}


if __name__ == "__main__":
    sys.exit(pybench_common.main(sys.argv, "simpy_bench.py", WORKLOADS, versions))
