#include <k/error.hpp>

namespace mos {
namespace {

struct ErrorInfo {
  Error error;
  std::string_view name;
  std::string_view description;
};

constexpr ErrorInfo kErrors[] = {
#define MOS_ERROR(name, number, errno_name, description) {Error::name, errno_name, description},
#include <k/errors.def>
#undef MOS_ERROR
};

const ErrorInfo* find(Error e) noexcept {
  for (const auto& info : kErrors) {
    if (info.error == e) return &info;
  }
  return nullptr;
}

}  // namespace

std::string_view error_name(Error e) noexcept {
  const ErrorInfo* info = find(e);
  return info ? info->name : std::string_view("E?");
}

std::string_view error_description(Error e) noexcept {
  const ErrorInfo* info = find(e);
  return info ? info->description : std::string_view();
}

bool error_from_errno(int number, Error& out) noexcept {
  const ErrorInfo* info = find(static_cast<Error>(number));
  if (info == nullptr) return false;
  out = info->error;
  return true;
}

}  // namespace mos
