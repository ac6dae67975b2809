#pragma once
/// The terminal interface's data as Linux x86_64 defines it for ioctl: the kernel's
/// `struct termios` (TCGETS/TCSETS, 36 bytes, NCCS = 19), `struct winsize`, the flag bits, the
/// control-character indices, the ioctl request numbers and the signals a terminal raises. Our
/// own definitions (no <termios.h>: libdrv is freestanding), with Linux's numeric values so that
/// libposix passes them through unchanged. [linux] include/uapi/asm-generic/termbits.h, ioctls.h

#include <cstddef>
#include <cstdint>

namespace mos::drv {

/// tcflag_t.
using TermiosFlags = std::uint32_t;
/// cc_t.
using ControlChar = std::uint8_t;

/// The number of control characters in the kernel's struct termios (NCCS).
inline constexpr std::size_t kNccs = 19;

/// The kernel's struct termios, field for field. [posix termios] [linux] termbits.h
struct Termios {
  TermiosFlags c_iflag = 0;      ///< Input modes.
  TermiosFlags c_oflag = 0;      ///< Output modes.
  TermiosFlags c_cflag = 0;      ///< Control modes (baud, character size; stored, not applied).
  TermiosFlags c_lflag = 0;      ///< Local modes (canonical, echo, signals).
  ControlChar c_line = 0;        ///< Line discipline number (0: N_TTY).
  ControlChar c_cc[kNccs] = {};  ///< Control characters, indexed by kV*; 0 disables one.

  friend constexpr bool operator==(const Termios&, const Termios&) noexcept = default;
};
static_assert(sizeof(Termios) == 36, "Linux's kernel struct termios is 36 bytes");

/// struct winsize (TIOCGWINSZ, TIOCSWINSZ).
struct WindowSize {
  std::uint16_t ws_row = 0;     ///< Rows, in characters.
  std::uint16_t ws_col = 0;     ///< Columns, in characters.
  std::uint16_t ws_xpixel = 0;  ///< Width in pixels (unused by the kernel).
  std::uint16_t ws_ypixel = 0;  ///< Height in pixels (unused by the kernel).

