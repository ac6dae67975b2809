#pragma once
/// A terminal: Linux's N_TTY line discipline between an input driver (a CharacterSink feeding
/// receive()) and a TerminalOutput, presented as a character device (vfs::Device) for devfs
/// (/dev/ttyS0, /dev/tty1, ...). [posix termios] "General Terminal Interface"
///
/// - Input (receive, any context including interrupt handlers): ISTRIP, IGNCR/ICRNL/INLCR;
///   with ISIG, INTR/QUIT/SUSP raise SIGINT/SIGQUIT/SIGTSTP through the TtySignalTarget and,
///   unless NOFLSH, flush both queues; with ICANON, line editing: ERASE, WERASE and LNEXT and
///   REPRINT (IEXTEN), KILL, EOF (end of file at the start of a line, else pushes the partial
///   line without a delimiter), NL, EOL, EOL2; echo with ECHO, ECHOE, ECHOK, ECHOKE, ECHONL,
///   ECHOCTL (^X). Echo never waits: it goes to TerminalOutput::output, and what does not fit
///   is dropped and counted.
/// - Flow control: a driver that offers its input (CharacterSink::offer, a UART) is held back
///   when the input queue is full and a reader can take something from it; a read that makes
///   room calls it back. A canonical line that fills the queue alone cannot be held back (its
///   reader waits for the end of it), so, as with receive(), what does not fit is dropped.
/// - Output (write, threads): OPOST with ONLCR, OCRNL, ONOCR, ONLRET, TAB3. A full output
///   blocks the writer, or gives a short count / Error::TryAgain with O_NONBLOCK.
/// - read: canonical mode returns at most one line (waiting for one); non-canonical mode follows
///   VMIN/VTIME as Linux does. O_NONBLOCK gives Error::TryAgain where a read would wait (but
///   VMIN = VTIME = 0 returns 0 at once, as on Linux).
/// - control: TCGETS, TCSETS, TCSETSW, TCSETSF, TCFLSH, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP,
///   TIOCSPGRP, FIONREAD, with the argument a pointer in the caller's (kernel) address space;
///   anything else is Error::NotTerminal.
///
/// Locking: `lock_` (a SpinLock, interrupts off) guards the line-discipline state, so the input
/// path is safe in interrupt handlers. Order: the scheduler lock, then `lock_`, then the output
/// device's own lock. The signal target is called, and readers are woken, after `lock_` is
/// dropped. Writers are serialised by a sched::Mutex so that their output does not interleave.

#include <drv/termios.hpp>
#include <drv/tty_interfaces.hpp>

#include <vfs/device.hpp>

#include <ipc/object.hpp>

#include <sched/mutex.hpp>
#include <sched/wait_queue.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/ring_buffer.hpp>
#include <k/spin_lock.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::drv {

/// What a terminal has counted.
struct TtyStats {
  std::uint64_t received = 0;       ///< Characters given to receive().
  std::uint64_t input_dropped = 0;  ///< Dropped because the input queue was full.
  std::uint64_t echo_dropped = 0;   ///< Echo bytes the output had no room for.
  std::uint64_t signals = 0;        ///< Signals raised by INTR, QUIT and SUSP.
};

/// See the file comment.
class Tty final : public vfs::Device, public CharacterSink {
 public:
  /// Characters the input queue holds, the line being edited included (N_TTY_BUF_SIZE).
  static constexpr std::size_t kInputCapacity = 4096;

  /// When a termios change takes effect (TCSETS, TCSETSW, TCSETSF).
  enum class When : std::uint8_t {
    Now,         ///< At once.
    Drain,       ///< After the output queued so far has been sent.
    DrainFlush,  ///< After that, and unread input is discarded.
  };
  /// Which queue flush() discards (TCFLSH).
  enum class Queue : std::uint8_t { Input, Output, Both };

  /// A terminal writing to `output`, which must outlive it. Error::NoMemory.
  static Result<RefPtr<Tty>> create(TerminalOutput& output,
                                    const Termios& termios = kDefaultTermios,
                                    const WindowSize& size = {24, 80, 0, 0}) noexcept;

