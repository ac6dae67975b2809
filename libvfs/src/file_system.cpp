#include <vfs/file_system.hpp>

#include <atomic>

namespace mos::vfs {
namespace {

// Anonymous device numbers (major 0), as Linux gives file systems without a disk. Never reused:
// 2^20 minors outlast any realistic number of mounts in one boot.
std::atomic<std::uint32_t> g_next_anonymous_minor{1};

}  // namespace

FileSystem::FileSystem(bool read_only) noexcept
    : device_{0, g_next_anonymous_minor.fetch_add(1, std::memory_order_relaxed)},
      read_only_(read_only) {}

FileSystem::~FileSystem() = default;

}  // namespace mos::vfs
