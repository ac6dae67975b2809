// tmpfs file contents: pages by index in a tree, allocated (and charged to the file system's
// limit) on first write; a hole reads as zeros. The contents lock is held.
#include "tmp_node.hpp"

#include <k/string.hpp>

#include <new>

namespace mos::vfs {
namespace {

int compare_index(std::uint64_t index, const auto& page) noexcept {
  return index < page.index ? -1 : index > page.index ? 1 : 0;
}

}  // namespace

TmpNode::Page* TmpNode::find_page(std::uint64_t index) noexcept {
  return pages_.find(index, compare_index<Page>);
}

Result<TmpNode::Page*> TmpNode::page_for_write(std::uint64_t index) noexcept {
  if (Page* page = find_page(index)) return page;
  MOS_TRY(fs().charge_pages(1));
  auto* page = new (std::nothrow) Page;
  auto* bytes = page != nullptr ? new (std::nothrow) std::byte[kPageSize] : nullptr;
  if (bytes == nullptr) {
    delete page;
    fs().uncharge_pages(1);
    return Error::NoMemory;
  }
  memory_set(bytes, 0, kPageSize);
  page->index = index;
  page->bytes = bytes;
  pages_.insert(*page);
  return page;
}

void TmpNode::drop_pages_from(std::uint64_t first) noexcept {
  std::uint64_t dropped = 0;
  for (Page* page = pages_.lower_bound(first, compare_index<Page>); page != nullptr;) {
    Page* next = pages_.next(*page);
    pages_.erase(*page);
    delete[] page->bytes;
    delete page;
    ++dropped;
    page = next;
  }
  if (dropped > 0) fs().uncharge_pages(dropped);
}

Result<std::size_t> TmpNode::read(std::uint64_t offset, std::span<std::byte> out) noexcept {
  if (type() != FileType::Regular) return Vnode::read(offset, out);
  const auto size = static_cast<std::uint64_t>(attributes().size);
  if (offset >= size) return std::size_t{0};
  const std::size_t total = size - offset < out.size() ? static_cast<std::size_t>(size - offset)
                                                       : out.size();
  std::size_t done = 0;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::uint64_t in_page = at % kPageSize;
    const std::size_t n = static_cast<std::size_t>(
        kPageSize - in_page < total - done ? kPageSize - in_page : total - done);
    if (const Page* page = find_page(at / kPageSize)) {
      memory_copy(out.data() + done, page->bytes + in_page, n);
    } else {
      memory_set(out.data() + done, 0, n);
    }
    done += n;
  }
  return done;
}

Result<std::size_t> TmpNode::write(std::uint64_t offset, std::span<const std::byte> data) noexcept {
  if (type() != FileType::Regular) return Vnode::write(offset, data);
  if (offset >= kTmpFsMaxFileSize) return Error::FileTooBig;
  const std::size_t total = kTmpFsMaxFileSize - offset < data.size()
                                ? static_cast<std::size_t>(kTmpFsMaxFileSize - offset)
                                : data.size();
  std::size_t done = 0;
  Result<void> stopped;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::uint64_t in_page = at % kPageSize;
    const std::size_t n = static_cast<std::size_t>(
        kPageSize - in_page < total - done ? kPageSize - in_page : total - done);
    auto page = page_for_write(at / kPageSize);
    if (!page) {
      stopped = page.error();
      break;
    }
    memory_copy((*page)->bytes + in_page, data.data() + done, n);
    done += n;
  }
  if (done == 0 && !stopped) return stopped.error();
  const auto size = static_cast<std::uint64_t>(attributes().size);
  set_size(offset + done > size ? offset + done : size);
  return done;
}

Result<void> TmpNode::resize(std::uint64_t size) noexcept {
  if (type() != FileType::Regular) return Vnode::resize(size);
  if (size > kTmpFsMaxFileSize) return Error::FileTooBig;
  const auto old = static_cast<std::uint64_t>(attributes().size);
  if (size < old) {
    drop_pages_from((size + kPageSize - 1) / kPageSize);
    // The rest of the last page must read as zeros if the file grows again.
    if (size % kPageSize != 0) {
      if (Page* page = find_page(size / kPageSize)) {
        memory_set(page->bytes + size % kPageSize, 0, kPageSize - size % kPageSize);
      }
    }
  }
  set_size(size);
  return {};
}

}  // namespace mos::vfs
