#!/usr/bin/env python3
"""Host tests of the file and system programs of the shell appliance (ls, cat, cp, find, ...).

Each test runs programs through mosaic-box in a fresh temporary directory and checks them against
GNU coreutils / util-linux / findutils where the output formats agree, and against os.stat /
os.walk of the resulting trees (or exact expectations) where they do not.

Usage: run_tests.py MOSAIC_BOX [TEST_NAME...]
"""

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

BOX = ""
TESTS = []


def test(function):
    """Registers a test: a function of the temporary directory it runs in."""
    TESTS.append(function)
    return function


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def box(*args, stdin=None, cwd=None):
    """Runs `mosaic-box ARGS...`; returns the CompletedProcess (bytes)."""
    return subprocess.run([BOX, *args], input=stdin, capture_output=True, cwd=cwd, timeout=30)


def gnu(*args, stdin=None, cwd=None):
    """Runs the host's program."""
    return subprocess.run(list(args), input=stdin, capture_output=True, cwd=cwd, timeout=30)


def same_output(args, cwd, stdin=None):
    """Checks that mosaic-box and the host's program print the same and exit alike."""
    ours = box(*args, stdin=stdin, cwd=cwd)
    theirs = gnu(*args, stdin=stdin, cwd=cwd)
    check(ours.stdout == theirs.stdout,
          f"{' '.join(args)}: stdout differs:\n ours {ours.stdout[:400]!r}\n"
          f" GNU  {theirs.stdout[:400]!r}\n ours stderr {ours.stderr!r}")
    check((ours.returncode == 0) == (theirs.returncode == 0),
          f"{' '.join(args)}: status {ours.returncode}, GNU {theirs.returncode}")
    return ours


def fails(args, cwd, status=None, message=None):
    """Checks that a run fails (with the status, and stderr matching the regex, if given)."""
    result = box(*args, cwd=cwd)
    check(result.returncode != 0, f"{' '.join(args)}: succeeded, expected a failure")
    if status is not None:
        check(result.returncode == status, f"{' '.join(args)}: status {result.returncode}, "
                                           f"expected {status}")
    err = result.stderr.decode(errors="replace")
    check(err.startswith(args[0] + ": "), f"{' '.join(args)}: stderr {err!r} lacks '{args[0]}: '")
    if message is not None:
        check(re.search(message, err), f"{' '.join(args)}: stderr {err!r} !~ {message!r}")
    return result


def ok(args, cwd, stdin=None):
    result = box(*args, cwd=cwd, stdin=stdin)
    check(result.returncode == 0, f"{' '.join(args)}: status {result.returncode}, stderr "
                                  f"{result.stderr!r}")
    return result


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def tree(root):
    """A comparable description of a tree: (relative path, type, mode, size/target/content)."""
    result = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, root)
            if stat.S_ISLNK(st.st_mode):
                detail = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    detail = f.read()
            else:
                detail = None
            result.append((rel, stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), detail))
    return sorted(result)


def sample_tree(root):
    """A small tree with files, an empty file, a hidden file, a link, a fifo and subdirectories."""
    write(f"{root}/a.txt", "alpha\n")
    write(f"{root}/B.TXT", "bravo\n" * 100)
    write(f"{root}/.hidden", "h")
    write(f"{root}/empty", "")
    write(f"{root}/sub/c.txt", "charlie\n")
    write(f"{root}/sub/deep/d.log", b"\x00\x01binary")
    os.makedirs(f"{root}/sub/emptydir")
    os.symlink("a.txt", f"{root}/link")
    os.mkfifo(f"{root}/fifo")
    os.chmod(f"{root}/sub/deep", 0o750)


# ---------------------------------------------------------------------------------------- cat


@test
def cat_matches_gnu(d):
    write(f"{d}/t", "one\ntwo\n\nfour")
    write(f"{d}/u", "x\n")
    for args in (["cat", "t"], ["cat", "t", "u"], ["cat", "-n", "t", "u"], ["cat", "-b", "t"],
                 ["cat", "-E", "t"], ["cat", "-u", "u"]):
        same_output(args, d)
    same_output(["cat", "-", "u"], d, stdin=b"from stdin\n")
    same_output(["cat"], d, stdin=bytes(range(256)) * 300)


@test
def cat_errors(d):
    write(f"{d}/u", "x\n")
    result = fails(["cat", "missing", "u"], d, status=1,
                   message=r"^cat: missing: No such file or directory")
    check(result.stdout == b"x\n", "cat goes on after a missing file")
    os.mkdir(f"{d}/dir")
    fails(["cat", "dir"], d, message="Is a directory")
    check(box("cat", "-Z", cwd=d).returncode != 0, "cat -Z is a usage error")


