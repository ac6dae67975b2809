#!/usr/bin/env python3
"""Runs benchmark executables (Google Benchmark) and prints their results as comparison tables.

Each INPUT is a benchmark executable, which is run with --benchmark_format=json (ARGS after `--`
are passed on, e.g. --benchmark_filter=small), a directory whose executables are all run that way
(a suite's build directory, e.g. build/bench/bench/mm), or a JSON file such an executable wrote
(--benchmark_format=json or --benchmark_out). The results of all inputs are merged by benchmark
name, which says what the table rows are (bench/mm/workloads.hpp):

  heap/WORKLOAD/ALLOCATOR   one table: per allocator and workload, nanoseconds per call
                            (allocate or free, from items_per_second, i.e. CPU time) and the
                            ratio to mimalloc; then whether the libmm target holds: the best
                            Mosaic heap within 1.5x of mimalloc on small-object churn
  heap_ops/ALLOCATOR        TSC ticks per single call: median, p99, p99.9, max (each call's
                            cheapest replay) and the raw max of one replay
  frames/ALLOCATOR/order:N  nanoseconds per call per order
  ipc/KIND/IMPL/bytes:N     nanoseconds per round trip or per write, per implementation
                            (Mosaic's channel and pipe, Linux's pipe and message queue) and
                            message size, and Mosaic's ratio to the Linux pipe
  pick/POLICY/runnable:N    nanoseconds per scheduling decision (pick, charge, requeue) with N
                            runnable threads, and how much it grows from the fewest to the most
                            (about 1x: O(1); a few x over four decades of N: O(log n))
  vfs/OP/IMPL[/depth:N]     nanoseconds per operation (open+fstat+close, create+close+unlink,
                            stat of a path N directories deep, 4 KiB pread or pwrite; CPU time)
                            through Mosaic's VFS and through Linux system calls, and Mosaic's
                            ratio to Linux; the header names the directory the Linux rows used

The target is reported, never enforced: timings on a shared host vary too much for a pass/fail
threshold. Exit status: 0, or 1 when an executable failed or no results were found.

Example (what `./mosaic bench mm` runs, here with a filter):
    tools/bench_report.py build/bench/bench/mm -- --benchmark_filter=heap/
"""

import argparse
import json
import os
import subprocess
import sys

# Allocators in the order the tables list them; Mosaic's heaps first. Others follow by name.
MOSAIC_HEAPS = ["first_fit", "buddy", "tlsf", "slab+tlsf", "slab+first_fit"]
FOREIGN_HEAPS = ["glibc", "jemalloc", "mimalloc"]
BASELINE = "mimalloc"
WORKLOADS = ["small_random", "small_oldest", "mixed_random", "mixed_lifo", "mixed_fifo"]
# The libmm issue's target: the best Mosaic heap within this factor of mimalloc on these.
TARGET_RATIO = 1.5
TARGET_WORKLOADS = ["small_random", "small_oldest"]


class InputError(Exception):
    """An input could not be run or read."""


def expand(path):
    """The files an INPUT stands for: a directory's executables (sorted), else the path."""
    if not os.path.isdir(path):
        return [path]
    found = sorted(os.path.join(path, n) for n in os.listdir(path))
    found = [f for f in found if os.path.isfile(f) and os.access(f, os.X_OK)]
    if not found:
        raise InputError(f"{path}: no executables in this directory")
    return found


def load(path, extra_args):
    """The benchmark JSON document of one input file (an executable to run, or a JSON file)."""
    if path.endswith(".json"):
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"{path}: {e}") from e
    if not os.access(path, os.X_OK):
        raise InputError(f"{path}: not an executable (nor a .json file)")
    print(f"bench_report: running {path}", file=sys.stderr, flush=True)
    try:
        done = subprocess.run([path, "--benchmark_format=json", *extra_args],
                              stdout=subprocess.PIPE, check=False)
    except OSError as e:
        raise InputError(f"{path}: {e}") from e
    if done.returncode != 0:
        raise InputError(f"{path} exited with status {done.returncode}")
    try:
        return json.loads(done.stdout)
    except ValueError as e:
        raise InputError(f"{path}: its output is not JSON: {e}") from e


