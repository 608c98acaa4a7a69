"""The command line shared by gevent_bench.py and simpy_bench.py.

Both scripts answer the gevent-bench command (bench/cmd/gevent-bench) the
same way: "versions" prints the versions as one JSON object, "WORKLOAD N"
runs one sample and prints its metrics as one JSON object, and anything else
is a usage error (exit status 2).
"""
import json
import sys


def main(argv, prog, workloads, versions):
    """Run the command in argv for the script named prog.

    workloads maps each WORKLOAD name to a function of N returning the
    metrics; versions returns the versions. Returns the exit status.
    """
    if len(argv) == 2 and argv[1] == "versions":
        print(json.dumps(versions()))
        return 0
    if len(argv) != 3 or argv[1] not in workloads:
        sys.stderr.write("usage: %s {versions|%s} N\n" % (prog, "|".join(sorted(workloads))))
        return 2
    try:
        n = int(argv[2])
    except ValueError:
        n = 0
    if n <= 0:
        sys.stderr.write("%s: N must be a positive integer, got %r\n" % (prog, argv[2]))
        return 2
    print(json.dumps(workloads[argv[1]](n)))
    return 0