  /// Where INTR, QUIT, SUSP and window-size changes are signalled (nullptr: nowhere). The
  /// target must outlive its attachment.
  void set_signal_target(TtySignalTarget* target) noexcept;

  /// Calls `hook` once, the first time a reader has to wait for input: the PC's serial console
  /// tells the test harness it may start typing (platform::console_announce_input), so that
  /// nothing typed ahead meets a terminal whose reader has not set it up yet.
  void set_first_wait_hook(void (*hook)() noexcept) noexcept { first_wait_hook_ = hook; }

  /// CharacterSink: processes received characters; see the file comment. Interrupt-safe.
  void receive(std::span<const char> characters) noexcept override;
  /// CharacterSink: processes received characters until the input queue is full while a reader
  /// can take from it; returns how many it took, and calls `source` back once a read has made
  /// room (see the file comment). Interrupt-safe.
  std::size_t offer(std::span<const char> characters, InputSource& source) noexcept override;
  /// One received character.
  void receive(char c) noexcept { receive(std::span<const char>(&c, 1)); }
  /// Input to process once the tty lets go of its lock: for an output device that answers a
  /// query while the tty writes to it (a terminal's cursor-position report), which must not
  /// feed the tty from inside its output call. Bytes beyond kDeferredBytes pending are dropped.
  /// Interrupt-safe.
  void receive_deferred(std::span<const char> characters) noexcept;
  /// How many bytes receive_deferred holds at most.
  static constexpr std::size_t kDeferredBytes = 64;

