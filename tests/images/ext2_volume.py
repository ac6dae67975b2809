"""What the disk tests share: the host's e2fsprogs, a small ext2 volume with a file from the
host on it (/from-host.txt: "hello from the host"), and checks of a volume after a run.
"""

import os
import subprocess
import sys


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
