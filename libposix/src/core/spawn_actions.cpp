#include <posix/spawn.hpp>

#include "strings.hpp"

namespace mos::posix {

using detail::copy_string;

SpawnFileActions::~SpawnFileActions() {
  for (std::size_t i = 0; i < count_; ++i) delete[] actions_[i].path;
  delete[] actions_;
}

Result<SpawnFileAction*> SpawnFileActions::append() noexcept {
  if (count_ == capacity_) {
    const std::size_t capacity = capacity_ == 0 ? 4 : capacity_ * 2;
    MOS_TRY(detail::grow_array(actions_, count_, capacity));
    capacity_ = capacity;
  }
  SpawnFileAction* action = &actions_[count_++];
  *action = SpawnFileAction{};
  return action;
}

Result<SpawnFileAction*> SpawnFileActions::append_with_path(std::string_view path) noexcept {
  char* copy = MOS_TRY(copy_string(path));
  auto appended = append();
  if (!appended) {
    delete[] copy;
    return appended.error();
  }
  (*appended)->path = copy;
  return *appended;
}

Result<void> SpawnFileActions::add_open(int fd, std::string_view path, std::uint32_t flags,
                                        vfs::Mode mode) noexcept {
  if (fd < 0) return Error::BadFileDescriptor;
  SpawnFileAction* action = MOS_TRY(append_with_path(path));
  action->kind = SpawnFileAction::Kind::Open;
  action->fd = fd;
  action->flags = flags;
  action->mode = mode;
  return {};
}

Result<void> SpawnFileActions::add_close(int fd) noexcept {
  if (fd < 0) return Error::BadFileDescriptor;
  SpawnFileAction* action = MOS_TRY(append());
  action->kind = SpawnFileAction::Kind::Close;
  action->fd = fd;
  return {};
}

Result<void> SpawnFileActions::add_dup2(int fd, int new_fd) noexcept {
  if (fd < 0 || new_fd < 0) return Error::BadFileDescriptor;
  SpawnFileAction* action = MOS_TRY(append());
  action->kind = SpawnFileAction::Kind::Dup2;
  action->fd = fd;
  action->new_fd = new_fd;
  return {};
}

Result<void> SpawnFileActions::add_chdir(std::string_view path) noexcept {
  SpawnFileAction* action = MOS_TRY(append_with_path(path));
  action->kind = SpawnFileAction::Kind::Chdir;
  return {};
}

Result<void> SpawnFileActions::add_fchdir(int fd) noexcept {
  if (fd < 0) return Error::BadFileDescriptor;
  SpawnFileAction* action = MOS_TRY(append());
  action->kind = SpawnFileAction::Kind::Fchdir;
  action->fd = fd;
  return {};
}

}  // namespace mos::posix
