#!/usr/bin/env python3
"""Host tests of the text and process programs (apps/shell/programs/text).

Each program runs as `mosaic-box NAME ARGS...` on fixed and seeded random inputs; its stdout and
exit status are compared with the host's GNU coreutils/grep/sed/findutils and procps tools run
with LC_ALL=C, byte for byte where the GNU format is the target, and with exact expectations
where Mosaic intentionally differs. poweroff and reboot are never run as root.

Usage: run_tests.py MOSAIC_BOX
"""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BOX = os.path.abspath(sys.argv[1])
ENV = dict(os.environ, LC_ALL="C", TZ="UTC")
# ASan's leak checker is part of the test: a leak makes the program exit non-zero.
ENV.setdefault("ASAN_OPTIONS", "detect_leaks=1")
RNG = random.Random(20240812)
FAILURES = []
CHECKS = [0]


def run(cmd, stdin=b"", cwd=None, env=None, timeout=20, **kwargs):
    if isinstance(stdin, str):
        stdin = stdin.encode()
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=cwd, env=env or ENV, timeout=timeout, **kwargs)
    return p.returncode, p.stdout, p.stderr


def ours(prog, args, stdin=b"", **kwargs):
    return run([BOX, prog] + list(args), stdin, **kwargs)


def fail(what, detail):
    FAILURES.append(f"{what}\n{detail}")


def expect(what, condition, detail=""):
    CHECKS[0] += 1
    if not condition:
        fail(what, detail)


def same(prog, args, stdin=b"", host=None, cwd=None, compare_stderr=False):
    """Runs our PROG and the host's (or the `host` command) and compares stdout and status."""
    host = host or [prog]
    ours_result = ours(prog, args, stdin, cwd=cwd)
    host_result = run(host + list(args), stdin, cwd=cwd)
    if host[0].startswith("/"):
        # The host tool names itself by its path; ours by its name.
        host_result = (host_result[0], host_result[1],
                       host_result[2].replace(host[0].encode() + b":", prog.encode() + b":"))
    what = f"{prog} {args!r} stdin={bytes(stdin if isinstance(stdin, bytes) else stdin.encode())[:60]!r}"
    CHECKS[0] += 1
    if ours_result[0] != host_result[0] or ours_result[1] != host_result[1] or (
            compare_stderr and ours_result[2] != host_result[2]):
        fail(what, f"  ours: rc={ours_result[0]} out={ours_result[1][:300]!r} "
             f"err={ours_result[2][:300]!r}\n  host: rc={host_result[0]} "
             f"out={host_result[1][:300]!r} err={host_result[2][:300]!r}")
    return ours_result


# ---------------------------------------------------------------------------------------------
# Random inputs.

WORDS = ["alpha", "beta", "Gamma", "delta", "foo", "bar", "baz", "foobar", "x", "42", "-7",
         "3.14", "abc123", "hello", "world", "HELLO", "a_b", "tab\there", "", "  lead", "zz"]


def random_line(rng):
    n = rng.randint(0, 6)
    sep = rng.choice([" ", " ", "  ", "\t", ":"])
    return sep.join(rng.choice(WORDS) for _ in range(n))


def random_text(rng, lines=40, final_newline=True):
    text = "\n".join(random_line(rng) for _ in range(lines))
    return text + ("\n" if final_newline else "")


def random_bytes(rng, size=2000):
    alphabet = b"abc xyz\t\n\n  .,;:!0123456789\x00\x01\x7f\xff\xe9ABC"
    return bytes(rng.choice(alphabet) for _ in range(size))