def merge(documents):
    """name -> result entry: the last run of each benchmark, or with --benchmark_repetitions the
    median aggregate."""
    runs, medians = {}, {}
    for doc in documents:
        for b in doc.get("benchmarks", []):
            name = base_name(b.get("run_name", b["name"]))
            if b.get("error_occurred"):
                print(f"bench_report: {name}: {b.get('error_message', 'error')}", file=sys.stderr)
            elif b.get("run_type") != "aggregate":
                runs[name] = b
            elif b.get("aggregate_name") == "median":
                medians[name] = b
    runs.update(medians)
    return runs


# Path components Google Benchmark appends to a name for per-benchmark settings (MinTime(0.05)
# gives ".../min_time:0.050"); the tables key on the name without them.
SETTINGS = ("min_time:", "min_warmup_time:", "iterations:", "repeats:", "threads:", "real_time",
            "manual_time", "process_time")


def base_name(name):
    """A benchmark name without the settings components."""
    return "/".join(p for p in name.split("/") if not p.startswith(SETTINGS))


def ns_per_call(entry):
    """Nanoseconds per allocator call, from items_per_second (calls per CPU second)."""
    rate = entry.get("items_per_second")
    return 1e9 / rate if rate else None


def ordered(names, known):
    """`names` in the order of `known`, then the rest sorted."""
    return [n for n in known if n in names] + sorted(n for n in names if n not in known)


def heap_table(results):
    """The heap workload table and the target verdict, as lines."""
    cells = {}  # (allocator, workload) -> ns per call
    for name, entry in results.items():
        parts = name.split("/")
        if len(parts) == 3 and parts[0] == "heap":
            cells[(parts[2], parts[1])] = ns_per_call(entry)
    if not cells:
        return []
    allocators = ordered({a for a, _ in cells}, MOSAIC_HEAPS + FOREIGN_HEAPS)
    workloads = ordered({w for _, w in cells}, WORKLOADS)
    lines = [f"Heap workloads: ns per call (allocate or free), and ratio to {BASELINE}",
             f"{'allocator':<16}" + "".join(f"{w:>17}" for w in workloads)]
    for a in allocators:
        row = f"{a:<16}"
        for w in workloads:
            ns, base = cells.get((a, w)), cells.get((BASELINE, w))
            if ns is None:
                row += f"{'-':>17}"
            elif base:
                row += f"{ns:>10.1f} {ns / base:>5.2f}x"
            else:
                row += f"{ns:>10.1f} {'':>6}"
        lines.append(row)

    lines.append("")
    verdicts = []
    for w in TARGET_WORKLOADS:
        base = cells.get((BASELINE, w))
        mosaic = [(cells[(a, w)], a) for a in MOSAIC_HEAPS if cells.get((a, w))]
        if not base or not mosaic:
            lines.append(f"target on {w}: not measured ({BASELINE} or the Mosaic heaps missing)")
            continue
        ns, best = min(mosaic)
        holds = ns / base <= TARGET_RATIO
        verdicts.append(holds)
        lines.append(f"target on {w}: best Mosaic heap {best} at {ns / base:.2f}x {BASELINE} "
                     f"({'within' if holds else 'NOT within'} {TARGET_RATIO}x)")
    if verdicts:
        overall = "holds" if all(verdicts) else "does not hold"
        lines.append(f"target (best Mosaic heap within {TARGET_RATIO}x of {BASELINE} on "
                     f"small-object churn): {overall}")
    return lines


def ops_table(results):
    """Per-call TSC ticks of the heap_ops run, as lines."""
    rows = {}
    for name, entry in results.items():
        parts = name.split("/")
        if len(parts) == 2 and parts[0] == "heap_ops" and "cycles_max" in entry:
            rows[parts[1]] = entry
    if not rows:
        return []
    keys = [("median", "cycles_median"), ("p99", "cycles_p99"), ("p99.9", "cycles_p999"),
            ("max", "cycles_max"), ("raw max", "cycles_max_raw")]
    overhead = max(e.get("cycles_overhead", 0) for e in rows.values())
    lines = ["Single calls over a long random run (mixed sizes): TSC ticks per call, each call's "
             "cheapest of its replays",
             f"(fenced timing, ~{overhead:.0f} ticks, included; raw max: one replay's largest "
             "timing, interrupts and preemption included)",
             f"{'allocator':<16}" + "".join(f"{label:>11}" for label, _ in keys)]
    for a in ordered(set(rows), MOSAIC_HEAPS + FOREIGN_HEAPS):
        lines.append(f"{a:<16}" + "".join(f"{rows[a].get(k, 0):>11.0f}" for _, k in keys))
    return lines


