#!/usr/bin/env python3
"""Captures the raw boot-information block that a loader hands to a Mosaic image.

Boots IMAGE.elf with `boot.dump_info` on the kernel command line (through GRUB by default, so
the block is a real Multiboot2 one; --boot direct gives a PVH start info, which refers to memory
outside itself and so is not captured), cuts the hex dump that the kernel prints between
"BEGIN BOOT INFO" and "END BOOT INFO" out of the console output, and writes the bytes to OUT.
Beside it, OUT with the extension .expect gets what an independent decoder (this script's, in
Python) reads from the block; the host tests (tests/x86_64/multiboot2_test.cpp) parse every
tests/data/*.mbi file with the C++ parser and compare.

The .expect file holds `key=value` lines: address (where the block lay in physical memory),
command_line, loader_name, memory_regions, usable_bytes, modules, framebuffer, acpi_revision,
then one line per memory region, in map order and without zero-length regions (as the C++
parser leaves them out),

    region=BASE,LENGTH,KIND      hex base and length; KIND usable, reserved, acpi-reclaimable,
                                 acpi-nvs or defective

and one line per module, in tag order:

    module=START,END,CMDLINE     hex physical start and end (one past the last byte)

Example: tools/capture_boot_info.py build/x86_64/platforms/x86_64/images/hello.elf \\
             --mem 128M tests/data/grub_128M.mbi

With --decode-only MBI ADDRESS nothing is booted: the existing block MBI, which lay at physical
ADDRESS (the `address=` line of its .expect file), is decoded again and its .expect file
rewritten, e.g. after the format of .expect files grows:

    tools/capture_boot_info.py --decode-only tests/data/grub_128M.mbi 0x1a65a0 --mem 128M
"""

import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Multiboot2 (E820) memory types and their names in .expect files; any other type is reserved.
REGION_KINDS = {1: "usable", 3: "acpi-reclaimable", 4: "acpi-nvs", 5: "defective"}


def decode_multiboot2(data, address):
    """The .expect keys of a Multiboot2 block ([multiboot2] 3.6), decoded independently of the
    C++ parser so that the test compares two readings of the same bytes."""
    expect = {"address": hex(address), "command_line": "", "loader_name": "",
              "memory_regions": 0, "usable_bytes": 0, "modules": 0, "framebuffer": "none",
              "acpi_revision": "none", "region": [], "module": []}
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
            start, end = struct.unpack_from("<II", body, 0)
            name = body[8:].split(b"\0")[0].decode()
            expect["modules"] += 1
            expect["module"].append(f"{start:#x},{end:#x},{name}")
        elif kind == 6:
            entry_size, = struct.unpack_from("<I", body, 0)
            for at in range(8, len(body), entry_size):
                base, length, region = struct.unpack_from("<QQI", body, at)
                if length == 0:
                    continue  # Mosaic leaves empty regions out.
                expect["memory_regions"] += 1
                if region == 1:
                    expect["usable_bytes"] += length
                expect["region"].append(
                    f"{base:#x},{length:#x},{REGION_KINDS.get(region, 'reserved')}")
        elif kind == 8:
            _, _, width, height, bpp = struct.unpack_from("<QIIIB", body, 0)
            expect["framebuffer"] = f"{width}x{height}x{bpp}"
        elif kind == 14 and expect["acpi_revision"] == "none":
            expect["acpi_revision"] = 0  # ACPI 1.0 RSDP: only the RSDT is known.
        elif kind == 15:
            expect["acpi_revision"] = body[15]
        pos += (size + 7) & ~7
    return expect


def write_expect(mbi_path, data, address, mem):
    """Decodes the block and writes MBI_PATH with the extension .expect."""
    expect = decode_multiboot2(data, address)
    where = f"GRUB, -m {mem}" if mem else "GRUB"
    with open(os.path.splitext(mbi_path)[0] + ".expect", "w") as f:
        f.write(f"# Captured by tools/capture_boot_info.py ({where}); decoded "
                f"independently of the C++ parser.\n")
        for key, value in expect.items():
            for item in value if isinstance(value, list) else [value]:
                f.write(f"{key}={item}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("elf", nargs="?")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--mem", help="guest memory (default 128M; with --decode-only, only "
                                      "named in the .expect file's comment)")
    parser.add_argument("--cmdline", default="", help="more kernel command line words")
    parser.add_argument("--module", action="append", default=[], metavar="FILE[=CMDLINE]",
                        help="a Multiboot2 module for GRUB to load (repeatable)")
    parser.add_argument("--decode-only", nargs=2, metavar=("MBI", "ADDRESS"),
                        help="boot nothing: decode the captured block MBI, which lay at "
                             "physical ADDRESS, and rewrite its .expect file")
    args = parser.parse_args()

    if args.decode_only:
        if args.elf or args.out or args.cmdline or args.module:
            parser.error("--decode-only takes no ELF, OUT, --cmdline or --module")
        mbi, address = args.decode_only
        with open(mbi, "rb") as f:
            data = f.read()
        write_expect(mbi, data, int(address, 0), args.mem)
        print(f"{mbi}: {len(data)} bytes, block at physical {int(address, 0):#x}, decoded")
        return 0
    if not args.elf or not args.out:
        parser.error("ELF and OUT are required (or --decode-only MBI ADDRESS)")
    mem = args.mem or "128M"

    cmdline = ("boot.dump_info " + args.cmdline).strip()
    with tempfile.TemporaryDirectory() as tmp:
        iso = os.path.join(tmp, "capture.iso")
        make_iso = [sys.executable, os.path.join(HERE, "make_iso.py"), "--elf", args.elf,
                    "--out", iso, "--cmdline", cmdline]
        for module in args.module:
            make_iso += ["--module", module]
        subprocess.run(make_iso, check=True)
        run = subprocess.run([sys.executable, os.path.join(HERE, "qemu_run.py"), "--iso", iso,
                              "--boot", "grub", "--mem", mem, "--batch"],
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
    write_expect(args.out, data, int(match.group(2), 16), mem)
    print(f"{args.out}: {len(data)} bytes, block at physical {match.group(2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
