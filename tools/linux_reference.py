#!/usr/bin/env python3
"""Runs a benchmark program on Linux in the same QEMU as Mosaic's images, for side-by-side
numbers.

It compiles PROGRAM.c statically (gcc, glibc), packs it as /init into an initramfs (cpio newc,
written here, with /dev/console), boots Debian's kernel (/boot/vmlinuz-*, from the
linux-image-amd64 package) through tools/qemu_run.py with -icount shift=0 (so the guest TSC
counts instructions, as in Mosaic's deterministic runs) and prints what the program printed.
The program ends the machine through the isa-debug-exit device (see bench/linux/sched_ref.c).

Usage: linux_reference.py PROGRAM.c [--work DIR] [--timeout SECONDS]
Exit status: 0 on success; 2 when no Linux kernel is installed (the caller may skip the
comparison); 1 on any other failure.
"""

import argparse
import glob
import os
import stat
import subprocess
import sys
import tempfile

TOOLS = os.path.dirname(os.path.abspath(__file__))
KERNEL_ARGS = "console=ttyS0 quiet panic=-1 nokaslr norandmaps"


def find_kernel():
    """The newest /boot/vmlinuz-*, or None."""
    kernels = sorted(glob.glob("/boot/vmlinuz-*"), key=os.path.getmtime)
    return kernels[-1] if kernels else None


def cpio_entry(name, mode, data=b"", rdev=(0, 0)):
    """One entry of a cpio archive in the "newc" format."""
    name_bytes = name.encode() + b"\0"
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_bytes), 0]
    header = b"070701" + b"".join(f"{v:08x}".encode() for v in fields)
    out = header + name_bytes
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def write_initramfs(path, init_binary):
    """An initramfs with /dev/console (so that /init has a stdout) and /init."""
    with open(init_binary, "rb") as f:
        init = f.read()
    archive = b"".join([
        cpio_entry("dev", stat.S_IFDIR | 0o755),
        cpio_entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)),
        cpio_entry("init", stat.S_IFREG | 0o755, init),
        cpio_entry("TRAILER!!!", 0),
    ])
    with open(path, "wb") as f:
        f.write(archive)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", help="a C source file with main()")
    parser.add_argument("--work", help="where to build (default: a temporary directory)")
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()

    kernel = find_kernel()
    if kernel is None:
        print("linux_reference: no /boot/vmlinuz-* (install linux-image-amd64)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or scratch
        os.makedirs(work, exist_ok=True)
        binary = os.path.join(work, "init")
        initramfs = os.path.join(work, "initramfs.cpio")
        build = subprocess.run(["gcc", "-static", "-O2", "-pthread", "-o", binary, args.program,
                                "-lrt"])
        if build.returncode != 0:
            print(f"linux_reference: cannot compile {args.program}", file=sys.stderr)
            return 1
        write_initramfs(initramfs, binary)
        run = subprocess.run(
            [sys.executable, os.path.join(TOOLS, "qemu_run.py"), "--elf", kernel, "--boot",
             "direct", "--deterministic", "--mem", "256M", "--cmdline", KERNEL_ARGS,
             "--timeout", str(args.timeout), "--", "-initrd", initramfs],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(run.stdout)
        if run.returncode != 0:
            print(f"linux_reference: the Linux guest ended with status {run.returncode}",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
