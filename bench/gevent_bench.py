#!/usr/bin/python3
"""Real gevent on the gevent-go comparison workloads.

    gevent_bench.py WORKLOAD N     run one sample, print one JSON object of metrics
    gevent_bench.py versions       print the versions of Python, gevent, greenlet, libev
    gevent_bench.py echo_server LIMIT
                                   the echo workloads' server (see echo_server)

The gevent-bench command (bench/cmd/gevent-bench) runs this once per sample,
in a fresh process each time, with the same WORKLOAD names, the same N and
the same metric names as the Go implementations in bench/workloads, and reads
the last line of stdout. The workloads mirror the Go ones operation for
operation; see bench/workloads for what each one counts.

Ops workloads time N operations after a warm-up of N/10 in the same process;
sized workloads (spawn_joinall, parked, event_wakeall, spawn_later) warm up
on their own or need no warm-up.
Percentiles are nearest-rank, as in bench/stats.
"""
import gc
import math
import os
import random
import sys
import time

import pybench_common

perf = time.perf_counter_ns
cpu = time.process_time_ns


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


def percentile(xs, p):
    """Nearest-rank: the smallest value with at least p% of values <= it."""
    s = sorted(xs)
    k = int(math.ceil(p / 100.0 * len(s))) - 1
    return s[max(0, min(len(s) - 1, k))]


