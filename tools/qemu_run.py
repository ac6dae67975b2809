#!/usr/bin/env python3
"""Boot a Mosaic image in QEMU under a timeout and return the guest's exit status.

Usage:
    qemu_run.py [--elf PATH] [--iso PATH] [--boot grub|direct] [--mem SIZE]
                [--cmdline STR] [--disk FILE]... [--timeout SECONDS] [--deterministic]
                [--interactive | --batch] [--qemu BINARY] [-v] [-- EXTRA QEMU ARGS...]

Boot paths
----------
  grub    `-cdrom ISO` on `-machine pc`: SeaBIOS -> GRUB -> Multiboot2 (the official path).
          With --cmdline (or with --elf and no --iso) a temporary ISO is made from --elf by
          make_iso.py with that command line; it carries no modules.
  direct  `-kernel ELF` on `-machine microvm` through the ELF's PVH note, with --cmdline
          as -append. With --disk, `-machine pc` instead: virtio-blk-pci needs a PCI bus.
Default: grub when --iso is given, direct otherwise.

Every run gets `-nodefaults -display none -no-reboot`, `-device
isa-debug-exit,iobase=0xf4,iosize=4`, the memory size (-m, default 128M), one `-drive
...,if=none,format=raw -device virtio-blk-pci` pair per --disk (in order), and with
--deterministic `-icount shift=0,sleep=off -rtc base=2024-01-01T00:00:00,clock=vm` (guest
rdtsc counts instructions; GRUB is slower under icount, so prefer direct boot there).
-nodefaults drops the default VGA, NIC, floppy and parallel port (and makes GRUB boots under
icount about four times faster); add devices after `--` when an image wants them.
Arguments after `--` are appended to QEMU's command line.

Exit status protocol
--------------------
The guest ends the run by writing v = status + 1 to I/O port 0xf4 (isa-debug-exit), and
QEMU exits with (v << 1) | 1 = 2 * status + 3. This runner maps QEMU's exit code s back:

    s odd, s >= 3   -> (s >> 1) - 1      the guest's status (0..126 fit in 8 bits)
    s == 0          -> 0                 the guest powered off (ACPI): QMP's SHUTDOWN event
                                         said "guest-shutdown" (never 0 otherwise, but for
                                         the interactive row below)
                    -> 123               with a reset or panic reason ("guest-reset",
                                         "guest-panic", ...), or with no SHUTDOWN event at
                                         all: the guest crashed or reset the machine (a
                                         triple fault, a reset request). With -no-reboot
                                         QEMU exits 0 then too, and a crash must not pass
                                         for success; a message on stderr says so
                    -> 0                 interactive runs: the user quit QEMU (Ctrl-A X,
                                         the monitor's `quit`: "host-qmp-quit", "host-ui")
                    -> 125               any other reason (e.g. QEMU was sent a signal)
    s == 1          -> 125               QEMU itself failed (its stderr is printed)
    timeout         -> 124               QEMU is killed; "qemu_run: timeout after N s"
    anything else   -> 125               (QEMU killed by a signal, ...), with a diagnostic
Errors of the runner itself (bad options, missing files) also return 125. Guest statuses
123..125 are thus ambiguous; images should keep their own statuses below 123.

Console (batch mode: stdin is not a terminal, or --batch)
-------------------------------------------------------
The guest's COM1 is one end of a socketpair handed to QEMU (`-chardev socket,fd=N`);
everything the guest prints is copied to our stdout as it arrives, byte for byte and
unbuffered. Nothing else is ever written to stdout; diagnostics go to stderr.

Stdin is written into COM1 only after the guest says it is reading: the guest writes the
single byte 'R' to the QEMU debug console (port 0xe9, an isa-debugcon device on a second
socketpair) the first time it reads console input. Before that, nothing is sent, because
GRUB also polls the serial line while it boots and would swallow early input; a guest that
never signals readiness never gets any input. QEMU's 16550 takes a byte from the socket
only when its receive FIFO has room, so the socket applies back-pressure and no byte is
lost however much is sent. When stdin reaches EOF the runner sends one byte 0x04 (^D, the
console's end-of-input key, as a terminal would) after the data, then stops sending; the
line stays open (closing it could make QEMU treat the console as gone). So
`echo hi | qemu_run.py ...` gives the guest "hi", a newline and ^D, and a guest that reads
until ^D ends. Input that itself contains ^D is sent as it is (the guest stops at the first one).
Other bytes on the debug console are ignored.

QEMU starts paused (-S) with a QMP monitor on a third socketpair; the runner negotiates QMP,
sends `cont`, and watches for the SHUTDOWN event, whose reason tells a guest reset from a
power-off (see the exit code 0 rows above). QEMU may close its stdout before the runner has
read the event, so when QEMU exits the runner reads the QMP socket up to its EOF (bounded by
a short timeout) before mapping the exit code.

Interactive mode (stdin is a terminal, or --interactive)
--------------------------------------------------------
`-serial mon:stdio`: the user types to the guest; Ctrl-A X quits QEMU, Ctrl-A C switches to
the QEMU monitor. The timeout applies only when --timeout is given explicitly. The
terminal's settings are restored afterwards even if QEMU is killed. Nothing is sent at the
end of input: the user types ^D. The exit status follows the same protocol: QEMU starts
paused with a QMP monitor on a socketpair, served by a thread of the runner (handshake,
`cont`, SHUTDOWN), which is read to its EOF after QEMU exits, so a triple fault is 123 here
too; quitting QEMU by hand (Ctrl-A X) is 0.
"""

