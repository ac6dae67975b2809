#!/usr/bin/env python3
"""The drivers image with an ext2 disk: make a volume with Debian's mke2fs and put a file on it
with debugfs, boot the image with it attached as a virtio-blk disk (the image mounts /dev/vda,
writes files, reads them back and unmounts), then check on the host that e2fsck finds the file
system clean and that debugfs reads back exactly what the image wrote.

Usage: disk_test.py IMAGE_TEST_ARGS...   (passed to tools/image_test.py, plus --disk)
"""

import os
import sys

sys.dont_write_bytecode = True  # No __pycache__ in the source tree.
from ext2_volume import check_run_on_volume, debugfs, run, tool  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_TEST = os.path.join(HERE, "..", "..", "tools", "image_test.py")


def read_back(disk: str, scratch: str) -> list[str]:
    failures = []
    hello = debugfs(disk, "cat /hello.txt")
    if hello != b"written by Mosaic\n":
        failures.append(f"debugfs reads /hello.txt as {hello!r}")
    dumped = os.path.join(scratch, "big.bin")
    run([tool("debugfs"), "-R", f"dump /dir/big.bin {dumped}", disk])
    expected = bytes((i * 31 + i // 1024) & 0xff for i in range(200 * 1024))
    got = open(dumped, "rb").read() if os.path.exists(dumped) else b""
    if got != expected:
        failures.append(f"/dir/big.bin differs ({len(got)} bytes read back)")
    link = debugfs(disk, "stat /big-link").decode()
    if "Fast link dest: \"dir/big.bin\"" not in link:
        failures.append("/big-link is not a fast symlink to dir/big.bin")
    return failures


def main() -> int:
    return check_run_on_volume([IMAGE_TEST, *sys.argv[1:]], "mosaic-disk-", "the image",
                               read_back)


if __name__ == "__main__":
    sys.exit(main())
