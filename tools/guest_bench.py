#!/usr/bin/env python3
"""Runs a benchmark suite inside QEMU, on Mosaic and on Linux, and prints the two side by side.

For SUITE it boots each of the suite's Mosaic images (apps/bench, one per scheduling policy)
with bench=SUITE under -icount shift=0 (tools/qemu_run.py --deterministic), and Linux in the
same QEMU with the suite's reference program as /init (tools/linux_reference.py). Both print
"bench: NAME VALUE" lines: guest instructions per operation. The table gives each Mosaic value
and its ratio to Linux's (below 1: Mosaic needs fewer instructions).

Usage: guest_bench.py SUITE [--images DIR] [--no-linux]
       guest_bench.py --has-suite SUITE     exit status 0 if SUITE has a guest part
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, "tools")
DEFAULT_IMAGES = os.path.join(ROOT, "build", "x86_64", "platforms", "x86_64", "images")

# Per suite: the Mosaic images (column name -> image), the Linux reference program, and what
# each measured name means.
SUITES = {
    "sched": {
        "images": {p: f"bench-{p}" for p in ["fifo", "rr", "prio", "fair"]},
        "linux": os.path.join(ROOT, "bench", "linux", "sched_ref.c"),
        "rows": {
            "sched.yield_switch": "yield to another thread (one switch)",
            "sched.wake_switch": "semaphore post wakes a waiter (half a ping-pong round trip)",
            "sched.spawn_join": "create a thread and join it once it ended",
        },
    },
    "ipc": {
        "images": {"mosaic": "bench-fair"},
        "linux": os.path.join(ROOT, "bench", "linux", "ipc_ref.c"),
        "rows": {
            **{f"ipc.pipe_round_trip_{n}": f"{n} B to an echo thread and back through pipes"
               for n in (64, 4096, 65536)},
            **{f"ipc.message_round_trip_{n}":
               f"{n} B through message queues (Mosaic: channels; Linux: POSIX mqueue)"
               for n in (64, 4096, 65536)},
        },
    },
}

LINE = re.compile(r"bench: (\S+) (\d+)\s*$")


def parse(output):
    """NAME -> value of the "bench: NAME VALUE" lines."""
    values = {}
    for line in output.splitlines():
        m = LINE.search(line)
        if m:
            values[m.group(1)] = int(m.group(2))
    return values


def run_mosaic(image, suite):
    done = subprocess.run(
        [sys.executable, os.path.join(TOOLS, "qemu_run.py"), "--elf", image, "--boot", "direct",
         "--deterministic", "--cmdline", f"bench={suite}", "--timeout", "300"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{os.path.basename(image)} ended with status {done.returncode}:\n"
                           + done.stdout[-2000:])
    return parse(done.stdout)


def run_linux(program):
    """(values, kernel name), or (None, why not)."""
    done = subprocess.run([sys.executable, os.path.join(TOOLS, "linux_reference.py"), program],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode == 2:
        return None, "no Linux kernel installed (linux-image-amd64)"
    if done.returncode != 0:
        return None, "the Linux reference run failed:\n" + done.stdout[-2000:]
    kernels = sorted(f for f in os.listdir("/boot") if f.startswith("vmlinuz-"))
    return parse(done.stdout), kernels[-1][len("vmlinuz-"):] if kernels else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="?")
    parser.add_argument("--has-suite", metavar="SUITE")
    parser.add_argument("--images", default=DEFAULT_IMAGES)
    parser.add_argument("--no-linux", action="store_true")
    args = parser.parse_args()
    if args.has_suite:
        return 0 if args.has_suite in SUITES else 1
    if args.suite not in SUITES:
        parser.error(f"unknown suite {args.suite!r}; suites with a guest part: "
                     f"{', '.join(SUITES)}")
    suite = SUITES[args.suite]

    columns = {}
    for column, image in suite["images"].items():
        print(f"guest_bench: booting {image}", file=sys.stderr, flush=True)
        columns[column] = run_mosaic(os.path.join(args.images, image + ".elf"), args.suite)
    linux, kernel = (None, "not run (--no-linux)")
    if not args.no_linux:
        print("guest_bench: booting Linux with the reference program", file=sys.stderr,
              flush=True)
        linux, kernel = run_linux(suite["linux"])

    print()
    print(f"Guest benchmarks ({args.suite}): guest instructions per operation under -icount "
          "shift=0 (exact, repeatable)")
    if linux is not None:
        print(f"and the ratio to Linux {kernel} in the same QEMU (below 1.00x: fewer "
              "instructions than Linux)")
    else:
        print(f"Linux reference: {kernel}")
    header = f"{'operation':<28}" + "".join(f"{c:>15}" for c in columns)
    if linux is not None:
        header += f"{'linux':>12}"
    print(header)
    for name in suite["rows"]:
        row = f"{name:<28}"
        for column in columns:
            value = columns[column].get(name)
            reference = linux.get(name) if linux else None
            if value is None:
                row += f"{'-':>15}"
            elif reference:
                row += f"{value:>8} {value / reference:>5.2f}x"
            else:
                row += f"{value:>15}"
        if linux is not None:
            row += f"{linux.get(name, '-'):>12}"
        print(row)
    print()
    for name, meaning in suite["rows"].items():
        print(f"  {name}: {meaning}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        print(f"guest_bench: {e}", file=sys.stderr)
        sys.exit(1)
