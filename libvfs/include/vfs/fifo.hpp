#pragma once
/// Fifo: what a FIFO node carries while it is open: the libipc pipe every opener shares, and the
/// counts that let an open wait for the other end (POSIX: opening for reading waits for a writer,
/// for writing waits for a reader, unless O_NONBLOCK). The pipe, and what is in it, goes when
/// the last opener closes.

#include <ipc/pipe.hpp>

#include <sched/condition_variable.hpp>
#include <sched/mutex.hpp>

#include <k/ref_ptr.hpp>

#include <cstdint>

namespace mos::vfs {

/// See the file comment. Guarded by `lock`.
struct Fifo {
  sched::Mutex lock;
  sched::ConditionVariable partner_arrived;
  RefPtr<ipc::Pipe> pipe;
  std::uint64_t reader_opens = 0;  ///< Opens for reading so far (a waiting writer watches it).
  std::uint64_t writer_opens = 0;
};

}  // namespace mos::vfs
