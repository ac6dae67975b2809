#!/usr/bin/env python3
"""The drivers image with an ext2 disk: make a volume with Debian's mke2fs and put a file on it
with debugfs, boot the image with it attached as a virtio-blk disk (the image mounts /dev/vda,
writes files, reads them back and unmounts), then check on the host that e2fsck finds the file
system clean and that debugfs reads back exactly what the image wrote.

Usage: disk_test.py IMAGE_TEST_ARGS...   (passed to tools/image_test.py, plus --disk)
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_TEST = os.path.join(HERE, "..", "..", "tools", "image_test.py")
SBIN = "/usr/sbin"


def tool(name: str) -> str:
    for directory in (SBIN, "/sbin", *os.environ.get("PATH", "").split(os.pathsep)):
        path = os.path.join(directory, name)
        if os.access(path, os.X_OK):
            return path
    sys.exit(f"disk_test: {name} not found (./mosaic installs e2fsprogs)")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=False, timeout=120, **kwargs)


def main() -> int:
    failures = []
    with tempfile.TemporaryDirectory(prefix="mosaic-disk-") as tmp:
        disk = os.path.join(tmp, "disk.img")
        note = os.path.join(tmp, "note.txt")
        with open(note, "w") as f:
            f.write("hello from the host\n")
        made = run([tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", "1024", disk, "8M"])
        put = run([tool("debugfs"), "-w", "-R", f"write {note} from-host.txt", disk])
        if made.returncode != 0 or put.returncode != 0:
            print(made.stderr.decode(), put.stderr.decode())
            return 1
        booted = subprocess.run([sys.executable, IMAGE_TEST, *sys.argv[1:], "--disk", disk])
        if booted.returncode != 0:
            failures.append("the image run failed (see above)")
        fsck = run([tool("e2fsck"), "-fn", disk])
        print(fsck.stdout.decode(), fsck.stderr.decode())
        if fsck.returncode != 0:
            failures.append(f"e2fsck -fn exited {fsck.returncode}: the file system is not clean")
        hello = run([tool("debugfs"), "-R", "cat /hello.txt", disk]).stdout
        if hello != b"written by Mosaic\n":
            failures.append(f"debugfs reads /hello.txt as {hello!r}")
        dumped = os.path.join(tmp, "big.bin")
        run([tool("debugfs"), "-R", f"dump /dir/big.bin {dumped}", disk])
        expected = bytes((i * 31 + i // 1024) & 0xff for i in range(200 * 1024))
        got = open(dumped, "rb").read() if os.path.exists(dumped) else b""
        if got != expected:
            failures.append(f"/dir/big.bin differs ({len(got)} bytes read back)")
        link = run([tool("debugfs"), "-R", "stat /big-link", disk]).stdout.decode()
        if "Fast link dest: \"dir/big.bin\"" not in link:
            failures.append("/big-link is not a fast symlink to dir/big.bin")
    for failure in failures:
        print(f"disk_test: FAILED: {failure}")
    if not failures:
        print("disk_test: PASS: e2fsck clean, debugfs reads back what the image wrote")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