# ------------------------------------------------------------------------------------ head/tail


@test
def head_tail_match_gnu(d):
    write(f"{d}/s", "".join(f"line {i}\n" for i in range(1, 41)))
    write(f"{d}/nonl", "a\nb\nc")
    write(f"{d}/big", "".join(f"{i}\n" for i in range(50000)))
    for args in (["-n", "3"], ["-c", "7"], ["-n", "0"], ["-n", "100"], ["-5"], []):
        for f in (["s"], ["nonl"], ["s", "nonl"], ["big"]):
            same_output(["head", *args, *f], d)
    for args in (["-n", "3"], ["-c", "7"], ["-n", "+35"], ["-c", "+300"], ["-n", "0"],
                 ["-n", "100"], ["-n", "+1"], []):
        for f in (["s"], ["nonl"], ["s", "nonl"], ["big"]):
            same_output(["tail", *args, *f], d)
        with open(f"{d}/big", "rb") as f:
            same_output(["tail", *args], d, stdin=f.read())
    same_output(["head", "-n", "2", "-", "s"], d, stdin=b"1\n2\n3\n")


@test
def head_tail_errors(d):
    write(f"{d}/s", "1\n2\n")
    fails(["head", "-n", "x", "s"], d, message="invalid number")
    fails(["tail", "-c", "q", "s"], d, message="invalid number")
    result = fails(["tail", "missing", "s"], d, status=1, message="missing: No such file")
    check(b"==> s <==" in result.stdout, "tail lists the files it could open")
    fails(["head", "missing"], d, status=1)


# ------------------------------------------------------------------------------------- hexdump


@test
def hexdump_matches_util_linux(d):
    write(f"{d}/bin", bytes(range(256)) + b"A" * 64 + b"tail")
    write(f"{d}/odd", b"abc")
    write(f"{d}/empty", b"")
    for args in (["-C"], [], ["-C", "-v"], ["-C", "-s", "5", "-n", "100"], ["-s", "3", "-n", "33"],
                 ["-C", "-n", "16"]):
        for f in ("bin", "odd", "empty"):
            same_output(["hexdump", *args, f], d)
    same_output(["hexdump", "-C", "odd", "bin"], d)
    same_output(["hexdump", "-C"], d, stdin=b"from stdin, longer than sixteen bytes")
    fails(["hexdump", "-C", "missing"], d, message="missing: No such file")


# ----------------------------------------------------------------------------------------- ls

LONG_LINE = re.compile(
    r"^(?P<mode>[-dlcbps][-rwxsStT]{9}) +(?P<links>\d+) (?P<owner>\S+) +(?P<group>\S+) +"
    r"(?P<size>\d+|\d+, +\d+) (?P<when>[A-Z][a-z]{2} [ \d]\d (?:\d\d:\d\d| \d{4})) "
    r"(?P<name>.+?)(?: -> (?P<target>.+))?$")


def mode_string(mode):
    return stat.filemode(mode)


@test
def ls_lists_names_sorted(d):
    sample_tree(f"{d}/t")
    out = ok(["ls", "t"], d).stdout.decode().splitlines()
    check(out == sorted(n for n in os.listdir(f"{d}/t") if not n.startswith(".")),
          f"ls t: {out}")
    out = ok(["ls", "-a", "t"], d).stdout.decode().splitlines()
    check(out == sorted(os.listdir(f"{d}/t") + [".", ".."]), f"ls -a t: {out}")
    out = ok(["ls", "-A", "t"], d).stdout.decode().splitlines()
    check(out == sorted(os.listdir(f"{d}/t")), f"ls -A t: {out}")
    out = ok(["ls", "-1", "-d", "t", "t/a.txt"], d).stdout.decode().splitlines()
    check(out == ["t", "t/a.txt"], f"ls -d: {out}")
    # Without -l, ls with one name per line agrees with GNU ls -1.
    for args in (["-1", "t"], ["-1", "-a", "t"], ["-1", "t/a.txt", "t", "t/sub"], ["-1R", "t"],
                 ["-1F", "t"], ["-1d", "t/sub", "t/link"]):
        same_output(["ls", *args], d)