  friend constexpr bool operator==(const WindowSize&, const WindowSize&) noexcept = default;
};
static_assert(sizeof(WindowSize) == 8);

/// Indices into c_cc.
namespace cc {
inline constexpr std::size_t kVintr = 0;      ///< ^C: SIGINT.
inline constexpr std::size_t kVquit = 1;      ///< ^\: SIGQUIT.
inline constexpr std::size_t kVerase = 2;     ///< ^?: erase a character.
inline constexpr std::size_t kVkill = 3;      ///< ^U: erase the line.
inline constexpr std::size_t kVeof = 4;       ///< ^D: end of file / push the line.
inline constexpr std::size_t kVtime = 5;      ///< Non-canonical timeout, tenths of a second.
inline constexpr std::size_t kVmin = 6;       ///< Non-canonical minimum byte count.
inline constexpr std::size_t kVswtc = 7;      ///< Unused (switch character).
inline constexpr std::size_t kVstart = 8;     ///< ^Q: resume output (IXON).
inline constexpr std::size_t kVstop = 9;      ///< ^S: stop output (IXON).
inline constexpr std::size_t kVsusp = 10;     ///< ^Z: SIGTSTP.
inline constexpr std::size_t kVeol = 11;      ///< An extra line delimiter (0: none).
inline constexpr std::size_t kVreprint = 12;  ///< ^R: reprint the line (IEXTEN).
inline constexpr std::size_t kVdiscard = 13;  ///< ^O: not implemented (as on Linux).
inline constexpr std::size_t kVwerase = 14;   ///< ^W: erase a word (IEXTEN).
inline constexpr std::size_t kVlnext = 15;    ///< ^V: take the next character literally (IEXTEN).
inline constexpr std::size_t kVeol2 = 16;     ///< A second extra delimiter (IEXTEN; 0: none).
}  // namespace cc

/// The c_cc value that disables a control character (_POSIX_VDISABLE on Linux).
inline constexpr ControlChar kDisabledChar = 0;

/// c_iflag bits.
namespace iflag {
inline constexpr TermiosFlags kIgnbrk = 0000001;   ///< Ignore a break condition.
inline constexpr TermiosFlags kBrkint = 0000002;   ///< Break: flush, SIGINT (not done).
inline constexpr TermiosFlags kIgnpar = 0000004;   ///< Drop bytes with parity errors.
inline constexpr TermiosFlags kParmrk = 0000010;   ///< Mark parity errors (not implemented).
inline constexpr TermiosFlags kInpck = 0000020;    ///< Check input parity.
inline constexpr TermiosFlags kIstrip = 0000040;   ///< Strip the eighth bit.
inline constexpr TermiosFlags kInlcr = 0000100;    ///< NL becomes CR.
inline constexpr TermiosFlags kIgncr = 0000200;    ///< CR is dropped.
inline constexpr TermiosFlags kIcrnl = 0000400;    ///< CR becomes NL (unless IGNCR).
inline constexpr TermiosFlags kIuclc = 0001000;    ///< Upper to lower case (not done).
inline constexpr TermiosFlags kIxon = 0002000;     ///< ^S/^Q flow control (not done).
inline constexpr TermiosFlags kIxany = 0004000;    ///< Any character restarts output.
inline constexpr TermiosFlags kIxoff = 0010000;    ///< Input flow control.
inline constexpr TermiosFlags kImaxbel = 0020000;  ///< Ring the bell when the input queue is full.
inline constexpr TermiosFlags kIutf8 = 0040000;    ///< Erase removes whole UTF-8 sequences.
}  // namespace iflag

/// c_oflag bits.
namespace oflag {
inline constexpr TermiosFlags kOpost = 0000001;   ///< Post-process output (the others need it).
inline constexpr TermiosFlags kOlcuc = 0000002;   ///< Lower to upper case (not done).
inline constexpr TermiosFlags kOnlcr = 0000004;   ///< NL becomes CR NL.
inline constexpr TermiosFlags kOcrnl = 0000010;   ///< CR becomes NL.
inline constexpr TermiosFlags kOnocr = 0000020;   ///< No CR at column 0.
inline constexpr TermiosFlags kOnlret = 0000040;  ///< NL also returns the carriage.
inline constexpr TermiosFlags kOfill = 0000100;   ///< Fill characters for delays.
inline constexpr TermiosFlags kOfdel = 0000200;   ///< The fill character is DEL.
inline constexpr TermiosFlags kTabdly = 0014000;  ///< Tab delay mask.
inline constexpr TermiosFlags kTab3 = 0014000;    ///< XTABS: tabs become spaces.
}  // namespace oflag

/// c_cflag bits (stored and reported; a UART's line settings are not changed through them).
namespace cflag {
inline constexpr TermiosFlags kCbaud = 0010017;    ///< Baud rate mask.
inline constexpr TermiosFlags kB9600 = 0000015;    ///< 9600 baud.
inline constexpr TermiosFlags kB38400 = 0000017;   ///< 38400 baud.
inline constexpr TermiosFlags kB115200 = 0010002;  ///< 115200 baud.
inline constexpr TermiosFlags kCsize = 0000060;    ///< Character size mask.
inline constexpr TermiosFlags kCs8 = 0000060;      ///< Eight data bits.
inline constexpr TermiosFlags kCstopb = 0000100;   ///< Two stop bits.
inline constexpr TermiosFlags kCread = 0000200;    ///< Enable the receiver.
inline constexpr TermiosFlags kParenb = 0000400;   ///< Parity generation and checking.
inline constexpr TermiosFlags kParodd = 0001000;   ///< Odd parity.
inline constexpr TermiosFlags kHupcl = 0002000;    ///< Hang up on last close.
inline constexpr TermiosFlags kClocal = 0004000;   ///< Ignore modem control lines.
}  // namespace cflag

/// c_lflag bits.
namespace lflag {
inline constexpr TermiosFlags kIsig = 0000001;    ///< INTR, QUIT and SUSP raise signals.
inline constexpr TermiosFlags kIcanon = 0000002;  ///< Canonical mode: line editing.
inline constexpr TermiosFlags kXcase = 0000004;   ///< Canonical upper/lower case (not implemented).
inline constexpr TermiosFlags kEcho = 0000010;    ///< Echo input.
inline constexpr TermiosFlags kEchoe = 0000020;   ///< ERASE echoes as "\b \b".
inline constexpr TermiosFlags kEchok = 0000040;   ///< KILL echoes a newline (without ECHOKE).
inline constexpr TermiosFlags kEchonl = 0000100;  ///< Echo NL even without ECHO.
inline constexpr TermiosFlags kNoflsh = 0000200;  ///< Signals do not flush the queues.
inline constexpr TermiosFlags kTostop = 0000400;  ///< SIGTTOU for background writes.
inline constexpr TermiosFlags kEchoctl = 0001000;  ///< Control characters echo as ^X.
inline constexpr TermiosFlags kEchoprt = 0002000;  ///< Hardcopy erase echo (not implemented).
inline constexpr TermiosFlags kEchoke = 0004000;   ///< KILL erases the line visibly.
inline constexpr TermiosFlags kFlusho = 0010000;   ///< Output is being flushed (not implemented).
inline constexpr TermiosFlags kPendin = 0040000;   ///< Reprint pending input (not implemented).
inline constexpr TermiosFlags kIexten = 0100000;   ///< WERASE, REPRINT, LNEXT, EOL2.
inline constexpr TermiosFlags kExtproc = 0200000;  ///< External processing (not implemented).
}  // namespace lflag

/// ioctl requests a terminal answers (Linux x86_64 numbers).
namespace tty_ioctl {
inline constexpr std::uint32_t kTcgets = 0x5401;      ///< arg: Termios* (out).
inline constexpr std::uint32_t kTcsets = 0x5402;      ///< arg: const Termios*; now.
inline constexpr std::uint32_t kTcsetsw = 0x5403;     ///< Same, after output drained.
inline constexpr std::uint32_t kTcsetsf = 0x5404;     ///< Same, drained, input flushed.
inline constexpr std::uint32_t kTcsbrk = 0x5409;      ///< arg nonzero: tcdrain; 0: a break.
inline constexpr std::uint32_t kTcflsh = 0x540B;      ///< arg: kTciflush/kTcoflush/kTcioflush.
inline constexpr std::uint32_t kTiocgpgrp = 0x540F;   ///< arg: int32_t* (out).
inline constexpr std::uint32_t kTiocspgrp = 0x5410;   ///< arg: const int32_t*.
inline constexpr std::uint32_t kTiocgwinsz = 0x5413;  ///< arg: WindowSize* (out).
inline constexpr std::uint32_t kTiocswinsz = 0x5414;  ///< arg: const WindowSize*.
inline constexpr std::uint32_t kFionread = 0x541B;    ///< TIOCINQ; arg: int32_t* (out).
}  // namespace tty_ioctl

/// TCFLSH arguments.
inline constexpr std::uintptr_t kTciflush = 0;   ///< Discard unread input.
inline constexpr std::uintptr_t kTcoflush = 1;   ///< Discard unsent output.
inline constexpr std::uintptr_t kTcioflush = 2;  ///< Both.

/// Signal numbers a terminal raises (Linux x86_64).
namespace tty_signal {
inline constexpr int kSigint = 2;     ///< SIGINT, from VINTR.
inline constexpr int kSigquit = 3;    ///< SIGQUIT, from VQUIT.
inline constexpr int kSigtstp = 20;   ///< SIGTSTP, from VSUSP.
inline constexpr int kSigwinch = 28;  ///< SIGWINCH, when TIOCSWINSZ changes the size.
}  // namespace tty_signal

/// Linux's defaults for a new terminal (tty_std_termios): canonical, echoing, signals on,
/// CR -> NL on input, NL -> CR NL on output, ^C ^\ ^? ^U ^D, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V.
inline constexpr Termios kDefaultTermios = {
    .c_iflag = iflag::kIcrnl | iflag::kIxon,
    .c_oflag = oflag::kOpost | oflag::kOnlcr,
    .c_cflag = cflag::kB38400 | cflag::kCs8 | cflag::kCread | cflag::kHupcl,
    .c_lflag = lflag::kIsig | lflag::kIcanon | lflag::kEcho | lflag::kEchoe | lflag::kEchok |
               lflag::kEchoctl | lflag::kEchoke | lflag::kIexten,
    .c_line = 0,
    .c_cc = {003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
};

/// cfmakeraw applied to `t`: no input or output processing, no echo, no signals, VMIN 1,
/// VTIME 0.
constexpr Termios make_raw(Termios t) noexcept {
  t.c_iflag &= ~(iflag::kIgnbrk | iflag::kBrkint | iflag::kParmrk | iflag::kIstrip | iflag::kInlcr |
                 iflag::kIgncr | iflag::kIcrnl | iflag::kIxon);
  t.c_oflag &= ~oflag::kOpost;
  t.c_lflag &= ~(lflag::kEcho | lflag::kEchonl | lflag::kIcanon | lflag::kIsig | lflag::kIexten);
  t.c_cflag = (t.c_cflag & ~(cflag::kCsize | cflag::kParenb)) | cflag::kCs8;
  t.c_cc[cc::kVmin] = 1;
  t.c_cc[cc::kVtime] = 0;
  return t;
}

}  // namespace mos::drv