def frames_table(results):
    """Frame allocator costs per order, as lines."""
    cells = {}  # (allocator, order) -> ns per call
    for name, entry in results.items():
        parts = name.split("/")
        if len(parts) == 3 and parts[0] == "frames" and parts[2].startswith("order:"):
            cells[(parts[1], int(parts[2][len("order:"):]))] = ns_per_call(entry)
    if not cells:
        return []
    allocators = ordered({a for a, _ in cells}, ["bitmap", "buddy"])
    lines = ["Frame allocators: ns per call (allocate or free of 2^order frames), "
             "1 GiB simulated RAM",
             f"{'order':<8}" + "".join(f"{a:>12}" for a in allocators)]
    for order in sorted({o for _, o in cells}):
        row = f"{order:<8}"
        for a in allocators:
            ns = cells.get((a, order))
            row += f"{ns:>12.1f}" if ns is not None else f"{'-':>12}"
        lines.append(row)
    return lines


SCHED_POLICIES = ["fifo", "rr", "prio", "fair"]


def pick_table(results):
    """Scheduling-decision costs per policy and number of runnable threads, as lines."""
    cells = {}  # (policy, runnable) -> ns per decision
    for name, entry in results.items():
        parts = name.split("/")
        if len(parts) == 3 and parts[0] == "pick" and parts[2].startswith("runnable:"):
            cells[(parts[1], int(parts[2][len("runnable:"):]))] = ns_per_call(entry)
    if not cells:
        return []
    counts = sorted({n for _, n in cells})
    lines = ["Scheduling decisions: ns per pick + charge + requeue, by runnable threads, and the "
             f"growth from {counts[0]} to {counts[-1]}",
             f"{'policy':<8}" + "".join(f"{n:>12}" for n in counts) + f"{'growth':>10}"]
    for policy in ordered({p for p, _ in cells}, SCHED_POLICIES):
        row = f"{policy:<8}"
        for n in counts:
            ns = cells.get((policy, n))
            row += f"{ns:>12.1f}" if ns is not None else f"{'-':>12}"
        first, last = cells.get((policy, counts[0])), cells.get((policy, counts[-1]))
        row += f"{last / first:>9.1f}x" if first and last else f"{'-':>10}"
        lines.append(row)
    return lines


IPC_IMPLS = ["channel", "pipe", "linux_pipe", "linux_mqueue"]


def ipc_table(results):
    """Round trips and throughput per implementation and size, as lines."""
    cells = {}  # (kind, bytes, impl) -> ns per operation (real time)
    for name, entry in results.items():
        parts = name.split("/")
        if len(parts) == 4 and parts[0] == "ipc" and parts[3].startswith("bytes:"):
            iterations = entry.get("iterations")
            if iterations:
                ns = entry.get("real_time", 0) * {"ns": 1, "us": 1e3, "ms": 1e6}.get(
                    entry.get("time_unit", "ns"), 1)
                cells[(parts[1], int(parts[3][len("bytes:"):]), parts[2])] = ns
    if not cells:
        return []
    impls = ordered({i for _, _, i in cells}, IPC_IMPLS)
    lines = ["IPC: ns per round trip (to an echo thread and back) or per write (throughput), "
             "and Mosaic's ratio to the Linux pipe",
             "(Linux's two threads pinned to one CPU; real time, since they wait in the kernel)",
             f"{'operation':<22}" + "".join(f"{i:>20}" for i in impls)]
    for kind, size in sorted({(k, b) for k, b, _ in cells}):
        row = f"{kind + ' ' + str(size) + ' B':<22}"
        base = cells.get((kind, size, "linux_pipe"))
        for impl in impls:
            ns = cells.get((kind, size, impl))
            if ns is None:
                row += f"{'-':>20}"
            elif base and not impl.startswith("linux"):
                row += f"{ns:>12.0f} {ns / base:>6.3f}x"
            else:
                row += f"{ns:>20.0f}"
        lines.append(row)
    return lines


