// Decoding and encoding of the ext2 superblock, group descriptors, inodes, timestamps and
// device numbers.
#include "layout.hpp"

namespace mos::vfs::ext2 {

std::string_view incompat_feature_name(std::uint32_t bit) noexcept {
  switch (bit) {
    case 0x0001:
      return "compression";
    case 0x0002:
      return "filetype";
    case 0x0004:
      return "needs_recovery";
    case 0x0008:
      return "journal_dev";
    case 0x0010:
      return "meta_bg";
    case 0x0040:
      return "extent";
    case 0x0080:
      return "64bit";
    case 0x0100:
      return "mmp";
    case 0x0200:
      return "flex_bg";
    case 0x0400:
      return "ea_inode";
    case 0x1000:
      return "dirdata";
    case 0x2000:
      return "metadata_csum_seed";
    case 0x4000:
      return "large_dir";
    case 0x8000:
      return "inline_data";
    case 0x10000:
      return "encrypt";
    case 0x20000:
      return "casefold";
    default:
      return "unknown";
  }
}

std::string_view ro_compat_feature_name(std::uint32_t bit) noexcept {
  switch (bit) {
    case 0x0001:
      return "sparse_super";
    case 0x0002:
      return "large_file";
    case 0x0004:
      return "btree_dir";
    case 0x0008:
      return "huge_file";
    case 0x0010:
      return "uninit_bg";
    case 0x0020:
      return "dir_nlink";
    case 0x0040:
      return "extra_isize";
    case 0x0100:
      return "quota";
    case 0x0200:
      return "bigalloc";
    case 0x0400:
      return "metadata_csum";
    case 0x0800:
      return "replica";
    case 0x1000:
      return "read-only";
    case 0x2000:
      return "project";
    case 0x4000:
      return "shared_blocks";
    case 0x8000:
      return "verity";
    default:
      return "unknown";
  }
}

Superblock Superblock::decode(const std::byte* raw) noexcept {
  Superblock s;
  s.inodes_count = load32(raw + 0);
  s.blocks_count = load32(raw + 4);
  s.reserved_blocks_count = load32(raw + 8);
  s.free_blocks_count = load32(raw + 12);
  s.free_inodes_count = load32(raw + 16);
  s.first_data_block = load32(raw + 20);
  s.log_block_size = load32(raw + 24);
  s.blocks_per_group = load32(raw + 32);
  s.inodes_per_group = load32(raw + 40);
  s.mount_count = load16(raw + 52);
  s.magic = load16(raw + 56);
  s.state = load16(raw + 58);
  s.revision = load32(raw + 76);
  if (s.revision >= 1) {
    s.first_inode = load32(raw + 84);
    s.inode_size = load16(raw + 88);
    s.feature_compat = load32(raw + 92);
    s.feature_incompat = load32(raw + 96);
    s.feature_ro_compat = load32(raw + 100);
    s.want_extra_isize = load16(raw + 0x15E);
  }
  return s;
}

void Superblock::encode(std::byte* raw) const noexcept {
  store32(raw + 12, free_blocks_count);
  store32(raw + 16, free_inodes_count);
  store16(raw + 52, mount_count);
  store16(raw + 58, state);
  if (revision >= 1) store32(raw + 100, feature_ro_compat);
}

GroupDescriptor GroupDescriptor::decode(const std::byte* raw) noexcept {
  GroupDescriptor g;
  g.block_bitmap = load32(raw + 0);
  g.inode_bitmap = load32(raw + 4);
  g.inode_table = load32(raw + 8);
  g.free_blocks = load16(raw + 12);
  g.free_inodes = load16(raw + 14);
  g.used_directories = load16(raw + 16);
  return g;
}

void GroupDescriptor::encode(std::byte* raw) const noexcept {
  store32(raw + 0, block_bitmap);
  store32(raw + 4, inode_bitmap);
  store32(raw + 8, inode_table);
  store16(raw + 12, free_blocks);
  store16(raw + 14, free_inodes);
  store16(raw + 16, used_directories);
}

InodeRecord InodeRecord::decode(const std::byte* raw, std::uint32_t inode_size) noexcept {
  InodeRecord r;
  r.mode = load16(raw + 0);
  r.uid = load16(raw + 2) | (std::uint32_t{load16(raw + 120)} << 16);
  r.size = load32(raw + 4);
  r.atime = load32(raw + 8);
  r.ctime = load32(raw + 12);
  r.mtime = load32(raw + 16);
  r.dtime = load32(raw + 20);
  r.gid = load16(raw + 24) | (std::uint32_t{load16(raw + 122)} << 16);
  r.links = load16(raw + 26);
  r.blocks = load32(raw + 28);
  r.flags = load32(raw + 32);
  for (std::uint32_t i = 0; i < kBlockPointers; ++i) r.block[i] = load32(raw + 40 + 4 * i);
  r.file_acl = load32(raw + 104);
  if (type_of(r.mode) == FileType::Regular) r.size |= std::uint64_t{load32(raw + 108)} << 32;
  if (inode_size > 128) {
    r.extra_isize = load16(raw + 128);
    if (r.has_extra_times(inode_size)) {
      r.ctime_extra = load32(raw + 132);
      r.mtime_extra = load32(raw + 136);
      r.atime_extra = load32(raw + 140);
    }
  }
  return r;
}

void InodeRecord::encode(std::byte* raw, std::uint32_t inode_size) const noexcept {
  store16(raw + 0, mode);
  store16(raw + 2, static_cast<std::uint16_t>(uid));
  store16(raw + 120, static_cast<std::uint16_t>(uid >> 16));
  store32(raw + 4, static_cast<std::uint32_t>(size));
  store32(raw + 8, atime);
  store32(raw + 12, ctime);
  store32(raw + 16, mtime);
  store32(raw + 20, dtime);
  store16(raw + 24, static_cast<std::uint16_t>(gid));
  store16(raw + 122, static_cast<std::uint16_t>(gid >> 16));
  store16(raw + 26, links);
  store32(raw + 28, blocks);
  store32(raw + 32, flags);
  for (std::uint32_t i = 0; i < kBlockPointers; ++i) store32(raw + 40 + 4 * i, block[i]);
  store32(raw + 104, file_acl);
  if (type_of(mode) == FileType::Regular)
    store32(raw + 108, static_cast<std::uint32_t>(size >> 32));
  if (inode_size > 128) {
    store16(raw + 128, extra_isize);
    if (has_extra_times(inode_size)) {
      store32(raw + 132, ctime_extra);
      store32(raw + 136, mtime_extra);
      store32(raw + 140, atime_extra);
    }
  }
}

Timespec decode_time(std::uint32_t seconds, std::uint32_t extra, bool has_extra) noexcept {
  // The 32 bits are signed; the two epoch bits of the extra field extend them past 2038.
  std::int64_t s = static_cast<std::int32_t>(seconds);
  if (!has_extra) return {s, 0};
  s += static_cast<std::int64_t>(extra & 3) << 32;
  const std::int64_t ns = extra >> 2;
  return {s, ns < 1000000000 ? ns : 0};
}

void encode_time(Timespec time, std::uint32_t& seconds, std::uint32_t& extra) noexcept {
  seconds = static_cast<std::uint32_t>(time.seconds);
  const std::int64_t epoch = (time.seconds - static_cast<std::int32_t>(seconds)) >> 32;
  const auto ns = static_cast<std::uint32_t>(
      time.nanoseconds >= 0 && time.nanoseconds < 1000000000 ? time.nanoseconds : 0);
  extra = (ns << 2) | (static_cast<std::uint32_t>(epoch) & 3);
}

DeviceNumber decode_device(const std::uint32_t* block) noexcept {
  if (block[0] != 0) return {(block[0] >> 8) & 0xff, block[0] & 0xff};
  const std::uint32_t d = block[1];
  return {(d & 0xfff00) >> 8, (d & 0xff) | ((d >> 12) & 0xfff00)};
}

void encode_device(DeviceNumber device, std::uint32_t* block) noexcept {
  if (device.major < 256 && device.minor < 256) {
    block[0] = (device.major << 8) | device.minor;
    block[1] = 0;
  } else {
    block[0] = 0;
    block[1] =
        (device.minor & 0xff) | ((device.major & 0xfff) << 8) | ((device.minor & ~0xffu) << 12);
  }
  block[2] = 0;
}

std::uint8_t dirent_type(FileType type) noexcept {
  switch (type) {
    case FileType::Regular:
      return 1;
    case FileType::Directory:
      return 2;
    case FileType::CharDevice:
      return 3;
    case FileType::BlockDevice:
      return 4;
    case FileType::Fifo:
      return 5;
    case FileType::Socket:
      return 6;
    case FileType::Symlink:
      return 7;
  }
  return 0;
}

bool file_type_of_dirent(std::uint8_t byte, FileType& type) noexcept {
  static constexpr FileType kTypes[] = {
      FileType::Regular, FileType::Directory, FileType::CharDevice, FileType::BlockDevice,
      FileType::Fifo,    FileType::Socket,    FileType::Symlink};
  if (byte == 0 || byte > 7) return false;
  type = kTypes[byte - 1];
  return true;
}

}  // namespace mos::vfs::ext2
