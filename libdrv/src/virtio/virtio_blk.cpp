// virtio-blk. [virtio-1.1] 5.2
#include <drv/virtio_blk.hpp>

#include <k/log.hpp>
#include <k/scope_guard.hpp>
#include <k/string.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <new>

namespace mos::drv {

namespace {

// The header page: the request header at 0, the status byte after it.
constexpr std::size_t kHeaderBytes = sizeof(virtio_blk::RequestHeader);
constexpr std::size_t kHeaderPage = 64;
// What the status byte holds until the device writes it.
constexpr std::uint8_t kStatusUnset = 0xff;

bool is_virtio_blk(const PciFunction& f) noexcept {
  return f.vendor_id == virtio::kPciVendor &&
         (f.device_id == virtio_blk::kPciTransitional || f.device_id == virtio_blk::kPciModern);
}

}  // namespace

Result<RefPtr<VirtioBlk>> VirtioBlk::create(PciConfigSpace& config, const PciFunction& function,
                                            MmioMapper& mapper, DmaMemory& dma,
                                            const VirtioBlkOptions& options) noexcept {
  if (!is_virtio_blk(function)) return Error::NoDevice;
  auto transport = MOS_TRY(VirtioPciTransport::create(config, function, mapper));
  auto* blk = new (std::nothrow) VirtioBlk(transport, dma);
  if (blk == nullptr) return Error::NoMemory;
  auto device = RefPtr<VirtioBlk>::adopt(blk);
  if (auto started = blk->start(options); !started) {
    blk->transport_.fail();
    return started.error();
  }
  return device;
}

Result<void> VirtioBlk::start(const VirtioBlkOptions& options) noexcept {
  started_ = true;  // From here on the destructor resets the device.
  features_ = MOS_TRY(transport_.negotiate(kSupportedFeatures));
  capacity_ = MOS_TRY(transport_.read_device_config(virtio_blk::kConfigCapacity, 8));
  read_only_ = (features_ & virtio_blk::kReadOnly) != 0;
  if (features_ & virtio_blk::kBlockSize) {
    const auto size = MOS_TRY(transport_.read_device_config(virtio_blk::kConfigBlockSize, 4));
    // Only a hint for callers; requests stay in 512-byte sectors either way.
    if (size >= kSectorSize && std::has_single_bit(size)) block_size_ = static_cast<std::uint32_t>(size);
  }
  if (features_ & virtio_blk::kSizeMax) {
    segment_bytes_ =
        static_cast<std::uint32_t>(MOS_TRY(transport_.read_device_config(virtio_blk::kConfigSizeMax, 4)));
  }
  std::uint32_t segments = kMaxSegments;
  if (features_ & virtio_blk::kSegMax) {
    const auto seg_max = MOS_TRY(transport_.read_device_config(virtio_blk::kConfigSegMax, 4));
    if (seg_max != 0) segments = std::min<std::uint32_t>(segments, static_cast<std::uint32_t>(seg_max));
  }

  const std::uint16_t device_max = MOS_TRY(transport_.queue_max_size(0));
  const auto wanted = std::min<std::uint32_t>({device_max, options.queue_size, Virtqueue::kMaxSize});
  // Split rings have power-of-two sizes; a request needs a header, data and status descriptor.
  const auto queue_size = static_cast<std::uint16_t>(std::bit_floor(wanted));
  if (queue_size < 4) return Error::NotSupported;
  max_segments_ = std::min<std::uint32_t>(segments, queue_size - 2u);

  std::uint64_t limit = options.max_request_bytes;
  if (segment_bytes_ != 0) limit = std::min<std::uint64_t>(limit, std::uint64_t{segment_bytes_} * max_segments_);
  max_request_ = static_cast<std::uint32_t>(align_down(limit, kSectorSize));
  if (max_request_ == 0) {
    log::warn("virtio-blk: size_max {} x seg_max {} cannot carry one sector", segment_bytes_,
              max_segments_);
    return Error::NotSupported;
  }

  MOS_TRY(queue_.init(dma_, transport_, 0, queue_size));
  if (options.interrupts == VirtioBlkOptions::Interrupts::Msix) {
    MOS_TRY(transport_.set_config_vector(options.config_vector));
    MOS_TRY(transport_.enable_queue(queue_, options.queue_vector));
  } else {
    MOS_TRY(transport_.enable_queue(queue_, virtio::kNoVector));
  }
  transport_.driver_ok();
  return {};
}

VirtioBlk::~VirtioBlk() {
  // The device must stop using the rings before queue_ frees them.
  if (started_) (void)transport_.reset();
}

bool VirtioBlk::on_interrupt() noexcept {
  const std::uint8_t isr = transport_.read_isr();
  if (isr & virtio::isr::kQueue) queue_.process_used();
  return isr != 0;
}

Result<void> VirtioBlk::request(std::uint32_t type, std::uint64_t sector, const DmaRegion& header,
                                const DmaRegion& data, std::uint32_t bytes) noexcept {
  auto* h = reinterpret_cast<virtio_blk::RequestHeader*>(header.virt);
  *h = {type, 0, sector};
  auto* status = reinterpret_cast<volatile std::uint8_t*>(header.virt + kHeaderBytes);
  *status = kStatusUnset;

  std::array<VirtqBuffer, kMaxSegments + 2> chain;
  std::size_t n = 0;
  chain[n++] = {header.phys, static_cast<std::uint32_t>(kHeaderBytes), VirtqDirection::ToDevice};
  const auto direction =
      type == virtio_blk::kTypeIn ? VirtqDirection::FromDevice : VirtqDirection::ToDevice;
  for (std::uint32_t offset = 0; offset < bytes;) {
    std::uint32_t piece = bytes - offset;
    if (segment_bytes_ != 0) piece = std::min(piece, segment_bytes_);
    chain[n++] = {data.phys + offset, piece, direction};
    offset += piece;
  }
  chain[n++] = {header.phys + kHeaderBytes, 1, VirtqDirection::FromDevice};
  MOS_TRY(queue_.transfer(std::span<const VirtqBuffer>(chain.data(), n)));
  switch (*status) {
    case virtio_blk::kStatusOk: return {};
    case virtio_blk::kStatusIoErr: return Error::Io;
    case virtio_blk::kStatusUnsupported: return Error::NotSupported;
    default: return Error::Protocol;  // Unset, or a value the specification does not have.
  }
}

Result<void> VirtioBlk::read(std::uint64_t first_sector, std::span<std::byte> out) noexcept {
  MOS_TRY(check_request(first_sector, out.size()));
  if (out.empty()) return {};
  const DmaRegion header = MOS_TRY(dma_.allocate(kHeaderPage));
  ScopeGuard free_header([&] { dma_.free(header); });
  const DmaRegion data = MOS_TRY(dma_.allocate(std::min<std::size_t>(out.size(), max_request_)));
  ScopeGuard free_data([&] { dma_.free(data); });
  for (std::size_t done = 0; done < out.size();) {
    const auto bytes = static_cast<std::uint32_t>(std::min<std::size_t>(out.size() - done, max_request_));
    MOS_TRY(request(virtio_blk::kTypeIn, first_sector + done / kSectorSize, header, data, bytes));
    memory_copy(out.data() + done, data.virt, bytes);
    done += bytes;
  }
  return {};
}

Result<void> VirtioBlk::write(std::uint64_t first_sector, std::span<const std::byte> data_in) noexcept {
  if (read_only_) return Error::ReadOnlyFileSystem;
  MOS_TRY(check_request(first_sector, data_in.size()));
  if (data_in.empty()) return {};
  const DmaRegion header = MOS_TRY(dma_.allocate(kHeaderPage));
  ScopeGuard free_header([&] { dma_.free(header); });
  const DmaRegion data = MOS_TRY(dma_.allocate(std::min<std::size_t>(data_in.size(), max_request_)));
  ScopeGuard free_data([&] { dma_.free(data); });
  for (std::size_t done = 0; done < data_in.size();) {
    const auto bytes = static_cast<std::uint32_t>(std::min<std::size_t>(data_in.size() - done, max_request_));
    memory_copy(data.virt, data_in.data() + done, bytes);
    MOS_TRY(request(virtio_blk::kTypeOut, first_sector + done / kSectorSize, header, data, bytes));
    done += bytes;
  }
  return {};
}

Result<void> VirtioBlk::flush() noexcept {
  // Without VIRTIO_BLK_F_FLUSH the device has no write cache to flush. [virtio-1.1] 5.2.6.2
  if ((features_ & virtio_blk::kFlush) == 0) return {};
  const DmaRegion header = MOS_TRY(dma_.allocate(kHeaderPage));
  ScopeGuard free_header([&] { dma_.free(header); });
  return request(virtio_blk::kTypeFlush, 0, header, DmaRegion{}, 0);
}

}  // namespace mos::drv
