#!/usr/bin/env python3
"""Captures the raw boot-information block that a loader hands to a Mosaic image.

Boots IMAGE.elf with `boot.dump_info` on the kernel command line (through GRUB by default, so
the block is a real Multiboot2 one; --boot direct gives a PVH start info, which refers to memory
outside itself and so is not captured), cuts the hex dump that the kernel prints between
"BEGIN BOOT INFO" and "END BOOT INFO" out of the console output, and writes the bytes to OUT.
Beside it, OUT with the extension .expect gets what an independent decoder (this script's, in
Python) reads from the block; the host tests (tests/x86_64/multiboot2_test.cpp) parse every
tests/data/*.mbi file with the C++ parser and compare.

Example: tools/capture_boot_info.py build/x86_64/platforms/x86_64/images/hello.elf \\
             --mem 128M tests/data/grub_128M.mbi
"""

import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def decode_multiboot2(data, address):
    """The .expect keys of a Multiboot2 block ([multiboot2] 3.6), decoded independently of the
    C++ parser so that the test compares two readings of the same bytes."""
    expect = {"address": hex(address), "command_line": "", "loader_name": "",
              "memory_regions": 0, "usable_bytes": 0, "modules": 0, "framebuffer": "none",
              "acpi_revision": "none"}
    total, = struct.unpack_from("<I", data, 0)
    pos = 8
    while pos + 8 <= total:
        kind, size = struct.unpack_from("<II", data, pos)
        body = data[pos + 8:pos + size]
        if kind == 0:
            break
        if kind == 1:
            expect["command_line"] = body.split(b"\0")[0].decode()
        elif kind == 2:
            expect["loader_name"] = body.split(b"\0")[0].decode()
        elif kind == 3:
            expect["modules"] += 1
        elif kind == 6:
            entry_size, = struct.unpack_from("<I", body, 0)
            for at in range(8, len(body), entry_size):
                base, length, region = struct.unpack_from("<QQI", body, at)
                if length == 0:
                    continue  # Mosaic leaves empty regions out.
                expect["memory_regions"] += 1
                if region == 1:
                    expect["usable_bytes"] += length
        elif kind == 8:
            _, _, width, height, bpp = struct.unpack_from("<QIIIB", body, 0)
            expect["framebuffer"] = f"{width}x{height}x{bpp}"
        elif kind == 14 and expect["acpi_revision"] == "none":
            expect["acpi_revision"] = 0  # ACPI 1.0 RSDP: only the RSDT is known.
        elif kind == 15:
            expect["acpi_revision"] = body[15]
        pos += (size + 7) & ~7
    return expect


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("elf")
    parser.add_argument("out")
    parser.add_argument("--mem", default="128M")
    parser.add_argument("--cmdline", default="", help="more kernel command line words")
    parser.add_argument("--module", action="append", default=[], metavar="FILE[=CMDLINE]",
                        help="a Multiboot2 module for GRUB to load (repeatable)")
    args = parser.parse_args()

    cmdline = ("boot.dump_info " + args.cmdline).strip()
    with tempfile.TemporaryDirectory() as tmp:
        iso = os.path.join(tmp, "capture.iso")
        make_iso = [sys.executable, os.path.join(HERE, "make_iso.py"), "--elf", args.elf,
                    "--out", iso, "--cmdline", cmdline]
        for module in args.module:
            make_iso += ["--module", module]
        subprocess.run(make_iso, check=True)
        run = subprocess.run([sys.executable, os.path.join(HERE, "qemu_run.py"), "--iso", iso,
                              "--boot", "grub", "--mem", args.mem, "--batch"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             errors="replace")
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
    expect = decode_multiboot2(data, int(match.group(2), 16))
    with open(os.path.splitext(args.out)[0] + ".expect", "w") as f:
        f.write(f"# Captured by tools/capture_boot_info.py (GRUB, -m {args.mem}); decoded "
                f"independently of the C++ parser.\n")
        for key, value in expect.items():
            f.write(f"{key}={value}\n")
    print(f"{args.out}: {len(data)} bytes, block at physical {match.group(2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
