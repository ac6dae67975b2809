#!/usr/bin/env python3
"""Copies a kernel ELF with its PVH entry note pointed at another symbol.

Used by an image test to enter the Multiboot2 entry point without a Multiboot2 loader (QEMU's PVH
loader starts it with EAX not holding the Multiboot2 magic), which must print a clear message and
fail instead of crashing.

Usage: retarget_pvh_entry.py IN.elf SYMBOL OUT.elf
"""

import struct
import subprocess
import sys

XEN_ELFNOTE_PHYS32_ENTRY = 18


def symbol_address(elf, name):
    out = subprocess.run(["nm", "--defined-only", elf], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    sys.exit(f"retarget_pvh_entry: no symbol {name} in {elf}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, name, target = sys.argv[1:]
    data = bytearray(open(source, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit("retarget_pvh_entry: not an ELF64 file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    address = symbol_address(source, name)
    for i in range(phnum):
        kind, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if kind != 4:  # PT_NOTE
            continue
        pos, end = offset, offset + filesz
        while pos + 12 <= end:
            namesz, descsz, note_type = struct.unpack_from("<III", data, pos)
            desc = pos + 12 + (namesz + 3) // 4 * 4
            if data[pos + 12:pos + 12 + namesz] == b"Xen\0" and note_type == XEN_ELFNOTE_PHYS32_ENTRY:
                struct.pack_into("<Q" if descsz == 8 else "<I", data, desc, address)
                open(target, "wb").write(data)
                return 0
            pos = desc + (descsz + 3) // 4 * 4
    sys.exit("retarget_pvh_entry: no PVH entry note found")


if __name__ == "__main__":
    sys.exit(main())
