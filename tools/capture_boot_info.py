#!/usr/bin/env python3
"""Captures the raw boot-information block that a loader hands to a Mosaic image.

Boots IMAGE.elf with `boot.dump_info` on the kernel command line (through GRUB by default, so
the block is a real Multiboot2 one; --boot direct gives a PVH start info, which refers to memory
outside itself and so is not captured), cuts the hex dump that the kernel prints between
"BEGIN BOOT INFO" and "END BOOT INFO" out of the console output, and writes the bytes to OUT.
The host tests (tests/x86_64/multiboot2_test.cpp) parse every tests/data/*.mbi file.

Example: tools/capture_boot_info.py build/x86_64/platforms/x86_64/images/hello.elf \\
             --mem 128M tests/data/grub_128M.mbi
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("elf")
    parser.add_argument("out")
    parser.add_argument("--mem", default="128M")
    parser.add_argument("--cmdline", default="", help="more kernel command line words")
    args = parser.parse_args()

    cmdline = ("boot.dump_info " + args.cmdline).strip()
    run = subprocess.run([sys.executable, os.path.join(HERE, "qemu_run.py"), "--elf", args.elf,
                          "--boot", "grub", "--cmdline", cmdline, "--mem", args.mem, "--batch"],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace")
    output = run.stdout.replace("\r", "")
    match = re.search(r"BEGIN BOOT INFO (\d+) (0x[0-9a-f]+)\n(.*?)END BOOT INFO", output, re.S)
    if not match:
        sys.stderr.write(output + run.stderr)
        sys.exit("capture_boot_info: no boot information dump in the console output")
    data = bytes.fromhex("".join(match.group(3).split()))
    if len(data) != int(match.group(1)):
        sys.exit(f"capture_boot_info: dump has {len(data)} bytes, kernel said {match.group(1)}")
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"{args.out}: {len(data)} bytes, block at physical {match.group(2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
