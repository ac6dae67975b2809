#pragma once
/// Capabilities and handle tables. A capability is an unforgeable reference to an IPC object
/// with rights (rights.hpp). A domain (a process, a group of kernel threads) holds its
/// capabilities in a HandleTable and names them by Handle numbers, which mean nothing outside
/// that table.
///
/// - Every capability but the first one made for an object is derived from another: by
///   duplicating it (with the same or fewer rights) or by sending it over a channel. Revoking a
///   capability revokes it and everything derived from it, wherever those are: each stops
///   working at once (Error::BadFileDescriptor), and operations waiting through one wake up
///   with that error. A capability that goes away (its last handle closed) leaves what was
///   derived from it derived from its own origin.
/// - A capability with Read or Write counts as an endpoint of its object (a pipe's reader or
///   writer) from its creation until it is revoked or its last reference goes.
/// - Using a handle without the right an operation needs is Error::AccessDenied; asking for
///   rights beyond a capability's, or passing one on without Grant, is Error::NotPermitted; a
///   handle number that is not open, was closed, or names a revoked capability is
///   Error::BadFileDescriptor.

#include <ipc/object.hpp>
#include <ipc/rights.hpp>

#include <k/intrusive_list.hpp>
#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::ipc {

/// See the file comment.
class Capability final : public RefCounted, public CancelToken {
 public:
  /// The first capability of `object` (attached with `rights`). Error::NoMemory.
  static Result<RefPtr<Capability>> create(RefPtr<IpcObject> object, Rights rights) noexcept;

  /// A capability derived from this one with `rights` (which must be a subset of this one's:
  /// else Error::NotPermitted). Error::BadFileDescriptor if this one is revoked.
  Result<RefPtr<Capability>> derive(Rights rights) noexcept;

  /// Revokes this capability and everything derived from it; see the file comment.
  void revoke() noexcept;

  /// The object, or nullptr once revoked.
  RefPtr<IpcObject> object() const noexcept { return revoked_ ? RefPtr<IpcObject>() : object_; }
  Rights rights() const noexcept { return rights_; }
  bool revoked() const noexcept { return revoked_; }
  bool cancelled() const noexcept override { return revoked_; }

 private:
  Capability(RefPtr<IpcObject> object, Rights rights, Capability* parent) noexcept;
  ~Capability() override;
  // The last reference went: detaches (unless revoked) and unlinks from the parent.
  void destroy() noexcept override;
  // The next capability after this one in a preorder walk of `root`'s subtree, or nullptr.
  Capability* next_in(const Capability& root) noexcept;

  // Kept after revocation (the capability no longer attaches, and no operation reaches the
  // object through it), so that dropping references never happens under the scheduler lock.
  RefPtr<IpcObject> object_;
  Rights rights_;
  bool revoked_ = false;
  Capability* parent_;  // What it was derived from (re-linked to that one's parent when it goes).
  ListNode sibling_node_;
  IntrusiveList<Capability, &Capability::sibling_node_> children_;
};

/// A handle number: meaningful only in the table that gave it out.
using Handle = std::uint32_t;

/// A domain's capabilities, by handle number. Numbers carry a generation, so a number whose slot
/// was closed and reused does not reach the new capability. Synchronised (a SpinLock).
class HandleTable {
 public:
  /// The most handles a table holds.
  static constexpr std::size_t kMaxCapacity = 4096;

  /// A table of `capacity` slots (1 .. kMaxCapacity). Error::InvalidArgument, Error::NoMemory.
  static Result<HandleTable*> create(std::size_t capacity) noexcept;
  /// Closes every handle and frees the table.
  static void destroy(HandleTable* table) noexcept;
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;

  /// Puts `capability` in a free slot. Error::NoBufferSpace when the table is full.
  Result<Handle> insert(RefPtr<Capability> capability) noexcept;
  /// Makes the first capability of `object` and puts it in the table.
  Result<Handle> create_handle(RefPtr<IpcObject> object, Rights rights) noexcept;
  /// The capability behind `handle`, which must have all of `needed` (Error::AccessDenied) and
  /// be open and not revoked (Error::BadFileDescriptor).
  Result<RefPtr<Capability>> get(Handle handle, Rights needed = Rights::None) const noexcept;
  /// The object behind `handle` as a T (Error::BadFileDescriptor for another kind of object).
  template <class T>
  Result<RefPtr<T>> get_object(Handle handle, Rights needed) const noexcept {
    RefPtr<Capability> capability = MOS_TRY(get(handle, needed));
    RefPtr<IpcObject> object = capability->object();
    if (!object || object->type() != T::kType) return Error::BadFileDescriptor;
    return RefPtr<T>(static_cast<T*>(object.get()));
  }
  /// A new handle derived from `handle` with `rights` (a subset: else Error::NotPermitted).
  Result<Handle> duplicate(Handle handle, Rights rights) noexcept;
  /// Moves a derived copy of `handle` (which needs Grant) into `other`, with `rights`.
  Result<Handle> grant(Handle handle, Rights rights, HandleTable& other) noexcept;
  /// Removes `handle` from the table (its capability lives on where else it is referenced).
  Result<void> close(Handle handle) noexcept;
  /// Revokes the capability behind `handle` and everything derived from it; the handle stays
  /// in the table, useless, until closed. Error::BadFileDescriptor for a handle that is
  /// already revoked (or not open).
  Result<void> revoke(Handle handle) noexcept;
  /// Handles in use.
  std::size_t size() const noexcept;
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Slot {
    Capability* capability = nullptr;  // One reference, or nullptr when free.
    std::uint32_t generation = 1;
  };
  HandleTable(Slot* slots, std::size_t capacity) noexcept : slots_(slots), capacity_(capacity) {}
  ~HandleTable();
  // The slot `handle` names, if its generation matches (lock held).
  const Slot* slot_of(Handle handle) const noexcept;

  Slot* slots_;
  std::size_t capacity_;
  mutable SpinLock lock_;
};

}  // namespace mos::ipc