@test
def ls_long_format(d):
    sample_tree(f"{d}/t")
    os.mkfifo(f"{d}/t/sub/p")
    old = time.time() - 400 * 86400
    os.utime(f"{d}/t/empty", (old, old))
    out = ok(["ls", "-l", "t"], d).stdout.decode().splitlines()
    check(re.match(r"^total \d+$", out[0]), f"ls -l starts with total: {out[0]!r}")
    names = []
    for line in out[1:]:
        m = LONG_LINE.match(line)
        check(m, f"ls -l line {line!r} has the wrong shape")
        name = m["name"]
        names.append(name)
        st = os.lstat(f"{d}/t/{name}")
        check(m["mode"] == mode_string(st.st_mode), f"{name}: mode {m['mode']}")
        check(int(m["links"]) == st.st_nlink, f"{name}: links {m['links']}")
        import grp
        import pwd
        check(m["owner"] == pwd.getpwuid(st.st_uid).pw_name, f"{name}: owner {m['owner']}")
        check(m["group"] == grp.getgrgid(st.st_gid).gr_name, f"{name}: group {m['group']}")
        check(int(m["size"]) == st.st_size, f"{name}: size {m['size']}")
        expected_when = time.strftime("%b %e  %Y" if name == "empty" else "%b %e %H:%M",
                                      time.localtime(st.st_mtime))
        check(m["when"] == expected_when, f"{name}: time {m['when']!r}, not {expected_when!r}")
        if stat.S_ISLNK(st.st_mode):
            check(m["target"] == os.readlink(f"{d}/t/{name}"), f"{name}: target {m['target']}")
    check(names == sorted(n for n in os.listdir(f"{d}/t") if not n.startswith(".")),
          f"ls -l names {names}")
    # The same lines as GNU ls -l (no columns involved), for the fields both print alike.
    same_output(["ls", "-l", "t/sub"], d)
    same_output(["ls", "-ln", "t/sub"], d)
    same_output(["ls", "-l", "/dev/null", "t/link"], d)
    same_output(["ls", "-la", "t/sub"], d)
    out = ok(["ls", "-lh", "t/B.TXT"], d).stdout.decode()
    check(" 600 " in out, f"ls -lh of a 600-byte file: {out!r}")
    write(f"{d}/k", "x" * 1536)
    check(" 1.5K " in ok(["ls", "-lh", "k"], d).stdout.decode(), "ls -lh 1536 bytes is 1.5K")
    inode = ok(["ls", "-i", "t/a.txt"], d).stdout.decode().split()
    check(int(inode[0]) == os.lstat(f"{d}/t/a.txt").st_ino, f"ls -i: {inode}")


@test
def ls_recursive(d):
    sample_tree(f"{d}/t")
    same_output(["ls", "-R", "t"], d)
    same_output(["ls", "-Ra", "t/sub"], d)
    out = ok(["ls", "-lR", "t"], d).stdout.decode()
    for sub in ("t:", "t/sub:", "t/sub/deep:", "t/sub/emptydir:"):
        check(f"\n{sub}\n" in "\n" + out, f"ls -lR lacks the header {sub}")


@test
def ls_errors(d):
    write(f"{d}/f", "x")
    result = fails(["ls", "missing", "f"], d, status=2, message="missing: No such file")
    check(result.stdout == b"f\n", "ls lists what exists")
    check(box("ls", "-Z", cwd=d).returncode == 2, "ls -Z is a usage error")


# ------------------------------------------------------------------------------- mkdir, rmdir


@test
def mkdir_and_rmdir(d):
    ok(["mkdir", "a", "b"], d)
    check(os.path.isdir(f"{d}/a") and os.path.isdir(f"{d}/b"), "mkdir a b")
    ok(["mkdir", "-p", "x/y/z", "a"], d)
    check(os.path.isdir(f"{d}/x/y/z"), "mkdir -p x/y/z")
    ok(["mkdir", "-m", "700", "m1"], d)
    ok(["mkdir", "-m", "u=rwx,g=rx,o=", "m2"], d)
    ok(["mkdir", "-p", "-m", "711", "q/r"], d)
    check(stat.S_IMODE(os.stat(f"{d}/m1").st_mode) == 0o700, "mkdir -m 700")
    check(stat.S_IMODE(os.stat(f"{d}/m2").st_mode) == 0o750, "mkdir -m u=rwx,g=rx,o=")
    check(stat.S_IMODE(os.stat(f"{d}/q/r").st_mode) == 0o711, "mkdir -p -m 711: the last one")
    fails(["mkdir", "a"], d, status=1, message="a: File exists")
    fails(["mkdir", "no/such/parent"], d, status=1, message="No such file")
    fails(["mkdir", "-m", "99", "bad"], d, message="invalid mode")
    write(f"{d}/file", "")
    fails(["mkdir", "-p", "file/sub"], d, status=1)
    ok(["rmdir", "b"], d)
    check(not os.path.exists(f"{d}/b"), "rmdir b")
    ok(["rmdir", "-p", "x/y/z"], d)
    check(not os.path.exists(f"{d}/x"), "rmdir -p x/y/z removes x")
    fails(["rmdir", "q"], d, status=1, message="not empty")
    fails(["rmdir", "file"], d, status=1, message="Not a directory")


