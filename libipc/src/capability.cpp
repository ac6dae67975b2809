// Capabilities (the derivation tree and revocation) and handle tables. The tree is kept under
// the scheduler lock, like the objects' states; a reference is never dropped under that lock,
// because dropping the last one detaches from the object, which takes the lock.
#include <ipc/capability.hpp>

#include <new>

namespace mos::ipc {
namespace {

constexpr unsigned kIndexBits = 12;  // 4096 slots.
constexpr Handle kIndexMask = (Handle{1} << kIndexBits) - 1;
static_assert(HandleTable::kMaxCapacity == (std::size_t{1} << kIndexBits));

}  // namespace

Capability::Capability(RefPtr<IpcObject> object, Rights rights, Capability* parent) noexcept
    : object_(static_cast<RefPtr<IpcObject>&&>(object)), rights_(rights), parent_(parent) {}

Capability::~Capability() = default;

Result<RefPtr<Capability>> Capability::create(RefPtr<IpcObject> object, Rights rights) noexcept {
  auto* capability = new (std::nothrow) Capability(static_cast<RefPtr<IpcObject>&&>(object),
                                                   rights, nullptr);
  if (capability == nullptr) return Error::NoMemory;
  capability->object_->attach(rights);
  return RefPtr<Capability>::adopt(capability);
}

Result<RefPtr<Capability>> Capability::derive(Rights rights) noexcept {
  if (!is_subset(rights, rights_)) return Error::NotPermitted;
  auto* child = new (std::nothrow) Capability(object_, rights, this);
  if (child == nullptr) return Error::NoMemory;
  bool linked = false;
  {
    sched::SchedulerGuard guard;
    if (!revoked_) {
      children_.push_back(*child);
      object_->attach_locked(guard, rights);
      linked = true;
    }
  }
  if (!linked) {
    // Never attached, never linked: goes without detaching (and outside the lock).
    child->parent_ = nullptr;
    child->revoked_ = true;
    delete child;
    return Error::BadFileDescriptor;
  }
  return RefPtr<Capability>::adopt(child);
}

Capability* Capability::next_in(const Capability& root) noexcept {
  if (!children_.empty()) return &children_.front();
  for (Capability* node = this; node != &root; node = node->parent_) {
    auto sibling = node->parent_->children_.iterator_to(*node);
    if (++sibling != node->parent_->children_.end()) return &*sibling;
  }
  return nullptr;
}

void Capability::revoke() noexcept {
  sched::SchedulerGuard guard;
  for (Capability* node = this; node != nullptr; node = node->next_in(*this)) {
    if (node->revoked_) continue;
    node->revoked_ = true;
    node->object_->detach_locked(guard, node->rights_);
    // Wakes those waiting through it: they see the revocation and give up.
    node->object_->interrupt_locked(guard);
  }
}

void Capability::destroy() noexcept {
  {
    sched::SchedulerGuard guard;
    if (!revoked_) object_->detach_locked(guard, rights_);
    // The children stay derived from what this one was derived from, so that revoking an
    // ancestor still reaches them (a capability going away must not take its children along,
    // nor keep itself alive, and with it its endpoint, for their sake).
    while (Capability* child = children_.pop_front()) {
      child->parent_ = parent_;
      if (parent_ != nullptr) parent_->children_.push_back(*child);
    }
    if (parent_ != nullptr) parent_->children_.erase(*this);
  }
  delete this;  // Drops the object reference, outside the lock.
}

// --- Handle tables ------------------------------------------------------------------------------

Result<HandleTable*> HandleTable::create(std::size_t capacity) noexcept {
  if (capacity == 0 || capacity > kMaxCapacity) return Error::InvalidArgument;
  auto* slots = new (std::nothrow) Slot[capacity];
  if (slots == nullptr) return Error::NoMemory;
  auto* table = new (std::nothrow) HandleTable(slots, capacity);
  if (table == nullptr) {
    delete[] slots;
    return Error::NoMemory;
  }
  return table;
}

void HandleTable::destroy(HandleTable* table) noexcept { delete table; }

HandleTable::~HandleTable() {
  for (std::size_t i = 0; i < capacity_; ++i) {
    if (slots_[i].capability != nullptr) slots_[i].capability->release();
  }
  delete[] slots_;
}

const HandleTable::Slot* HandleTable::slot_of(Handle handle) const noexcept {
  const std::size_t index = handle & kIndexMask;
  if (index >= capacity_) return nullptr;
  const Slot& slot = slots_[index];
  if (slot.capability == nullptr || slot.generation != (handle >> kIndexBits)) return nullptr;
  return &slot;
}

Result<Handle> HandleTable::insert(RefPtr<Capability> capability) noexcept {
  SpinLockGuard guard(lock_);
  for (std::size_t i = 0; i < capacity_; ++i) {
    Slot& slot = slots_[i];
    if (slot.capability != nullptr) continue;
    slot.capability = capability.leak();
    return static_cast<Handle>((slot.generation << kIndexBits) | i);
  }
  return Error::NoBufferSpace;
}

Result<Handle> HandleTable::create_handle(RefPtr<IpcObject> object, Rights rights) noexcept {
  RefPtr<Capability> capability =
      MOS_TRY(Capability::create(static_cast<RefPtr<IpcObject>&&>(object), rights));
  return insert(static_cast<RefPtr<Capability>&&>(capability));
}

Result<RefPtr<Capability>> HandleTable::get(Handle handle, Rights needed) const noexcept {
  RefPtr<Capability> capability;
  {
    SpinLockGuard guard(lock_);
    const Slot* slot = slot_of(handle);
    if (slot == nullptr) return Error::BadFileDescriptor;
    capability = RefPtr<Capability>(slot->capability);
  }
  if (capability->revoked()) return Error::BadFileDescriptor;
  if (!has(capability->rights(), needed)) return Error::AccessDenied;
  return capability;
}

Result<Handle> HandleTable::duplicate(Handle handle, Rights rights) noexcept {
  RefPtr<Capability> capability = MOS_TRY(get(handle));
  RefPtr<Capability> copy = MOS_TRY(capability->derive(rights));
  return insert(static_cast<RefPtr<Capability>&&>(copy));
}

Result<Handle> HandleTable::grant(Handle handle, Rights rights, HandleTable& other) noexcept {
  RefPtr<Capability> capability = MOS_TRY(get(handle));
  if (!has(capability->rights(), Rights::Grant)) return Error::NotPermitted;
  RefPtr<Capability> copy = MOS_TRY(capability->derive(rights));
  return other.insert(static_cast<RefPtr<Capability>&&>(copy));
}

Result<void> HandleTable::close(Handle handle) noexcept {
  Capability* capability;
  {
    SpinLockGuard guard(lock_);
    const Slot* found = slot_of(handle);
    if (found == nullptr) return Error::BadFileDescriptor;
    Slot& slot = slots_[handle & kIndexMask];
    capability = slot.capability;
    slot.capability = nullptr;
    // The old number never reaches this slot again (until 2^20 closes later).
    if (++slot.generation >= (Handle{1} << (32 - kIndexBits))) slot.generation = 1;
  }
  capability->release();  // Outside the table lock: it may detach from the object.
  return {};
}

Result<void> HandleTable::revoke(Handle handle) noexcept {
  RefPtr<Capability> capability = MOS_TRY(get(handle));
  capability->revoke();
  return {};
}

std::size_t HandleTable::size() const noexcept {
  SpinLockGuard guard(lock_);
  std::size_t used = 0;
  for (std::size_t i = 0; i < capacity_; ++i) used += slots_[i].capability != nullptr ? 1 : 0;
  return used;
}

}  // namespace mos::ipc