VFS_OPERATIONS = ["open_fstat_close", "create_unlink", "lookup", "read_4k", "write_4k"]
VFS_IMPLS = ["mosaic", "linux"]


def entry_ns(entry, key):
    """An entry's `key` time (cpu_time or real_time) in nanoseconds."""
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}.get(entry.get("time_unit", "ns"), 1)
    return entry.get(key, 0) * scale


def vfs_table(results, documents):
    """Mosaic's VFS next to Linux system calls, per operation (and lookup depth), as lines."""
    cells = {}  # ((operation, depth), impl) -> ns per operation (CPU time)
    rates = {}  # (operation, impl) -> bytes per second
    for name, entry in results.items():
        parts = name.split("/")
        if parts[0] != "vfs" or len(parts) not in (3, 4) or not entry.get("iterations"):
            continue
        depth = 0
        if len(parts) == 4:
            if not parts[3].startswith("depth:"):
                continue
            depth = int(parts[3][len("depth:"):])
        cells[((parts[1], depth), parts[2])] = entry_ns(entry, "cpu_time")
        if entry.get("bytes_per_second"):
            rates[(parts[1], parts[2])] = entry["bytes_per_second"]
    if not cells:
        return []
    where = None
    for doc in documents:
        where = where or doc.get("context", {}).get("vfs_linux_directory")
    impls = ordered({i for _, i in cells}, VFS_IMPLS)
    lines = ["VFS: ns per operation through Mosaic's VFS over its tmpfs and through Linux system "
             "calls, and Mosaic's ratio to Linux",
             "(CPU time, the kernel's part included; below 1.00x: Mosaic faster; Linux rows on "
             f"{where or 'an unnamed directory'})",
             f"{'operation':<22}" + "".join(f"{i:>12}" for i in impls) + f"{'ratio':>10}"]

    def order(key):
        operation, depth = key
        known = operation in VFS_OPERATIONS
        return (VFS_OPERATIONS.index(operation) if known else len(VFS_OPERATIONS), operation, depth)

    for operation, depth in sorted({k for k, _ in cells}, key=order):
        label = f"{operation} depth {depth}" if depth else operation
        row = f"{label:<22}"
        for impl in impls:
            ns = cells.get(((operation, depth), impl))
            row += f"{ns:>12.0f}" if ns is not None else f"{'-':>12}"
        mosaic, linux = (cells.get(((operation, depth), i)) for i in ("mosaic", "linux"))
        row += f"{mosaic / linux:>9.3f}x" if mosaic and linux else f"{'-':>10}"
        lines.append(row)
    throughput = []
    for operation in ordered({o for o, _ in rates}, VFS_OPERATIONS):
        shown = ", ".join(f"{i} {rates[(operation, i)] / 2**30:.1f}"
                          for i in impls if (operation, i) in rates)
        throughput.append(f"{operation} {shown}")
    if throughput:
        lines.append("4 KiB throughput in GiB/s: " + "; ".join(throughput))
    return lines


def host_line(documents):
    """One line about the machine the numbers come from."""
    for doc in documents:
        ctx = doc.get("context")
        if ctx:
            load_avg = ctx.get("load_avg") or []
            scaling = "on" if ctx.get("cpu_scaling_enabled") else "off"
            line = (f"Host: {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
                    f"frequency scaling {scaling}")
            if load_avg:
                line += f", load average {load_avg[0]:.1f}"
            return line + " (host numbers; see bench/README.md for caveats)"
    return None


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s INPUT... [-- BENCHMARK ARGS]")
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="benchmark executable or directory of them to run, or a JSON "
                        "file of results")
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)

    documents = []
    failed = False
    files = []
    for path in args.inputs:
        try:
            files += expand(path)
        except InputError as e:
            print(f"bench_report: {e}", file=sys.stderr)
            failed = True
    for file in files:
        try:
            documents.append(load(file, extra))
        except InputError as e:
            print(f"bench_report: {e}", file=sys.stderr)
            failed = True
    results = merge(documents)

    sections = [s for s in (heap_table(results), ops_table(results), frames_table(results),
                            pick_table(results), ipc_table(results),
                            vfs_table(results, documents)) if s]
    header = host_line(documents)
    if header:
        print(header)
    for section in sections:
        print()
        print("\n".join(section))
    if not sections:
        print("bench_report: no results", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
