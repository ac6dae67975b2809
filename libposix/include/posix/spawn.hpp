#pragma once
/// What posix_spawn applies to a new process before its program runs: file actions (open,
/// close, dup2, chdir, in order) and attributes (process group, session, signal mask and
/// defaults, ids).

#include <posix/signals.hpp>

#include <vfs/types.hpp>

#include <k/result.hpp>

#include <cstdint>
#include <string_view>

namespace mos::posix {

/// One file action.
struct SpawnFileAction {
  enum class Kind : std::uint8_t { Open, Close, Dup2, Chdir, Fchdir } kind = Kind::Close;
  int fd = -1;           ///< Open: where; Close, Fchdir: which; Dup2: the source.
  int new_fd = -1;       ///< Dup2: the target.
  char* path = nullptr;  ///< Open, Chdir: a malloc'd copy.
  std::uint32_t flags = 0;
  vfs::Mode mode = 0;
};

/// An ordered list of file actions (posix_spawn_file_actions_t). Not copyable.
class SpawnFileActions {
 public:
  SpawnFileActions() noexcept = default;
  ~SpawnFileActions();
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;

  /// Each appends an action; Error::NoMemory, Error::BadFileDescriptor for a negative fd.
  Result<void> add_open(int fd, std::string_view path, std::uint32_t flags,
                        vfs::Mode mode) noexcept;
  Result<void> add_close(int fd) noexcept;
  Result<void> add_dup2(int fd, int new_fd) noexcept;
  Result<void> add_chdir(std::string_view path) noexcept;
  Result<void> add_fchdir(int fd) noexcept;

  const SpawnFileAction* begin() const noexcept { return actions_; }
  const SpawnFileAction* end() const noexcept { return actions_ + count_; }

 private:
  Result<SpawnFileAction*> append() noexcept;
  Result<SpawnFileAction*> append_with_path(std::string_view path) noexcept;
  SpawnFileAction* actions_ = nullptr;
  std::size_t count_ = 0;
  std::size_t capacity_ = 0;
};

/// POSIX_SPAWN_* flags (glibc's values).
namespace spawn_flags {
inline constexpr std::uint16_t kResetIds = 0x01, kSetGroup = 0x02, kSetSignalDefaults = 0x04,
                               kSetSignalMask = 0x08, kSetSchedParam = 0x10, kSetScheduler = 0x20,
                               kUseVfork = 0x40, kSetSession = 0x80;
}  // namespace spawn_flags

/// posix_spawnattr_t's contents.
struct SpawnAttributes {
  std::uint16_t flags = 0;
  std::int32_t group = 0;  ///< kSetGroup: 0 makes the child a group leader.
  SignalSet mask;          ///< kSetSignalMask.
  SignalSet defaults;      ///< kSetSignalDefaults: these go back to SIG_DFL.
};

}  // namespace mos::posix