# ---------------------------------------------------------------------------------------- rm


@test
def rm_files_and_trees(d):
    sample_tree(f"{d}/t")
    write(f"{d}/f", "x")
    ok(["rm", "f"], d)
    check(not os.path.exists(f"{d}/f"), "rm f")
    fails(["rm", "t"], d, status=1, message="Is a directory")
    fails(["rm", "missing"], d, status=1, message="missing: No such file")
    ok(["rm", "-f", "missing"], d)
    ok(["rm", "-f"], d)
    # A link to a directory is removed, not followed.
    os.makedirs(f"{d}/keep/inside")
    os.symlink("../keep", f"{d}/t/sub/tokeep")
    ok(["rm", "-r", "t"], d)
    check(not os.path.lexists(f"{d}/t"), "rm -r t")
    check(os.path.isdir(f"{d}/keep/inside"), "rm -r does not follow links")
    fails(["rm", "-r", "."], d, message="refusing to remove")
    fails(["rm", "-rf", "keep/.."], d, message="refusing to remove")
    check(os.path.isdir(f"{d}/keep"), "refused operands stay")
    ok(["rm", "-R", "keep"], d)
    check(os.listdir(d) == [], f"rm -R keep: left {os.listdir(d)}")


# ---------------------------------------------------------------------------------------- cp


@test
def cp_files(d):
    write(f"{d}/f", bytes(range(256)) * 1000)
    os.chmod(f"{d}/f", 0o640)
    ok(["cp", "f", "g"], d)
    check(open(f"{d}/g", "rb").read() == open(f"{d}/f", "rb").read(), "cp f g: contents")
    os.mkdir(f"{d}/dir")
    write(f"{d}/h", "h")
    ok(["cp", "f", "h", "dir"], d)
    check(sorted(os.listdir(f"{d}/dir")) == ["f", "h"], "cp f h dir")
    os.symlink("h", f"{d}/link")
    ok(["cp", "link", "copied"], d)
    check(not os.path.islink(f"{d}/copied") and open(f"{d}/copied").read() == "h",
          "plain cp follows links")
    ok(["cp", "-P", "link", "aslink"], d)
    check(os.readlink(f"{d}/aslink") == "h", "cp -P copies the link")
    old = 1_000_000_000
    os.utime(f"{d}/f", (old, old))
    ok(["cp", "-p", "f", "kept"], d)
    st = os.stat(f"{d}/kept")
    check(int(st.st_mtime) == old and stat.S_IMODE(st.st_mode) == 0o640, "cp -p keeps time, mode")
    fails(["cp", "f", "f"], d, status=1, message="same file")
    fails(["cp", "missing", "x"], d, status=1, message="missing: No such file")
    fails(["cp", "dir", "x"], d, status=1, message="omitting directory")
    fails(["cp", "f", "h", "notadir"], d, status=1, message="not a directory")
    fails(["cp", "f"], d, message="missing destination")


@test
def cp_recursive_matches_gnu(d):
    sample_tree(f"{d}/src")
    ok(["cp", "-r", "src", "ours"], d)
    gnu("cp", "-r", "src", "theirs", cwd=d)
    check(tree(f"{d}/ours") == tree(f"{d}/theirs"), "cp -r src ours differs from GNU cp -r")
    # Into an existing directory: the copy goes inside.
    os.mkdir(f"{d}/into")
    ok(["cp", "-R", "src", "into"], d)
    check(tree(f"{d}/into/src") == tree(f"{d}/theirs"), "cp -R src into")
    ok(["cp", "-a", "src", "archive"], d)
    a, b = os.lstat(f"{d}/src/sub/deep/d.log"), os.lstat(f"{d}/archive/sub/deep/d.log")
    check(a.st_mtime_ns == b.st_mtime_ns, "cp -a keeps times")
    fails(["cp", "-r", "src", "src/sub"], d, message="into itself")


