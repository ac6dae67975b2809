#include <k/ref_ptr.hpp>

#include "child_process.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

namespace {

int g_destroyed = 0;

struct Object : mos::RefCounted {
  int value = 0;
  explicit Object(int v) : value(v) {}
  ~Object() override { ++g_destroyed; }
};

struct Derived : Object {
  explicit Derived(int v) : Object(v) {}
};

}  // namespace

TEST_CASE("ref_ptr: the last reference destroys, copies and moves count right") {
  g_destroyed = 0;
  {
    auto a = mos::RefPtr<Object>::adopt(new Object(7));
    CHECK(a->references() == 1);
    {
      mos::RefPtr<Object> b = a;  // Copy: two.
      CHECK(a->references() == 2);
      mos::RefPtr<Object> c = std::move(b);  // Move: still two.
      CHECK(!b);
      CHECK(c->references() == 2);
      CHECK(c == a);
    }
    CHECK(a->references() == 1);
    CHECK(g_destroyed == 0);
    mos::RefPtr<Object> d(a.get());  // Another reference from a raw pointer.
    CHECK(a->references() == 2);
    a.reset();
    CHECK(g_destroyed == 0);
    CHECK(d->value == 7);
  }
  CHECK(g_destroyed == 1);
}

TEST_CASE("ref_ptr: upcasts move the reference; leak gives it to the caller") {
  g_destroyed = 0;
  mos::RefPtr<Object> base = mos::RefPtr<Derived>::adopt(new Derived(3));
  CHECK(base->value == 3);
  CHECK(base->references() == 1);
  Object* raw = base.leak();
  CHECK(!base);
  CHECK(g_destroyed == 0);
  auto back = mos::RefPtr<Object>::adopt(raw);
  back.reset();
  CHECK(g_destroyed == 1);
}

TEST_CASE("ref_ptr: releasing a dead object is caught") {
  auto outcome = mos::host::run_in_child([] {
    auto* o = new Object(1);
    o->release();  // Destroyed.
    o->release();  // Use after free: the count is gone... (the allocator may still hold it).
  });
  // Under AddressSanitizer the second release is a heap-use-after-free report; without it, the
  // assertion on the count. Either way the child does not finish normally.
  CHECK(outcome.exit_status != 0);
}