  /// vfs::Device: see the file comment. `flags` are the open file's (O_NONBLOCK).
  Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out,
                           std::uint32_t flags) noexcept override;
  /// vfs::Device: writes through the output processing.
  Result<std::size_t> write(std::uint64_t offset, std::span<const std::byte> data,
                            std::uint32_t flags) noexcept override;
  /// vfs::Device: the terminal ioctls; see the file comment.
  Result<std::int64_t> control(std::uint32_t request, std::uintptr_t argument) noexcept override;
  /// vfs::Device: Readable when a read would not wait, Writable when the output has room.
  ipc::PollEvents poll() noexcept override;
  /// vfs::Device: a terminal has no offset (Error::IllegalSeek).
  Result<std::int64_t> seek(std::int64_t position, std::int64_t offset,
                            vfs::Whence whence) noexcept override;

  /// The current settings.
  Termios termios() const noexcept;
  /// Changes the settings (see When). Switching to non-canonical mode makes the partial line
  /// readable; switching to canonical mode makes what is unread one line (as Linux does).
  Result<void> set_termios(const Termios& termios, When when) noexcept;
  /// The window size.
  WindowSize window_size() const noexcept;
  /// Sets the window size; a change signals SIGWINCH to the foreground group.
  void set_window_size(const WindowSize& size) noexcept;
  /// The foreground process group (0: none set). Policy (sessions, permissions) is libposix's.
  std::int32_t foreground_group() const noexcept;
  /// Stores the foreground process group. Error::InvalidArgument if negative.
  Result<void> set_foreground_group(std::int32_t group) noexcept;
  /// Bytes a read could return now (FIONREAD): complete lines in canonical mode.
  std::size_t readable_bytes() const noexcept;
  /// Discards queued input, output or both.
  void flush(Queue queue) noexcept;
  /// Waits until the output device has sent everything written so far (tcdrain), until
  /// `deadline` at most (Error::TimedOut).
  Result<void> drain(sched::Deadline deadline = sched::Deadline::never()) noexcept {
    return output_.drain(deadline);
  }
  /// A snapshot of the counters.
  TtyStats stats() const noexcept;

 private:
  // An entry of the input queue: a character, whether it ends a line (canonical reads stop
  // after it), and whether it is only an end-of-file mark (never returned).
  struct InputByte {
    char ch;
    std::uint8_t flags;
  };
  static constexpr std::uint8_t kDelimiter = 1;
  static constexpr std::uint8_t kEofMark = 2;
  // Output bytes one character can become (a tab expanded to spaces).
  static constexpr std::size_t kMaxExpansion = 8;
  static constexpr std::size_t kEchoBuffer = 256;
  // Room a read must have made before held-back input is let in again: a few lines' worth, so
  // that a reader of single bytes does not call the driver back for each.
  static constexpr std::size_t kResumeRoom = 256;
  enum class EraseKind : std::uint8_t { Erase, WordErase, Kill };

  Tty(TerminalOutput& output, const Termios& termios, const WindowSize& size) noexcept
      : output_(output), termios_(termios), size_(size) {}

  // Input processing (line_discipline.cpp). Each returns whether a reader may have something
  // new; `signal` is set to a signal to raise.
  bool receive_one_locked(std::uint8_t c, int& signal) noexcept;
  bool canonical_special_locked(std::uint8_t c, bool& handled) noexcept;
  bool store_locked(std::uint8_t c) noexcept;
  bool commit_line_locked(std::uint8_t delimiter, std::uint8_t flags) noexcept;
  void erase_locked(EraseKind kind, std::uint8_t typed) noexcept;
  void flush_input_locked() noexcept;
  void canonical_changed_locked(bool canonical) noexcept;
  std::size_t line_column_locked(std::size_t length) const noexcept;

  // Echo and output processing (tty_output.cpp).
  void echo_char_locked(std::uint8_t c) noexcept;
  void echo_raw_locked(std::uint8_t c) noexcept;
  void echo_processed_locked(std::uint8_t c) noexcept;
  void echo_flush_locked() noexcept;
  std::size_t translate_locked(std::uint8_t c, char* out) noexcept;
  void track_column_locked(std::uint8_t c) noexcept;

  // Reading (tty.cpp): read() is read_input() then resume_held_input(), which must run outside
  // the scheduler lock that read_input() holds.
  Result<std::size_t> read_input(std::span<char> out, bool nonblocking) noexcept;
  void resume_held_input() noexcept;
  bool readable_locked() const noexcept;
  std::size_t copy_line_locked(std::span<char> out, bool& finished) noexcept;
  std::size_t copy_raw_locked(std::span<char> out) noexcept;
  std::size_t available_locked() const noexcept;
  void wake_readers() noexcept;
  void raise(int signal) noexcept;
  // Input processing without the deferred bytes, and their delivery (line_discipline.cpp).
  // With a `source`, stops where the input must be held back and returns how many it took.
  std::size_t receive_now(std::span<const char> characters, InputSource* source) noexcept;
  bool must_hold_locked() const noexcept;
  void deliver_deferred() noexcept;

  TerminalOutput& output_;
  sched::Mutex write_lock_;   // One writer at a time.
  sched::WaitQueue readers_;  // Threads waiting in read(); under the scheduler lock.

  // Guards the two below. Taken inside lock_ (a reply arrives during output), so lock_ is
  // never taken while it is held.
  SpinLock deferred_lock_;
  char deferred_[kDeferredBytes] = {};
  std::size_t deferred_size_ = 0;

  mutable SpinLock lock_;  // Guards every member below.
  TtySignalTarget* signal_target_ = nullptr;
  InputSource* held_source_ = nullptr;  // Held back by offer(); to call when there is room.
  void (*first_wait_hook_)() noexcept = nullptr;  // Taken by the first wait (scheduler lock).
  Termios termios_;
  WindowSize size_;
  std::int32_t foreground_ = 0;
  RingBuffer<InputByte, kInputCapacity> queue_;  // Committed input: what reads take.
  std::size_t lines_ = 0;                        // Entries of queue_ with kDelimiter.
  std::size_t eof_marks_ = 0;                    // Entries of queue_ with kEofMark.
  char line_[kInputCapacity];                    // The line being edited (canonical mode).
  std::size_t line_length_ = 0;
  bool literal_next_ = false;     // LNEXT was typed: the next character is ordinary.
  std::size_t column_ = 0;        // The output column, for tabs and erasing them.
  std::size_t canon_column_ = 0;  // The column where the edited line starts.
  char echo_[kEchoBuffer];        // Echo of the characters being received, sent at the end.
  std::size_t echo_length_ = 0;
  TtyStats stats_;
};

}  // namespace mos::drv