# ---------------------------------------------------------------------------------------- mv


@test
def mv_renames(d):
    sample_tree(f"{d}/src")
    before = tree(f"{d}/src")
    ok(["mv", "src", "dst"], d)
    check(not os.path.exists(f"{d}/src") and tree(f"{d}/dst") == before, "mv src dst")
    os.mkdir(f"{d}/box")
    ok(["mv", "dst/a.txt", "dst/B.TXT", "box"], d)
    check(sorted(os.listdir(f"{d}/box")) == ["B.TXT", "a.txt"], "mv files into a directory")
    write(f"{d}/over", "old")
    ok(["mv", "box/a.txt", "over"], d)
    check(open(f"{d}/over").read() == "alpha\n", "mv replaces a file")
    fails(["mv", "missing", "x"], d, status=1, message="missing: No such file")
    fails(["mv", "dst", "dst/sub"], d, status=1, message="subdirectory of itself")


@test
def mv_across_file_systems(d):
    # /dev/shm is a tmpfs on Linux: rename(2) from there gives EXDEV, and mv copies.
    if not os.path.isdir("/dev/shm") or os.stat("/dev/shm").st_dev == os.stat(d).st_dev:
        print("  (skipped: no second file system)")
        return
    other = tempfile.mkdtemp(dir="/dev/shm")
    try:
        sample_tree(f"{other}/t")
        before = tree(f"{other}/t")
        mtime = os.lstat(f"{other}/t/a.txt").st_mtime_ns
        ok(["mv", f"{other}/t", "moved"], d)
        check(not os.path.exists(f"{other}/t"), "mv across file systems removes the source")
        check(tree(f"{d}/moved") == before, "mv across file systems keeps the tree")
        check(os.lstat(f"{d}/moved/a.txt").st_mtime_ns == mtime, "and the times")
    finally:
        shutil.rmtree(other, ignore_errors=True)


# ---------------------------------------------------------------------------------------- ln


@test
def ln_links(d):
    write(f"{d}/f", "x")
    ok(["ln", "f", "hard"], d)
    check(os.stat(f"{d}/hard").st_ino == os.stat(f"{d}/f").st_ino, "ln f hard")
    ok(["ln", "-s", "f", "soft"], d)
    check(os.readlink(f"{d}/soft") == "f", "ln -s f soft")
    fails(["ln", "-s", "g", "soft"], d, status=1, message="File exists")
    ok(["ln", "-sf", "g", "soft"], d)
    check(os.readlink(f"{d}/soft") == "g", "ln -sf replaces")
    os.mkdir(f"{d}/dir")
    ok(["ln", "-s", "/etc/passwd", "../f", "dir"], d)
    check(os.readlink(f"{d}/dir/passwd") == "/etc/passwd" and os.readlink(f"{d}/dir/f") == "../f",
          "ln -s TARGETS DIR")
    ok(["ln", "-s", "/some/where/name"], f"{d}/dir")
    check(os.readlink(f"{d}/dir/name") == "/some/where/name", "ln -s TARGET alone")
    fails(["ln", "missing", "x"], d, status=1, message="No such file")


# ------------------------------------------------------------------------------------- touch


@test
def touch_times(d):
    ok(["touch", "new"], d)
    check(os.path.isfile(f"{d}/new"), "touch creates")
    old = 1_000_000_000
    os.utime(f"{d}/new", (old, old))
    before = time.time()
    ok(["touch", "new"], d)
    check(os.stat(f"{d}/new").st_mtime >= before - 1, "touch updates the time")
    ok(["touch", "-d", "2020-02-03 04:05:06", "new"], d)
    gnu("touch", "-d", "2020-02-03 04:05:06", "ref")
    gnu("touch", "-d", "2020-02-03 04:05:06", f"{d}/ref")
    check(os.stat(f"{d}/new").st_mtime == os.stat(f"{d}/ref").st_mtime, "touch -d DATE")
    ok(["touch", "-d", "@1234567890", "new"], d)
    check(os.stat(f"{d}/new").st_mtime == 1234567890, "touch -d @SECONDS")
    ok(["touch", "-a", "-d", "@1000", "new"], d)
    st = os.stat(f"{d}/new")
    check(st.st_atime == 1000 and st.st_mtime == 1234567890, "touch -a changes only atime")
    ok(["touch", "-m", "-t", "200102030405.06", "new"], d)
    gnu("touch", "-m", "-t", "200102030405.06", f"{d}/ref")
    check(os.stat(f"{d}/new").st_mtime == os.stat(f"{d}/ref").st_mtime, "touch -m -t STAMP")
    check(os.stat(f"{d}/new").st_atime == 1000, "touch -m leaves atime")
    ok(["touch", "-r", "ref", "other"], d)
    check(os.stat(f"{d}/other").st_mtime == os.stat(f"{d}/ref").st_mtime, "touch -r")
    ok(["touch", "-c", "absent"], d)
    check(not os.path.exists(f"{d}/absent"), "touch -c does not create")
    fails(["touch", "-d", "yesterday-ish", "x"], d, message="invalid date")
    fails(["touch", "no/dir/x"], d, status=1, message="No such file")


