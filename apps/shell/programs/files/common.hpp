#pragma once
/// Helpers shared by the file and system programs (ls, cp, find, ...): mode strings, sizes,
/// user and group names, path joining and sorted directory reads. Portable POSIX code under the
/// rules of program.hpp: no globals, small stack frames.

#include "common/report.hpp"
#include "common/write_all.hpp"

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <cstddef>
#include <cstdint>

namespace mos::programs::files {

/// The `ls -l` type letter of a mode: '-', 'd', 'l', 'c', 'b', 'p', 's', or '?'.
char file_type_letter(mode_t mode);

/// GNU stat's name of a file's type ("regular empty file", "directory", ...).
const char* file_type_name(const struct stat& st);

/// Writes the 10-character mode string of `ls -l` ("drwxr-xr-x", with s/S/t/T) into out.
void format_mode(mode_t mode, char out[11]);

/// Formats a byte count the way `ls -h` and `df -h` do: "1023", "1.5K", "12M" (powers of 1024,
/// rounded up, one decimal below 10).
void format_human_size(uint64_t bytes, char* out, size_t capacity);

/// Writes the user name of uid into out, or the number when there is no such user.
void format_user(uid_t uid, char* out, size_t capacity);

/// Writes the group name of gid into out, or the number when there is no such group.
void format_group(gid_t gid, char* out, size_t capacity);

/// Writes DIR "/" NAME into out (no doubled slash when dir ends in '/'). False when it does not
/// fit in capacity.
bool join_path(char* out, size_t capacity, const char* dir, const char* name);

/// Writes the last component of path, without trailing slashes, into out ("a/b/" -> "b",
/// "/" -> "/"). False when it does not fit.
bool last_component(const char* path, char* out, size_t capacity);

/// Writes DIR "/" last_component(source) into out: where cp, mv and ln put source when their
/// target is a directory. False when it does not fit.
bool path_in_directory(char* out, size_t capacity, const char* dir, const char* source);

/// Prints " -> TARGET" on stdout, the target of the symbolic link path (`ls -l`, stat's %N);
/// nothing when the link cannot be read.
void print_link_target(const char* path);

/// Whether path names a directory (following symbolic links).
bool is_directory(const char* path);

/// Whether name is "." or "..".
bool is_dot_or_dot_dot(const char* name);

/// Writes head's and tail's "==> NAME <==" line to standard output (with write(2)), after a
/// blank line unless first.
void print_file_header(const char* name, bool first);

/// Parses a non-negative decimal count with an optional size suffix (b = 512, K/k = 1024,
/// M, G, T; KB/MB = powers of 1000). False when the text is not such a number.
bool parse_size(const char* text, uint64_t* out);

/// Seconds east of UTC of the local time zone at time t (mktime-free, from localtime_r).
long utc_offset_seconds(time_t t);

/// The names in one directory, sorted by strcmp; each name and the array are malloc'd.
struct NameList {
  char** names = nullptr;
  size_t count = 0;
};

/// Whether read_directory includes "." and "..".
enum class DotEntries { Skip, Include };

/// Reads the names of directory path into list (freeing nothing first). Returns 0 or an errno.
int read_directory(const char* path, DotEntries dots, NameList* list);

/// Frees the names and the array, and empties the list.
void free_name_list(NameList* list);

}  // namespace mos::programs::files
