#!/usr/bin/env python3
"""The shell appliance with an ext2 disk: make a volume with the host's mke2fs and put a file on
it with debugfs, run a shell session on it (tests/images/shell/disk.txt: mount, write files,
poweroff), then check on the host that e2fsck finds the file system clean and that debugfs
reads back what the shell wrote.

Usage: disk_test.py SESSION TRANSCRIPT IMAGE_TEST_ARGS...   (passed to session_test.py, with
--disk)
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SESSION_TEST = os.path.join(HERE, "session_test.py")
sys.path.insert(0, os.path.join(HERE, ".."))
sys.dont_write_bytecode = True  # No __pycache__ in the source tree.
from ext2_volume import check_run_on_volume, debugfs  # noqa: E402


def read_back(disk: str, _scratch: str) -> list[str]:
    failures = []
    expected = {
        "/hello.txt": b"written by the shell\n",
        "/dir/big.txt": b"".join(b"line %d\n" % n for n in range(2000)),
        "/dir/sub/passwd": open(os.path.join(HERE, "..", "..", "..", "apps", "shell",
                                             "initramfs", "etc", "passwd"), "rb").read(),
        "/empty": b"",
    }
    for path, content in expected.items():
        got = debugfs(disk, f"cat {path}")
        if got != content:
            failures.append(f"debugfs reads {path} as {len(got)} bytes {got[:40]!r}..., "
                            f"expected {len(content)} bytes")
    link = debugfs(disk, "stat /big-link").decode()
    if "Fast link dest: \"dir/big.txt\"" not in link:
        failures.append("/big-link is not a fast symlink to dir/big.txt")
    if "0600" not in debugfs(disk, "stat /empty").decode():
        failures.append("/empty does not have mode 0600")
    listing = debugfs(disk, "ls -l /dir").decode()
    if "moved.txt" in listing or "from-host.txt" in debugfs(disk, "ls /").decode():
        failures.append("the moved and removed file is still there")
    return failures


def main() -> int:
    return check_run_on_volume([SESSION_TEST, *sys.argv[1:]], "mosaic-shell-disk-", "the shell",
                               read_back)


if __name__ == "__main__":
    sys.exit(main())