def status_bytes(field):
    """A kB field of /proc/self/status (VmRSS, VmHWM), in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024.0
    return float("nan")


def trivial():
    pass


WORKLOADS = {}


def _sleep_a_day():
    import gevent
    gevent.sleep(86400)


def ops(fn):
    """An Ops workload: fn(n) times n operations; warm up with n/10 first."""
    def run(n):
        fn(max(1, n // 10))
        return fn(n)
    WORKLOADS[fn.__name__] = run
    return fn


def sized(fn):
    WORKLOADS[fn.__name__] = fn
    return fn


@ops
def switch(n):
    """greenlet.switch ping-pong between two raw greenlets."""
    from greenlet import greenlet

    def a_body():
        sw = b.switch
        for _ in range(n):
            sw()

    def b_body():
        sw = a.switch
        while True:
            sw()

    a, b = greenlet(a_body), greenlet(b_body)
    t0 = perf()
    a.switch()
    el = perf() - t0
    b.throw()  # end b (GreenletExit) so it does not linger
    return {"ns/switch": el / (2.0 * n)}


@ops
def sleep0(n):
    """Two greenlets calling gevent.sleep(0) n times each."""
    import gevent

    def loop():
        s = gevent.sleep
        for _ in range(n):
            s(0)

    a, b = gevent.spawn(loop), gevent.spawn(loop)
    t0 = perf()
    gevent.joinall([a, b])
    el = perf() - t0
    return {"ns/switch": el / (2.0 * n)}


@ops
def spawn_join(n):
    import gevent
    spawn = gevent.spawn
    t0 = perf()
    for _ in range(n):
        spawn(trivial).join()
    el = perf() - t0
    return {"ns/greenlet": el / float(n)}


@sized
def spawn_joinall(n):
    import gevent
    gevent.joinall([gevent.spawn(trivial) for _ in range(1000)])  # warm-up
    gc.collect()
    rss0 = status_bytes("VmRSS")
    spawn = gevent.spawn
    t0 = perf()
    gs = [spawn(trivial) for _ in range(n)]
    t1 = perf()
    gevent.joinall(gs)
    t2 = perf()
    if not all(g.dead for g in gs):
        raise AssertionError("joinall returned before every greenlet died")
    peak = status_bytes("VmHWM")
    return {
        "ns/greenlet": (t2 - t0) / float(n),
        "spawn-ns/greenlet": (t1 - t0) / float(n),
        "peak-rss-MiB": peak / (1 << 20),
        "rss-B/greenlet": (peak - rss0) / n,
    }


@sized
def parked(n):
    """n greenlets parked in gevent.sleep(1 day): memory per greenlet."""
    import gevent
    gevent.sleep(0)
    gc.collect()
    rss0 = status_bytes("VmRSS")
    t0 = perf()
    gs = [gevent.spawn(_sleep_a_day) for _ in range(n)]
    gevent.sleep(0)  # runs after every queued start: all are parked now
    t1 = perf()
    rss1 = status_bytes("VmRSS")
    if any(g.dead or not g for g in gs):
        raise AssertionError("not every greenlet is parked")
    return {
        "rss-B/greenlet": (rss1 - rss0) / n,
        "spawnpark-ns/greenlet": (t1 - t0) / float(n),
    }


@sized
def event_wakeall(n):
    """n greenlets parked in Event.wait(); set() wakes all."""
    import gevent
    from gevent.event import Event
    gevent.sleep(0)
    ev, done = Event(), Event()
    state = {"started": 0, "woken": 0}

    def waiter():
        state["started"] += 1
        ev.wait()
        state["woken"] += 1
        if state["woken"] == n:
            done.set()

    t0 = perf()
    gs = [gevent.spawn(waiter) for _ in range(n)]
    gevent.sleep(0)  # runs after every queued start: all are parked now
    t1 = perf()
    if state["started"] != n or state["woken"]:
        raise AssertionError("not all parked: %r" % state)
    t2 = perf()
    ev.set()
    done.wait()
    t3 = perf()
    del gs
    return {
        "spawnpark-ns/greenlet": (t1 - t0) / float(n),
        "wake-ns/greenlet": (t3 - t2) / float(n),
    }


@ops
def timeout_cancel(n):
    import gevent
    Timeout = gevent.Timeout
    gevent.sleep(0)
    t0 = perf()
    for _ in range(n):
        with Timeout(10):
            pass
    el = perf() - t0
    return {"ns/timeout": el / float(n)}


@ops
def timeout_fire(n):
    import gevent
    Timeout = gevent.Timeout
    gevent.sleep(0)
    late = []
    for _ in range(n):
        t0 = perf()
        t = Timeout(0.001)
        t.start()
        try:
            gevent.sleep(1)
        except Timeout as e:
            if e is not t:
                raise
        else:
            raise AssertionError("the 1 s sleep ended before the 1 ms timeout")
        finally:
            t.close()
        late.append((perf() - t0) / 1e3 - 1000.0)
    return {"late-us-p50": median(late), "late-us-p99": percentile(late, 99)}


@ops
def sleep_1ms(n):
    import gevent
    gevent.sleep(0)
    d = []
    for _ in range(n):
        t0 = perf()
        gevent.sleep(0.001)
        d.append((perf() - t0) / 1e3)
    return {"dur-us-p50": median(d), "dur-us-p99": percentile(d, 99)}


@ops
def kill_parked(n):
    import gevent
    spawn = gevent.spawn
    total, left = 0, n
    while left > 0:
        m = min(1000, left)
        gs = [spawn(_sleep_a_day) for _ in range(m)]
        gevent.sleep(0)
        t0 = perf()
        for g in gs:
            g.kill(block=True)
        total += perf() - t0
        if not all(g.dead for g in gs):
            raise AssertionError("kill(block=True) returned before death")
        left -= m
    return {"ns/kill": total / float(n)}


@ops
def event_handoff(n):
    import gevent
    from gevent.event import Event
    e1, e2 = Event(), Event()

    def a():
        for _ in range(n):
            e1.set()
            e2.wait()
            e2.clear()

    def b():
        for _ in range(n):
            e1.wait()
            e1.clear()
            e2.set()

    ga, gb = gevent.spawn(a), gevent.spawn(b)
    t0 = perf()
    gevent.joinall([ga, gb])
    el = perf() - t0
    return {"ns/handoff": el / (2.0 * n)}


@ops
def queue_handoff(n):
    import gevent
    from gevent.queue import Queue
    q1, q2 = Queue(), Queue()

    def a():
        put, get = q1.put, q2.get
        for i in range(n):
            put(i)
            get()

    def b():
        put, get = q2.put, q1.get
        for i in range(n):
            get()
            put(i)

    ga, gb = gevent.spawn(a), gevent.spawn(b)
    t0 = perf()
    gevent.joinall([ga, gb])
    el = perf() - t0
    return {"ns/handoff": el / (2.0 * n)}


@ops
def offload(n):
    """threadpool.apply of an empty function: greenlet -> thread -> greenlet."""
    import gevent
    apply = gevent.get_hub().threadpool.apply
    t0 = perf()
    for _ in range(n):
        apply(trivial)
    el = perf() - t0
    return {"ns/call": el / float(n)}


@sized
def spawn_later(n):
    import gevent
    from gevent.event import Event
    rnd = random.Random()
    delays = [rnd.uniform(0.0, 0.1) for _ in range(n)]
    late = [0.0] * n
    state = {"fired": 0, "t_last": 0}
    done = Event()

    def fire(i, due):
        now = perf()
        late[i] = (now - due) / 1e6
        state["fired"] += 1
        if state["fired"] == n:
            state["t_last"] = now
            done.set()

    # warm-up: 1000 timers of up to 5 ms
    warm = Event()
    count = [0]

    def warm_fire():
        count[0] += 1
        if count[0] == 1000:
            warm.set()

    for _ in range(1000):
        gevent.spawn_later(rnd.uniform(0, 0.005), warm_fire)
    warm.wait()
    gc.collect()
    gevent.sleep(0)
    spawn_later = gevent.spawn_later
    c0 = cpu()
    t0 = perf()
    for i, d in enumerate(delays):
        spawn_later(d, fire, i, t0 + int(d * 1e9))
    t_setup = perf()
    done.wait()
    c1 = cpu()
    total_ms = (state["t_last"] - t0) / 1e6
    return {
        "total-ms": total_ms,
        "overshoot-ms": total_ms - max(delays) * 1e3,
        "setup-ns/timer": (t_setup - t0) / float(n),
        "cpu-ns/timer": (c1 - c0) / float(n),
        "late-ms-p50": median(late),
        "late-ms-p99": percentile(late, 99),
    }


def echo_server(limit):
    """The echo workloads' server: a gevent StreamServer on 127.0.0.1 whose
    handler echoes what its connection sends, reading up to 4 KiB at a
    time, like every server of bench/workloads/echo.go. The Go load client
    drives it: this prints the address, serves until standard input closes
    (the client is done or gone) and exits; after LIMIT seconds it exits by
    itself with status 1."""
    import gevent
    import gevent.event
    import gevent.socket
    from gevent.server import StreamServer
    import socket

    def handle(sock, _addr):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        recv, sendall = sock.recv, sock.sendall
        while True:
            data = recv(4096)
            if not data:
                break
            sendall(data)

    server = StreamServer(("127.0.0.1", 0), handle, backlog=4096)
    server.start()
    print("127.0.0.1:%d" % server.server_port, flush=True)
    done = gevent.event.Event()

    def watch_input():
        while True:
            gevent.socket.wait_read(0)
            if not os.read(0, 4096):
                break
        done.set()

    gevent.spawn(watch_input)
    ended = done.wait(limit)
    server.stop(timeout=1)
    return 0 if ended else 1


def versions():
    import greenlet
    import gevent
    loop = gevent.get_hub().loop
    libev = "?"
    try:
        from gevent.libev import corecext
        libev = corecext.get_version()
    except ImportError:
        pass
    return {
        "python": sys.version.split()[0],
        "gevent": gevent.__version__,
        "greenlet": greenlet.__version__,
        "loop": type(loop).__module__,
        "backend": str(getattr(loop, "backend", "?")),
        "libev": libev,
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "echo_server":
        sys.exit(echo_server(float(sys.argv[2])))
    sys.exit(pybench_common.main(sys.argv, "gevent_bench.py", WORKLOADS, versions))