import argparse
import json
import os
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import NoReturn, Optional

try:
    import termios
except ImportError:  # not POSIX: interactive runs just cannot restore the terminal
    termios = None

# Exit statuses of the runner itself (see the protocol above).
STATUS_GUEST_RESET = 123
STATUS_TIMEOUT = 124
STATUS_QEMU_FAILED = 125

DEFAULT_TIMEOUT = 30.0
DEBUG_EXIT_PORT = 0xF4
DEBUGCON_PORT = 0xE9
READY_BYTE = b"R"
EOF_BYTE = b"\x04"          # ^D, sent to the guest when our stdin reaches EOF
QMP_DRAIN_TIMEOUT = 2.0     # seconds to wait for the QMP stream's EOF after QEMU exited

HERE = os.path.dirname(os.path.abspath(__file__))


def diag(msg: str) -> None:
    """A diagnostic of the runner: stderr only, so stdout stays pure guest output."""
    print(f"qemu_run: {msg}", file=sys.stderr, flush=True)


class RunnerError(Exception):
    """A problem that prevents the run; reported as status 125."""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 125 like every other runner failure."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        diag(message)
        sys.exit(STATUS_QEMU_FAILED)


def build_parser() -> argparse.ArgumentParser:
    """The command line of qemu_run.py (image_test.py forwards these options unchanged)."""
    ap = _Parser(prog="qemu_run.py",
                 description="Boot a Mosaic image in QEMU and return the guest's exit status.",
                 epilog="Arguments after -- go to QEMU unchanged. See the top of this file "
                        "for the exit status protocol.")
    ap.add_argument("--elf", help="the kernel ELF (direct boot; grub boot with --cmdline)")
    ap.add_argument("--iso", help="the GRUB ISO (grub boot)")
    ap.add_argument("--boot", choices=["grub", "direct"],
                    help="grub: -cdrom ISO on -machine pc; direct: -kernel ELF via PVH "
                         "(default: grub if --iso is given, else direct)")
    ap.add_argument("--mem", default="128M", help="guest memory (default 128M)")
    ap.add_argument("--cmdline", help="kernel command line")
    ap.add_argument("--disk", action="append", default=[], metavar="FILE",
                    help="raw disk image as virtio-blk-pci (repeatable, in order)")
    ap.add_argument("--keys", metavar="TEXT",
                    help="type TEXT on the guest's PS/2 keyboard (QMP send-key) once it reads "
                         "its console: letters, digits, space, - . , / = ; and the escapes "
                         "\\n (Enter), \\t (Tab), \\b (Backspace)")
    ap.add_argument("--timeout", type=float, metavar="SECONDS",
                    help=f"kill QEMU after this long and return {STATUS_TIMEOUT} (default "
                         f"{DEFAULT_TIMEOUT:g}; interactive runs: none; 0: none)")
    ap.add_argument("--deterministic", action="store_true",
                    help="-icount shift=0,sleep=off and a fixed virtual RTC")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--interactive", action="store_true",
                      help="console on the terminal (default when stdin is a terminal)")
    mode.add_argument("--batch", action="store_true",
                      help="console through the runner (default when stdin is not a terminal)")
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"),
                    help="QEMU binary (default: $QEMU or qemu-system-x86_64)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the QEMU command line and QEMU's own output to stderr")
    return ap


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Split at the first `--` (the rest is for QEMU) and parse our own options."""
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    args = build_parser().parse_args(argv)
    if args.boot is None:
        args.boot = "grub" if args.iso else "direct"
    if not args.interactive and not args.batch:
        args.interactive = os.isatty(0)
    if args.timeout is None:
        args.timeout = None if args.interactive else DEFAULT_TIMEOUT
    elif args.timeout <= 0:
        args.timeout = None
    return args, extra


def qemu_opt_value(value: str) -> str:
    """Escape a value for QEMU's key=value,... option syntax (',' is written ',,')."""
    return value.replace(",", ",,")