# -------------------------------------------------------------------------------------- stat


@test
def stat_matches_gnu(d):
    sample_tree(f"{d}/t")
    fmt = "%n|%s|%a|%A|%u|%g|%U|%G|%i|%h|%F|%Y|%X|%Z|%b|%B|%o|%d|%t|%T|%y|%x|%%"
    for path in ("t", "t/a.txt", "t/empty", "t/link", "t/fifo", "/dev/null"):
        same_output(["stat", "-c", fmt, path], d)
        same_output(["stat", "-L", "-c", "%n %F %s", path], d)
        # The default layout, but for the Birth line (no statx here).
        ours = ok(["stat", path], d).stdout.decode().splitlines()
        theirs = gnu("stat", path, cwd=d).stdout.decode().splitlines()
        check(ours[:-1] == theirs[:-1], f"stat {path}:\n{ours}\n{theirs}")
        check(ours[-1] == " Birth: -", f"stat {path}: {ours[-1]!r}")
    result = fails(["stat", "missing", "t"], d, status=1, message="missing: No such file")
    check(b"  File: t\n" in result.stdout, "stat goes on after a missing file")


# --------------------------------------------------------------------------------- chmod, chown


@test
def chmod_matches_gnu(d):
    modes = ["644", "0", "4755", "u+x,g-w,o=r", "a+X", "=r", "g=u", "u+s,o+t", "go-rwx", "+x",
             "u=rw,g+r", "a-x,u+X"]
    for base in (0o640, 0o751):
        for kind in ("file", "dir"):
            for mode in modes:
                ours, theirs = f"{d}/o-{kind}", f"{d}/g-{kind}"
                for p in (ours, theirs):
                    if kind == "dir":
                        os.makedirs(p, exist_ok=True)
                    else:
                        write(p, "")
                    os.chmod(p, base)
                ok(["chmod", mode, ours], d)
                gnu("chmod", mode, theirs)
                a = stat.S_IMODE(os.stat(ours).st_mode)
                b = stat.S_IMODE(os.stat(theirs).st_mode)
                check(a == b, f"chmod {mode} on {kind} {base:o}: {a:o}, GNU {b:o}")
    write(f"{d}/w", "")
    os.chmod(f"{d}/w", 0o666)
    ok(["chmod", "-w", "w"], d)
    gnu("chmod", "666", f"{d}/g-file")
    gnu("chmod", "-w", f"{d}/g-file")
    check(stat.S_IMODE(os.stat(f"{d}/w").st_mode) == stat.S_IMODE(os.stat(f"{d}/g-file").st_mode),
          "chmod -w (a mode that looks like an option)")
    sample_tree(f"{d}/t")
    ok(["chmod", "-R", "go-rwx", "t"], d)
    for dirpath, dirnames, filenames in os.walk(f"{d}/t"):
        for name in [*dirnames, *filenames, None]:
            p = dirpath if name is None else os.path.join(dirpath, name)
            st = os.lstat(p)
            if not stat.S_ISLNK(st.st_mode):
                check(st.st_mode & 0o077 == 0, f"chmod -R go-rwx left {p} {st.st_mode:o}")
    fails(["chmod", "u+q", "w"], d, message="invalid mode")
    fails(["chmod", "644", "missing"], d, status=1, message="missing: No such file")


