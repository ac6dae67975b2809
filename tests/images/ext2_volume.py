"""What the disk tests share: the host's e2fsprogs, a small ext2 volume with a file from the
host on it (/from-host.txt: "hello from the host"), and checks of a volume after a run.
"""

import os
import subprocess
import sys
import tempfile
from typing import Callable


def tool(name: str) -> str:
    """The path of an e2fsprogs program (they live in /usr/sbin, often not on PATH)."""
    for directory in ("/usr/sbin", "/sbin", *os.environ.get("PATH", "").split(os.pathsep)):
        path = os.path.join(directory, name)
        if os.access(path, os.X_OK):
            return path
    sys.exit(f"disk_test: {name} not found (./mosaic installs e2fsprogs)")


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, timeout=120)


def make_volume(directory: str) -> str | None:
    """An 8 MiB ext2 volume (1 KiB blocks) in `directory` with /from-host.txt on it; None (and
    the tools' complaints printed) if mke2fs or debugfs failed."""
    disk = os.path.join(directory, "disk.img")
    note = os.path.join(directory, "note.txt")
    with open(note, "w") as f:
        f.write("hello from the host\n")
    made = run([tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", "1024", disk, "8M"])
    put = run([tool("debugfs"), "-w", "-R", f"write {note} from-host.txt", disk])
    if made.returncode != 0 or put.returncode != 0:
        print(made.stderr.decode(), put.stderr.decode())
        return None
    return disk


def fsck_failure(disk: str) -> str | None:
    """What `e2fsck -fn` says is wrong with the volume (its report printed), or None."""
    fsck = run([tool("e2fsck"), "-fn", disk])
    print(fsck.stdout.decode(), fsck.stderr.decode())
    if fsck.returncode != 0:
        return f"e2fsck -fn exited {fsck.returncode}: the file system is not clean"
    return None


def debugfs(disk: str, request: str) -> bytes:
    """What debugfs prints for one request (e.g. "cat /hello.txt")."""
    return run([tool("debugfs"), "-R", request, disk]).stdout


def check_run_on_volume(command: list[str], prefix: str, what_wrote: str,
                        read_back: Callable[[str, str], list[str]]) -> int:
    """Makes a fresh volume, runs `command --disk VOLUME` (a Python script and its arguments),
    then checks the volume: e2fsck finds it clean, and read_back(disk, scratch_directory) lists
    what debugfs read back wrong. Prints the verdict; returns the exit status."""
    failures = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        disk = make_volume(tmp)
        if disk is None:
            return 1
        if subprocess.run([sys.executable, *command, "--disk", disk]).returncode != 0:
            failures.append("the run failed (see above)")
        if (failure := fsck_failure(disk)) is not None:
            failures.append(failure)
        failures += read_back(disk, tmp)
    for failure in failures:
        print(f"disk_test: FAILED: {failure}")
    if not failures:
        print(f"disk_test: PASS: e2fsck clean, debugfs reads back what {what_wrote} wrote")
    return 1 if failures else 0