def check_file(path: Optional[str], what: str) -> str:
    if not path:
        raise RunnerError(f"{what} is required for this boot path")
    if not os.path.isfile(path):
        raise RunnerError(f"{what} not found: {path}")
    return path


def make_temp_iso(elf: str, cmdline: str, tmpdir: str) -> str:
    """A throwaway ISO for `--boot grub --cmdline ...` (the built ISO bakes its command
    line into grub.cfg)."""
    iso = os.path.join(tmpdir, os.path.splitext(os.path.basename(elf))[0] + ".iso")
    proc = subprocess.run([sys.executable, os.path.join(HERE, "make_iso.py"),
                           "--elf", elf, "--out", iso, "--cmdline", cmdline],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout.decode(errors="replace"))
        raise RunnerError("could not make a temporary ISO for --cmdline")
    return iso


def base_command(args: argparse.Namespace, tmpdir: str) -> list[str]:
    """The QEMU command line without the console wiring (which depends on the mode)."""
    qemu = shutil.which(args.qemu)
    if qemu is None:
        raise RunnerError(f"QEMU not found: {args.qemu} "
                          "(./mosaic setup installs qemu-system-x86)")
    cmd = [qemu]
    if args.boot == "grub":
        if args.cmdline is not None or not args.iso:
            iso = make_temp_iso(check_file(args.elf, "--elf"), args.cmdline or "", tmpdir)
        else:
            iso = check_file(args.iso, "--iso")
        cmd += ["-machine", "pc", "-cdrom", iso]
    else:
        elf = check_file(args.elf, "--elf")
        cmd += ["-machine", "pc" if args.disk else "microvm", "-kernel", elf]
        if args.cmdline is not None:
            cmd += ["-append", args.cmdline]
    # -nodefaults: no VGA, NIC, floppy, parallel port or default monitor/serial; the
    # console is wired explicitly below. It also makes GRUB boots under -icount about
    # four times faster.
    cmd += ["-nodefaults",
            "-m", args.mem,
            "-display", "none",
            "-no-reboot",
            "-device", f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=4"]
    for n, disk in enumerate(args.disk):
        check_file(disk, "--disk")
        cmd += ["-drive", f"file={qemu_opt_value(disk)},if=none,format=raw,id=disk{n}",
                "-device", f"virtio-blk-pci,drive=disk{n}"]
    if args.deterministic:
        cmd += ["-icount", "shift=0,sleep=off",
                "-rtc", "base=2024-01-01T00:00:00,clock=vm"]
    return cmd


# SHUTDOWN reasons that mean the guest did not end the run itself: with -no-reboot a reset
# (triple fault, keyboard-controller or ACPI reset, ...) or a panic notification stops QEMU
# with exit code 0, as a power-off does.
CRASH_REASONS = ("guest-reset", "guest-panic", "subsystem-reset", "host-qmp-system-reset")
# SHUTDOWN reasons of a user quitting an interactive run (Ctrl-A X, the monitor's `quit`,
# closing the window).
USER_QUIT_REASONS = ("host-ui", "host-qmp-quit")


def map_exit(code: int, shutdown_reason: Optional[str], qemu_output: bytes,
             interactive: bool = False) -> int:
    """QEMU's exit code (and the SHUTDOWN reason, if seen) -> the runner's exit status.

    Exit code 0 is success only with the SHUTDOWN reason "guest-shutdown" (an ACPI power-off):
    QEMU also exits 0 when a guest under -no-reboot triple-faults, and a crash must not pass
    for success, so 0 with a reset or panic reason, or with no SHUTDOWN event at all, is 123.
    """
    if code >= 3 and code % 2 == 1:
        return (code >> 1) - 1
    if code == 0:
        if shutdown_reason == "guest-shutdown":
            return 0
        if interactive and shutdown_reason in USER_QUIT_REASONS:
            return 0  # the user quit QEMU (Ctrl-A X): not a failure of the run
        if shutdown_reason in CRASH_REASONS:
            diag(f"the guest crashed or reset the machine: QEMU exited with status 0 after a "
                 f"SHUTDOWN event with reason '{shutdown_reason}' (a triple fault or reset "
                 f"request under -no-reboot?), not with a status on port {DEBUG_EXIT_PORT:#x}")
            return STATUS_GUEST_RESET
        if shutdown_reason is None:
            diag(f"the guest crashed or reset the machine: QEMU exited with status 0 without "
                 f"a SHUTDOWN event for an ACPI power-off (a triple fault under -no-reboot?), "
                 f"not with a status on port {DEBUG_EXIT_PORT:#x}")
            return STATUS_GUEST_RESET
        diag(f"QEMU stopped: {shutdown_reason}")
        return STATUS_QEMU_FAILED
    sys.stderr.write(qemu_output.decode(errors="replace"))
    if code == 1:
        diag("QEMU failed (exit status 1)")
    elif code < 0:
        diag(f"QEMU was killed by signal {-code}")
    else:
        diag(f"QEMU exited with unexpected status {code}")
    return STATUS_QEMU_FAILED


def write_all(fd: int, data: bytes) -> bool:
    """Write everything to fd; False once the reader has gone (EPIPE)."""
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BrokenPipeError:
            return False
        view = view[n:]
    return True


def ensure_std_fds() -> None:
    """Open /dev/null on any of fds 0-2 that is closed (CI may start us with no stdin at
    all), so that no socket we create lands on fd 0 and gets mistaken for stdin."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def recv_or_eof(sock: socket.socket, size: int) -> bytes:
    """recv(), with a reset connection read as EOF. (A Unix socket whose peer exited with
    unread input reports ECONNRESET, but only after everything queued has been read.)"""
    try:
        return sock.recv(size)
    except ConnectionResetError:
        return b""


def die_with_parent() -> None:
    """In the QEMU child before exec: have the kernel SIGKILL QEMU when this runner dies,
    even by SIGKILL (e.g. a test harness's timeout), so no QEMU is ever left running."""
    try:
        import ctypes
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: best effort only


# QEMU's key names (qcodes) for the characters --keys can type, on a US layout.
_QCODE_SPECIAL = {" ": "spc", "\n": "ret", "-": "minus", ".": "dot", ",": "comma",
                  "/": "slash", "=": "equal", ";": "semicolon", "\t": "tab", "\b": "backspace"}


def key_qcodes(ch: str) -> list[str]:
    """The keys held together to type `ch` (shift for capitals)."""
    if ch.isascii() and (ch.islower() or ch.isdigit()):
        return [ch]
    if ch.isascii() and ch.isupper():
        return ["shift", ch.lower()]
    if ch in _QCODE_SPECIAL:
        return [_QCODE_SPECIAL[ch]]
    raise RunnerError(f"--keys cannot type {ch!r}")


class QmpMonitor:
    """Our end of QEMU's QMP monitor (QEMU runs with -S): negotiates QMP, sends `cont`, and
    records the SHUTDOWN event's reason. Used from the batch poll loop (non-blocking reads
    when readable) and from the interactive watcher thread (blocking reads)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""
        self.state = "greeting"            # -> "capabilities" -> "cont" -> "running"
        self.open = True                   # False once the socket reached EOF
        self.shutdown_reason: Optional[str] = None
        self.error: Optional[str] = None

    def send(self, command: str, arguments: Optional[dict] = None) -> None:
        message: dict = {"execute": command, "id": command}
        if arguments is not None:
            message["arguments"] = arguments
        try:
            self.sock.sendall(json.dumps(message).encode() + b"\n")
        except OSError:
            pass  # QEMU has gone; its exit code tells the rest

    def type_keys(self, text: str) -> None:
        """Presses and releases a key for each character of `text` on the guest's keyboard."""
        for ch in text:
            self.send("send-key", {"keys": [{"type": "qcode", "data": q} for q in key_qcodes(ch)]})

    def on_readable(self) -> bool:
        """Read and handle what has arrived. False at EOF."""
        data = recv_or_eof(self.sock, 65536)
        if not data:
            self.open = False
            return False
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            if line.strip():
                self.on_message(json.loads(line))
        return True

    def on_message(self, msg: dict) -> None:
        """Handshake (greeting -> qmp_capabilities -> cont), then watch for SHUTDOWN."""
        if "error" in msg:
            self.error = msg["error"].get("desc", str(msg["error"]))
        elif "QMP" in msg and self.state == "greeting":
            self.state = "capabilities"
            self.send("qmp_capabilities")
        elif msg.get("id") == "qmp_capabilities":
            self.state = "cont"
            self.send("cont")
        elif msg.get("id") == "cont":
            self.state = "running"
        elif msg.get("event") == "SHUTDOWN":
            self.shutdown_reason = msg.get("data", {}).get("reason")

    def drain(self, timeout: float) -> None:
        """After QEMU has exited: read the rest of the QMP stream, up to its EOF, so that a
        SHUTDOWN event QEMU sent just before exiting is not lost. QEMU's exit closed its end,
        so EOF follows at once; the timeout only bounds the wait should it not."""
        if not self.open:
            return
        deadline = time.monotonic() + timeout
        self.sock.setblocking(True)
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    diag("QMP monitor did not reach EOF after QEMU exited")
                    return
                self.sock.settimeout(left)
                if not self.on_readable():
                    return
        except (OSError, ValueError):
            return  # timeout, or a torn last message: keep what was seen


class BatchRun:
    """One QEMU run whose console, debug console and QMP monitor are socketpairs that this
    object services in a single poll loop (see the module docstring)."""

    def __init__(self, cmd: list[str], timeout: Optional[float], verbose: bool,
                 keys: Optional[str] = None):
        self.timeout = timeout
        self.verbose = verbose
        self.keys = keys
        self.serial, serial_q = socket.socketpair()
        self.debugcon, debugcon_q = socket.socketpair()
        self.qmp, qmp_q = socket.socketpair()
        theirs = [serial_q, debugcon_q, qmp_q]
        self.cmd = cmd + [
            "-S",
            "-chardev", f"socket,id=mos_serial,fd={serial_q.fileno()}",
            "-serial", "chardev:mos_serial",
            "-chardev", f"socket,id=mos_debugcon,fd={debugcon_q.fileno()}",
            "-device", f"isa-debugcon,iobase={DEBUGCON_PORT:#x},chardev=mos_debugcon",
            "-chardev", f"socket,id=mos_qmp,fd={qmp_q.fileno()}",
            "-mon", "chardev=mos_qmp,mode=control",
        ]
        if verbose:
            diag("running: " + shlex.join(self.cmd))
        # QEMU gets its own session so that a terminal's Ctrl-C reaches only us; we then
        # kill QEMU ourselves (and the kernel does if we are killed outright).
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     pass_fds=[s.fileno() for s in theirs],
                                     start_new_session=True, preexec_fn=die_with_parent)
        for s in theirs:
            s.close()
        self.serial.setblocking(False)

        self.qemu_output = bytearray()     # QEMU's own stdout+stderr
        self.stdout_open = True            # False once our stdout reader went away
        self.ready = False                 # the guest has written READY_BYTE to 0xe9
        self.stdin_fd = 0
        self.stdin_eof = False
        self.pending = b""                 # stdin bytes read but not yet sent
        self.monitor = QmpMonitor(self.qmp)

    # --- the individual channels -----------------------------------------------------------

    def on_serial_readable(self) -> bool:
        """Guest output -> our stdout. False at EOF."""
        try:
            data = recv_or_eof(self.serial, 65536)
        except BlockingIOError:
            return True
        if not data:
            return False
        if self.stdout_open:
            self.stdout_open = write_all(1, data)
        return True

    def on_serial_writable(self) -> None:
        try:
            n = self.serial.send(self.pending)
        except BlockingIOError:
            return
        except (BrokenPipeError, ConnectionResetError):
            self.pending, self.stdin_eof = b"", True   # QEMU is going away
            return
        self.pending = self.pending[n:]

    def on_stdin_readable(self) -> None:
        data = os.read(self.stdin_fd, 65536)
        if data:
            self.pending = data
        else:
            # End of input: send ^D, the console's end-of-input key, as a terminal would;
            # then stop sending. The guest's line stays open.
            self.stdin_eof = True
            self.pending = EOF_BYTE

    def on_debugcon_readable(self) -> bool:
        data = recv_or_eof(self.debugcon, 4096)
        if READY_BYTE in data and not self.ready:
            self.ready = True
            if self.verbose:
                diag("guest is reading the console; sending stdin")
            if self.keys:
                self.monitor.type_keys(self.keys)
        return bool(data)

    # --- the loop --------------------------------------------------------------------------

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def drain_serial(self) -> None:
        """After QEMU has gone: copy whatever output is still buffered in the socket."""
        self.serial.setblocking(True)
        self.serial.settimeout(1.0)
        try:
            while self.on_serial_readable():
                pass
        except OSError:
            pass

    def run(self) -> int:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        sel = selectors.PollSelector()   # poll() also accepts regular files as stdin
        qemu_out = self.proc.stdout
        sel.register(qemu_out, selectors.EVENT_READ, "qemu")
        sel.register(self.serial, selectors.EVENT_READ, "serial")
        sel.register(self.debugcon, selectors.EVENT_READ, "debugcon")
        sel.register(self.qmp, selectors.EVENT_READ, "qmp")
        stdin_registered = False
        serial_events = selectors.EVENT_READ
        serial_open = True
        try:
            while True:
                # Interest follows state: read stdin only when the guest is ready and the
                # previous chunk has been handed to QEMU; ask for writability only with
                # something to write.
                want_stdin = self.ready and not self.stdin_eof and not self.pending
                if want_stdin != stdin_registered:
                    if want_stdin:
                        sel.register(self.stdin_fd, selectors.EVENT_READ, "stdin")
                    else:
                        sel.unregister(self.stdin_fd)
                    stdin_registered = want_stdin
                if serial_open:
                    events = selectors.EVENT_READ
                    if self.ready and self.pending:
                        events |= selectors.EVENT_WRITE
                    if events != serial_events:
                        sel.modify(self.serial, events, "serial")
                        serial_events = events

                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
                ready = sel.select(wait)
                if deadline is not None and time.monotonic() >= deadline:
                    self.kill()
                    self.drain_serial()
                    diag(f"timeout after {self.timeout:g} s")
                    return STATUS_TIMEOUT

                for key, mask in ready:
                    if key.data == "qemu":
                        data = os.read(qemu_out.fileno(), 65536)
                        if not data:
                            # QEMU closed stdout/stderr: it has exited. Its SHUTDOWN event
                            # may still be unread in the QMP socket (this fd can be served
                            # first): read that to its EOF before judging the exit code.
                            sel.unregister(qemu_out)
                            self.proc.wait()
                            self.drain_serial()
                            self.monitor.drain(QMP_DRAIN_TIMEOUT)
                            if self.monitor.error and self.proc.returncode == 0:
                                diag(f"QMP error: {self.monitor.error}")
                                return STATUS_QEMU_FAILED
                            return map_exit(self.proc.returncode, self.monitor.shutdown_reason,
                                            b"" if self.verbose else bytes(self.qemu_output))
                        self.qemu_output += data
                        if self.verbose:  # live; map_exit will not repeat it
                            sys.stderr.buffer.write(data)
                            sys.stderr.flush()
                    elif key.data == "serial":
                        if mask & selectors.EVENT_READ and not self.on_serial_readable():
                            sel.unregister(self.serial)
                            serial_open = False
                            continue
                        if mask & selectors.EVENT_WRITE:
                            self.on_serial_writable()
                    elif key.data == "stdin":
                        self.on_stdin_readable()
                    elif key.data == "debugcon":
                        if not self.on_debugcon_readable():
                            sel.unregister(self.debugcon)
                    elif key.data == "qmp":
                        if not self.monitor.on_readable():
                            sel.unregister(self.qmp)
                        elif self.monitor.error:
                            self.kill()
                            self.drain_serial()
                            sys.stderr.write(self.qemu_output.decode(errors="replace"))
                            diag(f"QMP error: {self.monitor.error}")
                            return STATUS_QEMU_FAILED
        finally:
            self.kill()
            sel.close()
            for s in (self.serial, self.debugcon, self.qmp):
                s.close()


def watch_qmp(monitor: QmpMonitor, proc: subprocess.Popen) -> None:
    """The interactive run's QMP thread: blocking reads until QEMU closes the monitor. A QMP
    error stops QEMU (it would otherwise stay paused)."""
    try:
        while monitor.on_readable():
            if monitor.error and proc.poll() is None:
                proc.terminate()
    except (OSError, ValueError):
        pass


def run_interactive(cmd: list[str], timeout: Optional[float], verbose: bool) -> int:
    """The user's terminal is the guest's console (-serial mon:stdio). As in batch mode QEMU
    starts paused with a QMP monitor on a socketpair, served here by a thread, so that a
    triple fault (exit code 0 under -no-reboot) is told from a power-off."""
    qmp, qmp_q = socket.socketpair()
    cmd = cmd + ["-S",
                 "-serial", "mon:stdio",
                 "-chardev", "null,id=mos_debugcon",
                 "-device", f"isa-debugcon,iobase={DEBUGCON_PORT:#x},chardev=mos_debugcon",
                 "-chardev", f"socket,id=mos_qmp,fd={qmp_q.fileno()}",
                 "-mon", "chardev=mos_qmp,mode=control"]
    if verbose:
        diag("running: " + shlex.join(cmd))
    saved = None
    if termios is not None and os.isatty(0):
        saved = termios.tcgetattr(0)
    monitor = QmpMonitor(qmp)
    try:
        proc = subprocess.Popen(cmd, pass_fds=[qmp_q.fileno()], preexec_fn=die_with_parent)
    finally:
        qmp_q.close()
    watcher = threading.Thread(target=watch_qmp, args=(monitor, proc), daemon=True)
    watcher.start()
    try:
        code = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()            # lets QEMU restore the terminal itself
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        code = None
    except KeyboardInterrupt:
        proc.kill()
        proc.wait()
        raise
    finally:
        if saved is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)
        # QEMU has exited, so the monitor reaches EOF at once; the SHUTDOWN event it sent
        # just before exiting is read by then.
        watcher.join(QMP_DRAIN_TIMEOUT)
        qmp.close()
    if code is None:
        diag(f"timeout after {timeout:g} s")
        return STATUS_TIMEOUT
    if monitor.error and code == 0:
        diag(f"QMP error: {monitor.error}")
        return STATUS_QEMU_FAILED
    return map_exit(code, monitor.shutdown_reason, b"", interactive=True)


def main(argv: list[str]) -> int:
    ensure_std_fds()
    args, extra = parse_args(argv)
    if args.keys:
        args.keys = args.keys.replace("\\n", "\n").replace("\\t", "\t").replace("\\b", "\b")
    # A runner killed by SIGTERM (meson's test timeout, CI cancellation) must not leave
    # QEMU behind: turn SIGTERM into an exception so the cleanup below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="qemu_run-") as tmpdir:
        try:
            cmd = base_command(args, tmpdir) + extra
            for ch in args.keys or "":
                key_qcodes(ch)  # Every character typable, before QEMU starts.
        except RunnerError as e:
            diag(str(e))
            return STATUS_QEMU_FAILED
        try:
            if args.interactive:
                return run_interactive(cmd, args.timeout, args.verbose)
            return BatchRun(cmd, args.timeout, args.verbose, args.keys).run()
        except KeyboardInterrupt:
            diag("interrupted")
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
