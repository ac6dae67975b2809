// Device interrupts on a PC (libk's device-interrupt contract): ISA lines through the I/O APIC
// as the MADT wires them, message-signalled interrupts straight to the local APIC, both on
// vectors 0x40..0xef handed out from a bitmap. Each vector's handler runs, then the EOI, then
// the exit hook (libsched's preemption point), so a thread a device woke runs at once.
// [intel-sdm vol3] 11.11 (MSI address and data); [82093AA] 3.2.4; [acpi] 5.2.12.5
#include <k/log.hpp>
#include <k/platform/device_interrupts.hpp>
#include <k/spin_lock.hpp>

#include "apic.hpp"
#include "interrupts.hpp"

#include <atomic>

namespace mos::platform {
namespace {

constexpr std::uint8_t kFirstDeviceVector = 0x40;
constexpr std::uint8_t kLastDeviceVector = 0xef;
constexpr std::uint64_t kMsiAddressBase = 0xfee00000;
constexpr std::uint8_t kIsaIrqs = 16;

struct VectorEntry {
  std::atomic<DeviceInterruptHandler> handler{nullptr};
  std::atomic<void*> context{nullptr};
  bool taken = false;
  std::int16_t isa_irq = -1;  // The ISA line routed here, if any (to mask it on release).
};

struct X86DeviceInterrupts {
  static inline SpinLock lock_;
  static inline VectorEntry vectors_[256];
  static inline std::int16_t isa_vector_[kIsaIrqs] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                      -1, -1, -1, -1, -1, -1, -1, -1};
  static inline std::atomic<InterruptExitHook> exit_hook_{nullptr};

  static void dispatch(std::uint8_t vector) noexcept {
    VectorEntry& entry = vectors_[vector];
    if (DeviceInterruptHandler handler = entry.handler.load(std::memory_order_acquire)) {
      handler(entry.context.load(std::memory_order_relaxed));
    }
    // The EOI first: the hook may switch to another thread for a long while.
    x86_64::interrupt_controllers().local.eoi();
    if (InterruptExitHook hook = exit_hook_.load(std::memory_order_acquire)) hook();
  }

  // Takes a free vector for handler(context); the lock is held.
  static Result<std::uint8_t> take_vector(DeviceInterruptHandler handler, void* context) noexcept {
    for (unsigned v = kFirstDeviceVector; v <= kLastDeviceVector; ++v) {
      VectorEntry& entry = vectors_[v];
      if (entry.taken) continue;
      entry.taken = true;
      entry.context.store(context, std::memory_order_relaxed);
      entry.handler.store(handler, std::memory_order_release);
      x86_64::set_interrupt_handler(static_cast<std::uint8_t>(v), &dispatch);
      return static_cast<std::uint8_t>(v);
    }
    return Error::NoBufferSpace;
  }

  static Result<std::uint8_t> route_isa(std::uint8_t irq, DeviceInterruptHandler handler,
                                        void* context) noexcept {
    if (irq >= kIsaIrqs || handler == nullptr) return Error::InvalidArgument;
    x86_64::InterruptControllers& controllers = x86_64::interrupt_controllers();
    if (!controllers.ready) return Error::NoDevice;  // timer_init has not found the APICs.
    const x86_64::IrqOverride wiring = controllers.madt.isa_irq(irq);
    x86_64::InterruptControllers::IoApicInput* serving = nullptr;
    for (auto& io : controllers.io_apics) {
      if (wiring.gsi >= io.gsi_base && wiring.gsi < io.gsi_base + io.inputs) serving = &io;
    }
    if (serving == nullptr) return Error::NoDevice;
    SpinLockGuard guard(lock_);
    if (isa_vector_[irq] >= 0) return Error::Busy;
    const std::uint8_t vector = MOS_TRY(take_vector(handler, context));
    vectors_[vector].isa_irq = irq;
    isa_vector_[irq] = vector;
    using IoApic = x86_64::IoApic;
    serving->io_apic.route(wiring.gsi - serving->gsi_base, vector,
                           wiring.active_low ? IoApic::Polarity::ActiveLow
                                             : IoApic::Polarity::ActiveHigh,
                           wiring.level_triggered ? IoApic::Trigger::Level : IoApic::Trigger::Edge,
                           static_cast<std::uint8_t>(controllers.local.id()));
    log::debug("interrupts: ISA IRQ {} -> GSI {} -> vector {:#x}", irq, wiring.gsi, vector);
    return vector;
  }

  static Result<MessageRoute> route_message(DeviceInterruptHandler handler,
                                            void* context) noexcept {
    if (handler == nullptr) return Error::InvalidArgument;
    x86_64::InterruptControllers& controllers = x86_64::interrupt_controllers();
    if (!controllers.ready) return Error::NoDevice;
    SpinLockGuard guard(lock_);
    const std::uint8_t vector = MOS_TRY(take_vector(handler, context));
    // Address: 0xfee, destination APIC id in 19:12, physical mode. Data: edge, fixed, vector.
    MessageRoute route;
    route.address = kMsiAddressBase | (std::uint64_t{controllers.local.id()} << 12);
    route.data = vector;
    route.vector = vector;
    return route;
  }

  static void release(std::uint8_t vector) noexcept {
    if (vector < kFirstDeviceVector || vector > kLastDeviceVector) return;
    SpinLockGuard guard(lock_);
    VectorEntry& entry = vectors_[vector];
    if (!entry.taken) return;
    if (entry.isa_irq >= 0) {
      x86_64::InterruptControllers& controllers = x86_64::interrupt_controllers();
      const std::uint32_t gsi =
          controllers.madt.isa_irq(static_cast<std::uint8_t>(entry.isa_irq)).gsi;
      for (auto& io : controllers.io_apics) {
        if (gsi >= io.gsi_base && gsi < io.gsi_base + io.inputs) io.io_apic.mask(gsi - io.gsi_base);
      }
      isa_vector_[entry.isa_irq] = -1;
      entry.isa_irq = -1;
    }
    // The vector keeps a handler that only acknowledges: an interrupt its device had already
    // sent may still arrive, and without an EOI it would block every vector below it, the
    // timer's included.
    entry.handler.store(nullptr, std::memory_order_release);
    entry.taken = false;
  }

  static void set_exit_hook(InterruptExitHook hook) noexcept {
    exit_hook_.store(hook, std::memory_order_release);
  }
};
static_assert(DeviceInterruptRouting<X86DeviceInterrupts>);

}  // namespace

Result<std::uint8_t> route_isa_interrupt(std::uint8_t irq, DeviceInterruptHandler handler,
                                         void* context) noexcept {
  return X86DeviceInterrupts::route_isa(irq, handler, context);
}
Result<MessageRoute> route_message_interrupt(DeviceInterruptHandler handler,
                                             void* context) noexcept {
  return X86DeviceInterrupts::route_message(handler, context);
}
void release_interrupt(std::uint8_t vector) noexcept { X86DeviceInterrupts::release(vector); }
void set_interrupt_exit_hook(InterruptExitHook hook) noexcept {
  X86DeviceInterrupts::set_exit_hook(hook);
}

}  // namespace mos::platform