def numeric_lines(rng, count=60):
    out = []
    for _ in range(count):
        kind = rng.randint(0, 5)
        if kind == 0:
            out.append(str(rng.randint(-1000, 1000)))
        elif kind == 1:
            out.append(f"{rng.uniform(-100, 100):.{rng.randint(0, 4)}f}")
        elif kind == 2:
            out.append(" " * rng.randint(0, 3) + str(rng.randint(0, 50)) + " " + rng.choice(WORDS))
        elif kind == 3:
            out.append(rng.choice(WORDS))
        elif kind == 4:
            out.append("0" * rng.randint(0, 3) + str(rng.randint(0, 99)) + ".5")
        else:
            out.append(f"{rng.choice(WORDS)}:{rng.randint(0, 9)}:{rng.choice(WORDS)}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# The programs.

def test_echo():
    for args in (["a", "b"], ["-n", "a"], ["-e", "a\\tb\\n\\\\"], ["-E", "a\\tb"],
                 ["-neE", "x"], ["-x", "y"], ["--", "z"], ["-e", "\\x41\\x4a\\0101\\0\\q"],
                 ["-e", "one\\ctwo"], ["-n"], [], ["-", "a"], ["-e", "\\x", "\\e\\a\\v\\f\\r"],
                 ["-en", "a\\nb"], ["a", "-n"]):
        same("echo", args, host=["/bin/echo"])


def test_printf():
    cases = [
        ["%s\n", "a", "b", "c"],
        ["%d %i|%5d|%-5d|%05d|%+d\n", "1", "-2", "3", "4", "5", "6"],
        ["%x %X %o %u %#x %#o\n", "255", "255", "8", "-1", "255", "8"],
        ["%c%c%c\n", "abc", "d"],
        ["%e %f %g %.2f %10.3e %G\n", "3.14159", "2.5", "0.0001", "1.005", "12345.678", "1e-10"],
        ["%b|%s\n", "a\\tb\\0101\\n", "\\t"],
        ["%b\n", "stop\\chere"],
        ["no conversions\\n", "extra"],
        ["%s-%s\n", "1", "2", "3"],
        ["%d\n", "abc"],
        ["%d\n", "12x"],
        ["%d\n", "99999999999999999999"],
        ["%d %d\n", "'A", "\"b"],
        ["%5s|%-5s|%.2s\n", "ab", "cd", "efgh"],
        ["%*d|%-*d|%.*f\n", "5", "1", "4", "2", "2", "3.14159"],
        ["%%|\\101|\\x41|\\\"\n"],
        ["%z\n", "1"],
        ["%\n"],
        ["\\c never"],
        ["%d %s\n"],
        ["%i %d\n", "0x1f", "010"],
        ["%f\n", "1.5x"],
        ["--", "%s\n", "x"],
        [],
    ]
    for args in cases:
        same("printf", args, host=["/usr/bin/printf"], compare_stderr=args != [])


def test_wc(tmp):
    files = []
    for i in range(3):
        path = os.path.join(tmp, f"wc{i}")
        with open(path, "wb") as f:
            f.write(random_bytes(RNG, RNG.randint(0, 3000)))
        files.append(path)
    text = random_text(RNG).encode()
    for args in ([], ["-l"], ["-w"], ["-c"], ["-m"], ["-lw"], ["-L"]):
        same("wc", args, text)
        same("wc", args + files)
        same("wc", args + files[:1])
        same("wc", args + [files[0], "-"], random_bytes(RNG, 500))
    same("wc", ["-l", os.path.join(tmp, "missing"), files[1]])
    same("wc", ["-Z"])


def test_grep(tmp):
    text = random_text(RNG, 80)
    path = os.path.join(tmp, "grep_in")
    with open(path, "w") as f:
        f.write(text)
    other = os.path.join(tmp, "grep_other")
    with open(other, "w") as f:
        f.write(random_text(RNG, 30))
    patterns = [["foo"], ["^a"], ["o$"], ["fo*"], ["b.r"], ["[0-9][0-9]"], ["\\(ba\\)r"],
                ["-E", "(foo|bar)+"], ["-E", "^[A-Z]"], ["-F", "a.b"], ["-F", "3.14"],
                ["-e", "beta", "-e", "zz"], ["-E", "x{1,2}"], [""], ["-F", ""],
                ["-e", "foo\nbaz"], ["\\<foo\\>"], ["-E", "a|"]]
    options = [[], ["-i"], ["-v"], ["-n"], ["-c"], ["-l"], ["-L"], ["-x"], ["-w"], ["-o"],
               ["-h"], ["-H"], ["-q"], ["-vc"], ["-in"], ["-m", "2"], ["-ow"], ["-xv"]]
    for pattern in patterns:
        for opt in options:
            if opt == ["-vc"] and pattern[-1] == "":
                continue  # GNU grep prints nothing at all for -vc '' (it skips the input).
            same("grep", opt + pattern, text)
            if RNG.random() < 0.3:
                same("grep", opt + pattern + [path, other])
    same("grep", ["-f", path, other])
    same("grep", ["foo", path, os.path.join(tmp, "missing")])
    same("grep", ["-s", "foo", os.path.join(tmp, "missing")])
    same("grep", ["-q", "foo", os.path.join(tmp, "missing"), path])
    rc, out, err = ours("grep", ["a\\{1"], text)
    expect("grep bad BRE exits 2", rc == 2 and err.startswith(b"grep: "), f"{rc} {err!r}")
    rc, out, err = ours("grep", ["-E", "(ab"], text)
    expect("grep bad ERE exits 2", rc == 2 and err.startswith(b"grep: "), f"{rc} {err!r}")
    rc, out, err = ours("grep", ["-Z", "x"], text)
    expect("grep bad option exits 2", rc == 2, f"{rc} {err!r}")
    rc, out, err = ours("grep", [], text)
    expect("grep without pattern exits 2", rc == 2, f"{rc} {err!r}")


def test_sed(tmp):
    text = random_text(RNG, 30)
    scripts = [
        ["s/o/0/"], ["s/o/0/g"], ["s/o/0/2"], ["s/o/0/2g"], ["s/[a-z]*/<&>/g"], ["s/x*/-/g"],
        ["s/\\(a\\)\\(.\\)/\\2\\1/g"], ["-E", "s/(fo+)(bar)?/[\\1|\\2]/g"], ["s|/|\\||g"],
        ["s/a/b/;s/b/c/"], ["-n", "s/foo/F/p"], ["s/FOO/x/I"], ["-n", "p"], ["p"], ["2d"],
        ["$d"], ["2,5d"], ["/foo/d"], ["/foo/,/bar/d"], ["3,/a/d"], ["5,2p"], ["-n", "$="],
        ["="], ["1~3d"], ["0~4p"], ["-n", "/foo/!p"], ["2q"], ["3Q"], ["q5"], ["y/abc/xyz/"],
        ["2i\\\ninserted"], ["2a appended"], ["$a\\\nend"], ["/foo/c\\\nchanged"], ["2,4c\\\nC"],
        ["1!G;h;$!d"], ["$!N;P;D"], ["N;s/\\n/+/"], ["n;d"], [":a;N;$!ba;s/\\n/,/g"],
        ["/a/{s/a/A/g;p}"], ["-e", "s/a/A/", "-e", "s/b/B/"], ["s/a/A/;ta;s/$/!/;:a"],
        ["s/a/A/;Tz;s/$/?/;:z"], ["x;G"], ["h;s/.*/X/;H;g"], ["/foo/,+1d"], ["z;s/^$/empty/"],
        ["s/\\t/TAB/g"], ["s/o/\\n/g"], ["-n", "/beta/{=;p}"], ["s/[[:digit:]]\\+/N/g"],
        ["-E", "s/[[:upper:]]+/U/g"], ["\\,a,d"], ["/^$/d"], ["s/$/$/"], ["s/^/> /"],
        ["y/\\t/ /"], ["$!d"], ["s/a*//g"], ["-n", "2{p;p}"], ["#comment\np"], ["2 , 3 ! d"],
    ]
    for script in scripts:
        same("sed", script, text)
    same("sed", ["p"], "no newline")
    same("sed", ["$a end"], "no newline")
    same("sed", ["N;N"], "1\n2\n3\n4\n")
    path = os.path.join(tmp, "sed_script")
    with open(path, "w") as f:
        f.write("s/a/A/g\n/foo/d\n")
    same("sed", ["-f", path], text)
    files = []
    for i in range(2):
        p = os.path.join(tmp, f"sed{i}")
        with open(p, "w") as f:
            f.write(random_text(RNG, 5))
        files.append(p)
    same("sed", ["-n", "$p;1p"] + files)
    same("sed", ["p", files[0], os.path.join(tmp, "missing"), files[1]])
    for bad in (["s/a/b"], ["s/a/b/x"], ["k"], ["s/\\(a/b/"], ["y/ab/c/"], ["b nolabel"],
                ["{p"], ["p}"], ["s/a/\\1/"]):
        rc, out, err = ours("sed", bad, "abc\n")
        host_rc, _, _ = run(["sed"] + bad, "abc\n")
        expect(f"sed {bad!r} fails like GNU", rc == host_rc and err.startswith(b"sed: "),
               f"ours {rc} {err!r}, host {host_rc}")


def test_sort(tmp):
    for trial in range(3):
        data = numeric_lines(RNG)
        words = random_text(RNG, 60)
        for opts in ([], ["-r"], ["-n"], ["-nr"], ["-u"], ["-f"], ["-fu"], ["-nu"], ["-s"],
                     ["-k2"], ["-k2,2"], ["-k2n"], ["-k2,2nr"], ["-t:", "-k2,2n"],
                     ["-t:", "-k3"], ["-t:", "-k2,2", "-k1,1r"], ["-k1.2,1.3"], ["-b", "-k2"],
                     ["-k2b,2"], ["-n", "-k2"], ["-k2,2", "-u"], ["-rs", "-k1,1"], ["-k1,1n", "-s"],
                     ["-t", " ", "-k2"], ["-f", "-k1.1,1.1"]):
            same("sort", opts, data)
            same("sort", opts, words)
    same("sort", ["-c"], "a\nc\nb\n", compare_stderr=True)
    same("sort", ["-c"], "a\nb\nc\n")
    out_path = os.path.join(tmp, "sorted")
    rc, _, _ = ours("sort", ["-o", out_path], "b\na\n")
    with open(out_path) as f:
        expect("sort -o writes the file", rc == 0 and f.read() == "a\nb\n")
    same("sort", [os.path.join(tmp, "missing")])
    same("sort", ["-k0"])
    same("sort", ["-t", "ab"])
    same("sort", [], "no\nnewline\nat end")


def test_uniq(tmp):
    for trial in range(4):
        lines = sorted(RNG.choice(WORDS + [w.upper() for w in WORDS[:5]]) for _ in range(60))
        if trial % 2:
            RNG.shuffle(lines)
        text = "\n".join(lines) + "\n"
        for opts in ([], ["-c"], ["-d"], ["-u"], ["-i"], ["-ci"], ["-dc"], ["-f1"], ["-s2"],
                     ["-w2"], ["-s1", "-w2"], ["-f", "1", "-c"]):
            same("uniq", opts, text)
    path = os.path.join(tmp, "uniq_out")
    rc, _, _ = ours("uniq", ["-", path], "a\na\nb\n")
    with open(path) as f:
        expect("uniq writes OUTPUT", rc == 0 and f.read() == "a\nb\n")
    same("uniq", [os.path.join(tmp, "missing")])


def test_cut():
    text = random_text(RNG, 40) + "a:b:c:d\nnodelim\n:\n::x\n"
    for opts in (["-b1"], ["-b2-4"], ["-b-3"], ["-b5-"], ["-b1,3,5-6"], ["-c2-"],
                 ["-f1"], ["-f2-"], ["-f1,3"], ["-f-2"], ["-d:", "-f2"], ["-d:", "-f1,3-"],
                 ["-d:", "-s", "-f2"], ["-d", " ", "-f2,4"], ["-s", "-f2"], ["-b3,1"],
                 ["-d:", "-f3-4,1"]):
        same("cut", opts, text)
    for bad in (["-f0"], ["-b"], [], ["-f3-1"], ["-dab", "-f1"], ["-fx"], ["-b1", "-d:"],
                ["-f", "-"]):
        same("cut", bad, "abc\n")


def test_tr():
    data = random_bytes(RNG, 3000)
    for args in (["a-z", "A-Z"], ["abc", "x"], ["-d", "a-c"], ["-s", " "], ["-ds", "a", " "],
                 ["-c", "a-z\\n", "_"], ["-cd", "[:alnum:]"], ["[:lower:]", "[:upper:]"],
                 ["[:upper:]", "[:lower:]"], ["-d", "[:digit:][:space:]"], ["\\n\\t", "NT"],
                 ["-s", "a-z"], ["a-f", "[x*]"], ["a-f", "[x*2]yz"], ["\\001-\\010", "[.*]"],
                 ["-d", "\\000\\377"], ["-t", "abc", "xy"], ["[:punct:]", "."],
                 ["-s", "[:space:]", " "], ["-C", "[:print:]", "?"]):
        same("tr", args, data)
    for bad in ([], ["a"], ["z-a", "x"], ["-d"], ["a", "b", "c"]):
        same("tr", bad, "abc")


def test_tee(tmp):
    data = random_bytes(RNG, 10000)
    a = os.path.join(tmp, "tee_a")
    b = os.path.join(tmp, "tee_b")
    rc, out, _ = ours("tee", [a, b], data)
    expect("tee copies to stdout and files", rc == 0 and out == data and
           open(a, "rb").read() == data and open(b, "rb").read() == data)
    rc, out, _ = ours("tee", ["-a", a], b"more")
    expect("tee -a appends", rc == 0 and open(a, "rb").read() == data + b"more")
    rc, out, err = ours("tee", [os.path.join(tmp, "no", "such"), b], b"x")
    expect("tee reports an unopenable file and goes on",
           rc == 1 and out == b"x" and open(b, "rb").read() == b"x" and err.startswith(b"tee: "),
           f"{rc} {out!r} {err!r}")


def test_xargs():
    data = "a b  c\nd\te 'f g' \"h i\" j\\ k\n\nl\n"
    for args in ([], ["-n", "1"], ["-n", "2", "echo", "X"], ["-I", "{}", "echo", "<{}>"],
                 ["printf", "[%s]\\n"], ["-t", "echo"]):
        same("xargs", args, data)
    same("xargs", ["-0", "-n", "1", "echo"], "a b\0c\0\0d")
    same("xargs", [], "")
    same("xargs", ["-r", "echo", "x"], "")
    same("xargs", [], "a 'b")
    same("xargs", ["false"], "a")
    same("xargs", ["sh", "-c", "exit 255"], "a\nb")
    same("xargs", ["sh", "-c", "kill -9 $$"], "a")
    same("xargs", ["no-such-command-here"], "a")
    same("xargs", ["/etc/passwd"], "a")
    same("xargs", ["-n", "0"], "a")
    many = " ".join(str(i) for i in range(30000))
    same("xargs", [], many)
    same("xargs", ["-n", "7"], many)


def test_env():
    same("env", ["-i", "A=1", "B=2"])
    same("env", ["-i", "A=1", "A=2"])
    rc, out, _ = ours("env", [])
    expect("env prints the environment", rc == 0 and b"LC_ALL=C\n" in out)
    rc, out, _ = ours("env", ["-u", "LC_ALL"])
    expect("env -u removes", rc == 0 and b"LC_ALL=" not in out and b"TZ=UTC\n" in out)
    same("env", ["-i", "X=5", "/bin/sh", "-c", "echo $X; exit 3"])
    same("env", ["-i", "PATH=/bin:/usr/bin", "sh", "-c", "env"])
    same("env", ["-", "A=1"])
    same("env", ["no-such-command-here"])
    same("env", ["/etc/passwd"])
    same("env", ["-z"])
    same("env", ["-i", "-0", "A=1", "B=2"])


def test_id():
    for args in ([], ["-u"], ["-g"], ["-G"], ["-un"], ["-gn"], ["-Gn"], ["-ur"], ["-n"], ["root"],
                 ["-u", "root"], ["-ug"], ["no-such-user-xyz"]):
        same("id", args)


def test_uname():
    for args in ([], ["-s"], ["-n"], ["-r"], ["-v"], ["-m"], ["-o"], ["-a"], ["-sr"], ["-p"],
                 ["-i"], ["-snrvmo"], ["-x"], ["extra"]):
        same("uname", args)


def test_date():
    for seconds in (0, 1, 86399, 951782400, 1700000000, -1, 4102444800, RNG.randint(0, 2**31)):
        for fmt in ([], ["+%Y-%m-%d %H:%M:%S"], ["+%a %A %b %B %e %j %U %w %y %Z %%"],
                    ["+%s"], ["+"], ["+%Z %z"], ["-R"]):
            same("date", ["-u", "-d", f"@{seconds}"] + fmt)
        same("date", ["-d", f"@{seconds}"])  # TZ=UTC in ENV.
    rc, out, _ = ours("date", ["+%s"])
    expect("date +%s is now", rc == 0 and abs(int(out) - time.time()) < 5, f"{rc} {out!r}")
    rc, out, err = ours("date", ["-d", "@x"])
    expect("date -d @x is invalid", rc == 1 and err == b"date: invalid date '@x'\n", f"{err!r}")
    same("date", ["notaformat"])


def test_sleep():
    start = time.monotonic()
    rc, _, _ = ours("sleep", ["0.3"])
    elapsed = time.monotonic() - start
    expect("sleep 0.3", rc == 0 and 0.29 <= elapsed < 3, f"{rc} {elapsed}")
    start = time.monotonic()
    rc, _, _ = ours("sleep", ["0.1", "0.002m"])
    elapsed = time.monotonic() - start
    expect("sleep sums operands", rc == 0 and 0.21 <= elapsed < 3, f"{rc} {elapsed}")
    for args in ([], ["x"], ["1y"], ["-1"]):
        same("sleep", args)


def test_true_false():
    for prog in ("true", "false"):
        same(prog, [], host=["/bin/" + prog])
        same(prog, ["ignored", "args"], host=["/bin/" + prog])


def test_kill():
    same("kill", ["-l"], host=["/usr/bin/kill"])
    for args in (["-l", "9"], ["-l", "KILL"], ["-l", "SIGTERM"], ["-l", "15", "HUP"],
                 ["-l", "99"], ["-l", "NOPE"], ["-9", "99999999"], ["abc"], ["--", "99999999"]):
        same("kill", args, host=["/usr/bin/kill"], compare_stderr=True)
    for args in (["-s", "NOPE", "1"], ["-NOPE", "1"], []):
        same("kill", args, host=["/usr/bin/kill"])
    for args, sig in ((["-9"], signal.SIGKILL), ([], signal.SIGTERM), (["-s", "INT"], signal.SIGINT),
                      (["-HUP"], signal.SIGHUP), (["-SIGUSR1"], signal.SIGUSR1),
                      (["-s", "10"], signal.SIGUSR1)):
        child = subprocess.Popen(["sleep", "30"])
        rc, _, err = ours("kill", args + [str(child.pid)])
        status = child.wait(timeout=10)
        expect(f"kill {args} delivers {sig.name}", rc == 0 and status == -sig, f"{rc} {status} {err!r}")
    group = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30 & wait"], start_new_session=True)
    time.sleep(0.2)
    rc, _, err = ours("kill", ["-9", f"-{group.pid}"])
    status = group.wait(timeout=10)
    expect("kill -9 -PGID kills the group", rc == 0 and status == -signal.SIGKILL, f"{rc} {err!r}")


def pid_field(line, index):
    fields = line.split()
    return fields[index] if len(fields) > index else None


def test_ps():
    child = subprocess.Popen(["sleep", "30"])
    # Arguments with a newline, control characters and UTF-8: procps (in the C locale) shows
    # the newline as a space, other control characters as '.' and bytes above ASCII as '?'.
    multiline = subprocess.Popen([b"sh", b"-c", b"sleep 30\n\t\x7f: \xc3\xa9"])
    renamed = subprocess.Popen([sys.executable, "-c", "import sys, time\n"
                                "open('/proc/self/comm', 'wb').write(b'a\\tb\\nc\\xc3\\xa9')\n"
                                "print(flush=True)\ntime.sleep(30)"], stdout=subprocess.PIPE)
    renamed.stdout.readline()
    # Busy for a second and a half, then asleep: -f's C is its CPU time per second alive.
    busy = subprocess.Popen([sys.executable, "-c", "import time\nstart = time.time()\n"
                             "while time.time() - start < 1.5: pass\n"
                             "print(flush=True)\ntime.sleep(30)"], stdout=subprocess.PIPE)
    busy.stdout.readline()
    try:
        rc, out, _ = ours("ps", [])
        lines = out.decode().splitlines()
        expect("ps header", rc == 0 and lines[0] == "  PID TTY          TIME CMD", lines[:1])
        mine = [l for l in lines[1:] if pid_field(l, 0) == str(child.pid)]
        expect("ps lists a live process", len(mine) == 1 and mine[0].split()[-1] == "sleep" and
               re.fullmatch(r" *\d+ \S+ +\d\d:\d\d:\d\d sleep", mine[0]), f"{mine}")
        host_pids = set(run(["ps", "-e", "-o", "pid="])[1].split())
        our_pids = set(pid_field(l, 0).encode() for l in lines[1:])
        expect("ps lists init", b"1" in our_pids)
        expect("ps shows most of the host's processes",
               len(host_pids & our_pids) >= len(host_pids) - 3, f"{host_pids - our_pids}")
        host_line = [l for l in run(["ps", "-e"])[1].decode().splitlines()
                     if pid_field(l, 0) == str(child.pid)]
        expect("ps line equals procps'", mine == host_line, f"{mine} {host_line}")
        ours_renamed = [l for l in lines[1:] if pid_field(l, 0) == str(renamed.pid)]
        host_renamed = [l for l in run(["ps", "-e"])[1].decode().splitlines()
                        if pid_field(l, 0) == str(renamed.pid)]
        expect("ps escapes a name as procps", ours_renamed == host_renamed and
               ours_renamed[0].endswith(" a.b.c??"), f"{ours_renamed} {host_renamed}")
        rc, out, _ = ours("ps", ["-ef"])
        lines = out.decode().splitlines()
        expect("ps -f header", lines[0] == "UID        PID  PPID  C STIME TTY          TIME CMD",
               lines[:1])
        expect("ps -f prints a line per process",
               all(pid_field(l, 7) is not None for l in lines[1:]), lines)
        host_lines = run(["ps", "-ef"])[1].decode().splitlines()
        for pid in (child.pid, multiline.pid):
            mine = [l for l in lines[1:] if pid_field(l, 1) == str(pid)]
            host_line = [l for l in host_lines if pid_field(l, 1) == str(pid)]
            expect(f"ps -f line equals procps' ({pid})", mine == host_line and len(mine) == 1,
                   f"{mine} {host_line}")
        # C as procps: CPU ticks per whole second alive, in percent (at most 99). The process
        # sleeps now, so its ticks stay; its age moves on while ps runs: any whole second of it.
        hz = os.sysconf("SC_CLK_TCK")

        def busy_ticks_and_age():
            fields = open(f"/proc/{busy.pid}/stat").read().rsplit(")", 1)[1].split()
            uptime = float(open("/proc/uptime").read().split()[0])
            return int(fields[11]) + int(fields[12]), uptime - int(fields[19]) / hz

        ticks, age_before = busy_ticks_and_age()
        rc, out, _ = ours("ps", ["-f"])
        ticks_after, age_after = busy_ticks_and_age()
        allowed = {min(99, ticks * 100 // (whole * hz)) if whole > 0 else 0
                   for whole in range(int(age_before), int(age_after) + 1)}
        ours_busy = [l for l in out.decode().splitlines()[1:]
                     if pid_field(l, 1) == str(busy.pid)]
        expect("ps -f C is the CPU share, as procps computes it",
               ticks == ticks_after and ticks > 0 and len(ours_busy) == 1 and
               int(pid_field(ours_busy[0], 3)) in allowed and max(allowed) > 0,
               f"{ours_busy} {ticks} {age_before} {age_after} {allowed}")
        rc, _, err = ours("ps", ["-Z"])
        expect("ps bad option", rc == 1 and err.startswith(b"ps: "))
    finally:
        for process in (child, multiline, renamed, busy):
            process.kill()
            process.wait()


def test_free():
    meminfo = dict(line.split(":", 1) for line in open("/proc/meminfo").read().splitlines())
    total = int(meminfo["MemTotal"].split()[0])
    swap = int(meminfo["SwapTotal"].split()[0])
    host_header = run(["free"])[1].decode().splitlines()[0]
    for args, scale in (([], 1), (["-k"], 1), (["-m"], 1024), (["-b"], 1 / 1024),
                        (["-g"], 1024 * 1024)):
        rc, out, _ = ours("free", args)
        lines = out.decode().splitlines()
        expect(f"free {args} header", rc == 0 and lines[0] == host_header, lines[:1])
        expect(f"free {args} total", lines[1].split()[:2] == ["Mem:", str(int(total // scale))] and
               lines[1][:20] == "Mem:" + str(int(total // scale)).rjust(16), lines[1])
        expect(f"free {args} swap", lines[2].split()[:2] == ["Swap:", str(int(swap // scale))],
               lines[2])
        expect(f"free {args} columns", all(len(l) == 80 for l in lines[1:2]), lines)
    rc, out, _ = ours("free", ["-h"])
    host = run(["free", "-h"])[1].decode().splitlines()
    expect("free -h total", out.decode().splitlines()[1].split()[1] == host[1].split()[1],
           f"{out!r} {host}")
    rc, out, _ = ours("free", ["-t"])
    expect("free -t", rc == 0 and out.decode().splitlines()[3].startswith("Total:"))


def test_dmesg():
    host_rc, host_out, _ = run(["dmesg", "-r"])
    rc, out, err = ours("dmesg", ["-r"])
    if host_rc == 0:
        expect("dmesg -r first line", rc == 0 and out.split(b"\n")[0] == host_out.split(b"\n")[0],
               f"{out[:100]!r} {host_out[:100]!r}")
        first = re.sub(rb"^<\d+>", b"", host_out.split(b"\n")[0])
        rc, out, _ = ours("dmesg", [])
        expect("dmesg strips priorities", rc == 0 and out.split(b"\n")[0] == first,
               f"{out[:100]!r}")
    else:
        expect("dmesg failure", rc == 1 and err.startswith(b"dmesg: read kernel buffer failed: "),
               f"{rc} {err!r}")
    restricted = open("/proc/sys/kernel/dmesg_restrict").read().strip() == "1"
    if os.geteuid() == 0 and restricted:
        # As an unprivileged user the read must fail with EPERM.
        rc, out, err = run([BOX, "dmesg"], user=65534, group=65534, extra_groups=[])
        expect("dmesg unprivileged fails", rc == 1 and
               err == b"dmesg: read kernel buffer failed: Operation not permitted\n",
               f"{rc} {err!r}")


def test_power():
    if os.geteuid() == 0:
        print("poweroff/reboot: skipped (running as root: they would really power off)")
        return
    for prog in ("poweroff", "reboot"):
        for args in ([], ["-f"]):
            rc, out, err = ours(prog, args)
            expect(f"{prog} {args} fails unprivileged",
                   rc == 1 and err == f"{prog}: Operation not permitted\n".encode(), f"{rc} {err!r}")


def main():
    tmp = tempfile.mkdtemp(prefix="mosaic-programs-text-")
    os.chmod(tmp, 0o755)
    try:
        tests = [test_echo, test_printf, lambda: test_wc(tmp), lambda: test_grep(tmp),
                 lambda: test_sed(tmp), lambda: test_sort(tmp), lambda: test_uniq(tmp), test_cut,
                 test_tr, lambda: test_tee(tmp), test_xargs, test_env, test_id, test_uname,
                 test_date, test_sleep, test_true_false, test_kill, test_ps, test_free,
                 test_dmesg, test_power]
        only = os.environ.get("ONLY")
        for t in tests:
            name = getattr(t, "__name__", "")
            if only and only not in (name if name != "<lambda>" else repr(t.__code__.co_names)):
                continue
            t()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in FAILURES:
        print("FAIL:", f)
    print(f"{CHECKS[0]} checks, {len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