@test
def chown_owners(d):
    write(f"{d}/f", "")
    if os.geteuid() != 0:
        fails(["chown", "1:1", "f"], d, status=1, message="Operation not permitted")
        return
    ok(["chown", "1234:4321", "f"], d)
    st = os.stat(f"{d}/f")
    check((st.st_uid, st.st_gid) == (1234, 4321), "chown UID:GID")
    ok(["chown", "root", "f"], d)
    check(os.stat(f"{d}/f").st_uid == 0 and os.stat(f"{d}/f").st_gid == 4321, "chown NAME")
    ok(["chown", ":0", "f"], d)
    check(os.stat(f"{d}/f").st_gid == 0, "chown :GID")
    sample_tree(f"{d}/t")
    ok(["chown", "-R", "7:8", "t"], d)
    for dirpath, dirnames, filenames in os.walk(f"{d}/t"):
        for name in [*dirnames, *filenames]:
            st = os.lstat(os.path.join(dirpath, name))
            check((st.st_uid, st.st_gid) == (7, 8), f"chown -R: {name}")
    os.symlink("f", f"{d}/l")
    ok(["chown", "-h", "9:9", "l"], d)
    check(os.lstat(f"{d}/l").st_uid == 9 and os.stat(f"{d}/f").st_uid == 0, "chown -h")
    fails(["chown", "no-such-user-here", "f"], d, status=1, message="invalid user")
    fails(["chown", "0", "missing"], d, status=1, message="missing: No such file")


# -------------------------------------------------------------------------------------- find


@test
def find_matches_gnu(d):
    sample_tree(f"{d}/t")
    os.utime(f"{d}/t/a.txt", (1_000_000_000, 1_000_000_000))
    expressions = [
        [], ["-name", "*.txt"], ["-iname", "*.txt"], ["-type", "d"], ["-type", "f"],
        ["-type", "l"], ["-type", "p"], ["-maxdepth", "1"], ["-mindepth", "2"],
        ["-maxdepth", "1", "-type", "f"], ["!", "-name", "*.txt"], ["-not", "-type", "d"],
        ["(", "-name", "a*", "-o", "-name", "c*", ")", "-print"],
        ["-name", "*.txt", "-o", "-type", "d"], ["-type", "f", "-a", "-name", "*.log"],
        ["-size", "+1"], ["-size", "-1"], ["-size", "6c"], ["-empty"], ["-path", "*/sub/*"],
        ["-name", "sub", "-prune", "-o", "-print"], ["-depth"], ["-newer", "t/a.txt"],
        ["-name", "d.log", "-exec", "false", ";", "-o", "-print"], ["-mtime", "+1000"],
        ["-type", "f", "-exec", "echo", "file:", "{}", ";"], ["-false"], ["-true"],
        ["-maxdepth", "0"], ["-name", "[a-c]*"], ["-name", "[!a-c]*", "-type", "f"],
    ]
    for expression in expressions:
        for roots in (["t"], ["t/sub", "t/a.txt"]):
            args = ["find", *roots, *expression]
            ours = box(*args, cwd=d)
            theirs = gnu(*args, cwd=d)
            check(sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines()),
                  f"{' '.join(args)}:\n ours {sorted(ours.stdout.splitlines())}\n"
                  f" GNU  {sorted(theirs.stdout.splitlines())}\n {ours.stderr!r}")
            check(ours.returncode == theirs.returncode, f"{' '.join(args)}: status")
    ours = sorted(box("find", "t", "-print0", cwd=d).stdout.split(b"\0"))
    theirs = sorted(gnu("find", "t", "-print0", cwd=d).stdout.split(b"\0"))
    check(ours == theirs, "find -print0")
    # Order: a directory comes before its contents, or after them with -depth.
    out = box("find", "t", cwd=d).stdout.decode().splitlines()
    check(out.index("t/sub") < out.index("t/sub/c.txt"), "find: pre-order")
    out = box("find", "t", "-depth", cwd=d).stdout.decode().splitlines()
    check(out.index("t/sub") > out.index("t/sub/c.txt"), "find -depth: post-order")
    check(box("find", cwd=f"{d}/t/sub/deep").stdout == b".\n./d.log\n", "find with no path")


@test
def find_errors(d):
    os.mkdir(f"{d}/t")
    fails(["find", "t", "-bogus"], d, status=1, message="unknown predicate")
    fails(["find", "t", "-name"], d, status=1, message="missing argument")
    fails(["find", "t", "(", "-true"], d, status=1, message=r"missing '\)'")
    fails(["find", "t", "-type", "q"], d, status=1)
    result = fails(["find", "missing", "t"], d, status=1, message="missing: No such file")
    check(result.stdout == b"t\n", "find goes on after a missing path")
    fails(["find", "t", "-exec", "no-such-command-x", "{}", ";"], d, status=1)


# ------------------------------------------------------------------------------ df, mount, umount


