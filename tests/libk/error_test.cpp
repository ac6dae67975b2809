#include <k/error.hpp>

#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace {

struct Entry {
  mos::Error error;
  int host_errno;
};

// Every enumerator, checked against the host's <errno.h>: the values must be Linux's.
constexpr Entry kAll[] = {
#define MOS_ERROR(name, number, errno_name, description) {mos::Error::name, number},
#include <k/errors.def>
#undef MOS_ERROR
};

}  // namespace

TEST_CASE("every Error equals the Linux errno of the same name") {
  for (const Entry& e : kAll) {
    const char* host_name = strerrorname_np(e.host_errno);
    REQUIRE(host_name != nullptr);
    std::string ours(mos::error_name(e.error));
    INFO("errno ", e.host_errno);
    CHECK(ours == host_name);
    CHECK(mos::errno_value(e.error) == e.host_errno);
    CHECK_FALSE(mos::error_description(e.error).empty());
  }
  CHECK(mos::errno_value(mos::Error::NoEntry) == ENOENT);
  CHECK(mos::errno_value(mos::Error::NotImplemented) == ENOSYS);
  CHECK(mos::errno_value(mos::Error::TimedOut) == ETIMEDOUT);
}

TEST_CASE("error_from_errno maps known numbers and rejects unknown ones") {
  mos::Error e{};
  CHECK(mos::error_from_errno(EACCES, e));
  CHECK(e == mos::Error::AccessDenied);
  CHECK_FALSE(mos::error_from_errno(0, e));
  CHECK_FALSE(mos::error_from_errno(4095, e));
  CHECK(mos::error_name(static_cast<mos::Error>(4095)) == "E?");
}