def proc_mounts():
    with open("/proc/mounts") as f:
        rows = [line.split() for line in f]

    def unescape(s):
        return re.sub(r"\\([0-3][0-7]{2})", lambda m: chr(int(m.group(1), 8)), s)

    return [(unescape(r[0]), unescape(r[1]), r[2], r[3]) for r in rows if len(r) >= 4]


@test
def df_lists_mounts(d):
    result = ok(["df"], d)
    lines = result.stdout.decode().splitlines()
    check(lines[0].split() == ["Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted",
                               "on"], f"df header {lines[0]!r}")
    expected = []
    for device, directory, _, _ in proc_mounts():
        try:
            fs = os.statvfs(directory)
        except OSError:
            continue
        if fs.f_blocks > 0:
            expected.append((device, directory, fs))
    rows = [line.split(None, 5) for line in lines[1:]]
    check([r[5] for r in rows] == [e[1] for e in expected],
          f"df mount points {[r[5] for r in rows]}, expected {[e[1] for e in expected]}")
    for row, (device, directory, fs) in zip(rows, expected):
        check(row[0] == device and row[5] == directory, f"df row {row} for {directory}")
        check(int(row[1]) == (fs.f_blocks * fs.f_frsize + 1023) // 1024, f"df size of {directory}")
        check(row[4].endswith("%"), f"df Use% {row[4]}")
    head = ok(["df", "-h"], d).stdout.decode().splitlines()[0].split()
    check(head[:4] == ["Filesystem", "Size", "Used", "Avail"], f"df -h header {head}")
    one = ok(["df", "."], d).stdout.decode().splitlines()
    check(len(one) == 2, f"df . prints one file system: {one}")
    fails(["df", "missing"], d, status=1, message="missing: No such file")


@test
def mount_lists_and_mounts(d):
    out = ok(["mount"], d).stdout.decode().splitlines()
    expected = [f"{dev} on {directory} type {kind} ({options})"
                for dev, directory, kind, options in proc_mounts()]
    check(out == expected, f"mount lists /proc/mounts:\n{out[:3]}\n{expected[:3]}")
    os.mkdir(f"{d}/mnt")
    result = box("mount", "-t", "tmpfs", "-o", "size=1m,nosuid", "none", "mnt", cwd=d)
    if result.returncode != 0:
        # Not root (or no CAP_SYS_ADMIN): only the error path can be checked.
        err = result.stderr.decode()
        check(re.match(r"^mount: mnt: (Operation not permitted|Permission denied)", err),
              f"mount without privilege: {err!r}")
    else:
        try:
            mounted = [m for m in proc_mounts() if m[1] == os.path.realpath(f"{d}/mnt")]
            check(mounted and mounted[-1][2] == "tmpfs" and "nosuid" in mounted[-1][3],
                  f"mount -t tmpfs: {mounted}")
            write(f"{d}/mnt/inside", "x")
            df = ok(["df", "mnt"], d).stdout.decode().splitlines()
            check(df[1].split()[5] == os.path.realpath(f"{d}/mnt"), f"df on the mount: {df}")
        finally:
            umount = box("umount", "mnt", cwd=d)
        check(umount.returncode == 0, f"umount: {umount.stderr!r}")
        check(not os.path.exists(f"{d}/mnt/inside"), "umount removed the tmpfs")
    fails(["mount", "none", "mnt"], d, status=2, message="no file-system type")
    fails(["umount", "mnt"], d, status=1)
    fails(["umount", "missing"], d, status=1, message="missing: No such file")


def main(argv):
    global BOX
    if len(argv) < 2:
        print(f"usage: {argv[0]} MOSAIC_BOX [TEST...]", file=sys.stderr)
        return 2
    BOX = os.path.abspath(argv[1])
    wanted = set(argv[2:])
    os.environ["TZ"] = os.environ.get("TZ", "UTC")
    os.environ["LC_ALL"] = "C"
    failures = 0
    ran = 0
    for function in TESTS:
        if wanted and function.__name__ not in wanted:
            continue
        ran += 1
        d = tempfile.mkdtemp(prefix="mosaic-files-")
        try:
            function(d)
            print(f"ok   {function.__name__}")
        except Failure as e:
            failures += 1
            print(f"FAIL {function.__name__}: {e}")
        finally:
            subprocess.run(["umount", f"{d}/mnt"], capture_output=True)
            shutil.rmtree(d, ignore_errors=True)
    print(f"{ran - failures}/{ran} passed")
    return 1 if failures or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
