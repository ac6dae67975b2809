#include <k/intrusive_list.hpp>

#include "child_process.hpp"
#include "random.hpp"

#include <doctest/doctest.h>

#include <array>
#include <iterator>
#include <list>
#include <string>
#include <vector>

namespace {

// An element that can sit on two lists at once, one per node.
struct Item {
  int id = 0;
  mos::ListNode node;
  mos::ListNode other_node;
};

using List = mos::IntrusiveList<Item, &Item::node>;
using OtherList = mos::IntrusiveList<Item, &Item::other_node>;

static_assert(std::bidirectional_iterator<List::iterator>);
static_assert(std::bidirectional_iterator<List::const_iterator>);
static_assert(std::is_convertible_v<List::iterator, List::const_iterator>);
static_assert(!std::is_convertible_v<List::const_iterator, List::iterator>);
static_assert(std::is_same_v<decltype(*std::declval<List::const_iterator>()), const Item&>);
static_assert(!std::is_copy_constructible_v<List>);
static_assert(std::is_nothrow_move_constructible_v<List>);

// The ids of a list, front to back, read forwards.
std::vector<int> ids(const List& list) {
  std::vector<int> out;
  for (const Item& item : list) out.push_back(item.id);
  return out;
}

// The ids read backwards with reverse iterators and reversed again: both directions must agree.
std::vector<int> ids_backwards(const List& list) {
  std::vector<int> out;
  for (auto it = list.rbegin(); it != list.rend(); ++it) out.insert(out.begin(), it->id);
  return out;
}

template <std::size_t N>
std::array<Item, N> make_items() {
  std::array<Item, N> items;
  for (std::size_t i = 0; i < N; ++i) items[i].id = static_cast<int>(i);
  return items;
}

// A polymorphic element whose node is not at offset zero, so that finding the element from its
// node has real work to do (and runs under UBSan's vptr check).
struct Base {
  virtual ~Base() = default;
  virtual int value() const { return 0; }
  long padding[3] = {};
};
struct Derived : Base {
  explicit Derived(int v) : v_(v) {}
  int value() const override { return v_; }
  int v_;
  mos::ListNode node;
};

}  // namespace

TEST_CASE("an empty list has no elements and pops nothing") {
  List list;
  CHECK(list.empty());
  CHECK(list.size() == 0);
  CHECK(list.begin() == list.end());
  CHECK(list.rbegin() == list.rend());
  CHECK(list.pop_front() == nullptr);
  CHECK(list.pop_back() == nullptr);
  CHECK(list.remove_if([](Item&) { return true; }) == 0);
}

TEST_CASE("push_front and push_back order elements and link them") {
  auto items = make_items<4>();
  List list;
  list.push_back(items[1]);
  list.push_front(items[0]);
  list.push_back(items[2]);
  list.push_back(items[3]);
  CHECK(ids(list) == std::vector<int>{0, 1, 2, 3});
  CHECK(ids_backwards(list) == std::vector<int>{0, 1, 2, 3});
  CHECK(list.size() == 4);
  CHECK_FALSE(list.empty());
  CHECK(&list.front() == &items[0]);
  CHECK(&list.back() == &items[3]);
  for (Item& item : items) {
    CHECK(item.node.is_linked());
    CHECK(List::is_linked(item));
    CHECK(list.contains(item));
    // Only the member the list threads through is touched.
    CHECK_FALSE(item.other_node.is_linked());
  }
  list.clear();
}

TEST_CASE("pop_front and pop_back return and unlink the end elements") {
  auto items = make_items<3>();
  List list;
  for (Item& item : items) list.push_back(item);
  CHECK(list.pop_front() == &items[0]);
  CHECK_FALSE(items[0].node.is_linked());
  CHECK(list.pop_back() == &items[2]);
  CHECK_FALSE(items[2].node.is_linked());
  CHECK(ids(list) == std::vector<int>{1});
  CHECK(&list.front() == &list.back());
  CHECK(list.pop_back() == &items[1]);
  CHECK(list.empty());
  CHECK(list.begin() == list.end());
}

TEST_CASE("insert places an element before a position") {
  struct Case {
    const char* name;
    int before_index;  // -1 is end().
    std::vector<int> expected;
  };
  const Case cases[] = {
      {"before the first", 0, {9, 0, 1, 2}},
      {"in the middle", 1, {0, 9, 1, 2}},
      {"before the last", 2, {0, 1, 9, 2}},
      {"at the end", -1, {0, 1, 2, 9}},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto items = make_items<3>();
      Item extra;
      extra.id = 9;
      List list;
      for (Item& item : items) list.push_back(item);
      auto pos = c.before_index < 0 ? list.end() : list.iterator_to(items[c.before_index]);
      auto it = list.insert(pos, extra);
      CHECK(&*it == &extra);
      CHECK(ids(list) == c.expected);
      CHECK(ids_backwards(list) == c.expected);
      CHECK(list.size() == 4);
      CHECK(&list.front() == &*list.begin());
      CHECK(&list.back() == &*std::prev(list.end()));
      list.clear();
    }
  }
  SUBCASE("into an empty list") {
    Item only;
    List list;
    list.insert(list.end(), only);
    CHECK(list.size() == 1);
    CHECK(&list.front() == &only);
    CHECK(&list.back() == &only);
    list.clear();
  }
}

TEST_CASE("erase unlinks one element and returns the position after it") {
  struct Case {
    const char* name;
    int index;
    std::vector<int> expected;
    int next;  // Id at the returned position, -1 for end().
  };
  const Case cases[] = {
      {"the first", 0, {1, 2, 3}, 1},
      {"a middle one", 2, {0, 1, 3}, 3},
      {"the last", 3, {0, 1, 2}, -1},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto items = make_items<4>();
      List list;
      for (Item& item : items) list.push_back(item);
      SUBCASE("by element") {
        auto next = list.erase(items[c.index]);
        CHECK((c.next < 0 ? next == list.end() : next->id == c.next));
      }
      SUBCASE("by iterator") {
        auto next = list.erase(list.iterator_to(items[c.index]));
        CHECK((c.next < 0 ? next == list.end() : next->id == c.next));
      }
      CHECK_FALSE(items[c.index].node.is_linked());
      CHECK_FALSE(list.contains(items[c.index]));
      CHECK(ids(list) == c.expected);
      CHECK(ids_backwards(list) == c.expected);
      CHECK(list.size() == 3);
      list.clear();
    }
  }
  SUBCASE("the only element") {
    Item only;
    List list;
    list.push_back(only);
    CHECK(list.erase(only) == list.end());
    CHECK(list.empty());
    CHECK_FALSE(only.node.is_linked());
  }
}

TEST_CASE("remove_if unlinks exactly the matching elements and counts them") {
  auto items = make_items<7>();
  List list;
  for (Item& item : items) list.push_back(item);
  CHECK(list.remove_if([](const Item& item) { return item.id % 3 == 0; }) == 3);
  CHECK(ids(list) == std::vector<int>{1, 2, 4, 5});
  CHECK(list.size() == 4);
  CHECK_FALSE(items[0].node.is_linked());
  CHECK_FALSE(items[6].node.is_linked());
  CHECK(items[1].node.is_linked());
  CHECK(list.remove_if([](const Item&) { return false; }) == 0);
  CHECK(list.remove_if([](const Item&) { return true; }) == 4);
  CHECK(list.empty());
}

TEST_CASE("splice moves a whole list in O(1), keeping order") {
  struct Case {
    const char* name;
    int dest_count;
    int source_count;
    int before_index;  // -1 is end().
    std::vector<int> expected;
  };
  // Destination ids are 0..; source ids are 10...
  const Case cases[] = {
      {"onto the end", 2, 2, -1, {0, 1, 10, 11}},
      {"onto the front", 2, 2, 0, {10, 11, 0, 1}},
      {"into the middle", 3, 2, 1, {0, 10, 11, 1, 2}},
      {"into an empty list", 0, 3, -1, {10, 11, 12}},
      {"an empty list", 2, 0, 1, {0, 1}},
      {"empty into empty", 0, 0, -1, {}},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto dest_items = make_items<3>();
      auto source_items = make_items<3>();
      List dest, source;
      for (int i = 0; i < c.dest_count; ++i) dest.push_back(dest_items[i]);
      for (int i = 0; i < c.source_count; ++i) {
        source_items[i].id = 10 + i;
        source.push_back(source_items[i]);
      }
      auto pos = c.before_index < 0 ? dest.end() : dest.iterator_to(dest_items[c.before_index]);
      dest.splice(pos, source);
      CHECK(ids(dest) == c.expected);
      CHECK(ids_backwards(dest) == c.expected);
      CHECK(dest.size() == c.expected.size());
      CHECK(source.empty());
      CHECK(source.begin() == source.end());
      // The emptied source is still a working list.
      Item later;
      later.id = 99;
      source.push_back(later);
      CHECK(source.size() == 1);
      CHECK(&source.front() == &later);
      source.clear();
      dest.clear();
    }
  }
}

TEST_CASE("moving a list transfers its elements; destroying one unlinks them") {
  auto items = make_items<3>();
  {
    List first;
    for (Item& item : items) first.push_back(item);
    List second(std::move(first));
    CHECK(first.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified.
    CHECK(ids(second) == std::vector<int>{0, 1, 2});
    List third;
    Item extra;
    extra.id = 7;
    third.push_back(extra);
    third = std::move(second);
    CHECK_FALSE(extra.node.is_linked());
    CHECK(second.empty());  // NOLINT(bugprone-use-after-move)
    CHECK(ids(third) == std::vector<int>{0, 1, 2});
    CHECK(ids_backwards(third) == std::vector<int>{0, 1, 2});
  }
  for (Item& item : items) CHECK_FALSE(item.node.is_linked());
}

TEST_CASE("an element can be on two lists through two nodes") {
  auto items = make_items<4>();
  List list;
  OtherList other;
  for (Item& item : items) list.push_back(item);
  other.push_back(items[3]);
  other.push_back(items[1]);
  list.erase(items[1]);
  CHECK(ids(list) == std::vector<int>{0, 2, 3});
  std::vector<int> other_ids;
  for (const Item& item : other) other_ids.push_back(item.id);
  CHECK(other_ids == std::vector<int>{3, 1});
  CHECK(OtherList::is_linked(items[1]));
  CHECK_FALSE(List::is_linked(items[1]));
  other.clear();
  list.clear();
}

TEST_CASE("iterators walk both ways and hand out the elements themselves") {
  auto items = make_items<3>();
  List list;
  for (Item& item : items) list.push_back(item);
  auto it = list.begin();
  CHECK(it->id == 0);
  CHECK((it++)->id == 0);
  CHECK(it->id == 1);
  CHECK((++it)->id == 2);
  CHECK(++it == list.end());
  CHECK((--it)->id == 2);
  CHECK((it--)->id == 2);
  CHECK(it->id == 1);
  // Writing through an iterator writes the element.
  it->id = 41;
  CHECK(items[1].id == 41);
  List::const_iterator cit = it;
  CHECK(cit == list.iterator_to(items[1]));
  const List& view = list;
  CHECK(view.iterator_to(items[1]) == cit);
  CHECK(&view.front() == &items[0]);
  CHECK(&view.back() == &items[2]);
  CHECK(std::distance(list.begin(), list.end()) == 3);
  list.clear();
}

TEST_CASE("copying an element copies its value, not its place on a list") {
  Item a;
  a.id = 5;
  List list;
  list.push_back(a);
  Item b = a;
  CHECK(b.id == 5);
  CHECK_FALSE(b.node.is_linked());
  Item c;
  c.id = 6;
  list.push_back(c);
  c = b;  // c keeps its place; only its value changes.
  CHECK(c.node.is_linked());
  CHECK(c.id == 5);
  CHECK(list.size() == 2);
  list.clear();
}

TEST_CASE("elements whose node is not at offset zero, in a polymorphic type, are found") {
  mos::IntrusiveList<Derived, &Derived::node> list;
  Derived a(1), b(2), c(3);
  list.push_back(a);
  list.push_back(b);
  list.push_front(c);
  std::vector<int> values;
  for (const Base& element : list) values.push_back(element.value());
  CHECK(values == std::vector<int>{3, 1, 2});
  CHECK(&list.back() == &b);
  CHECK(list.pop_front() == &c);
  list.clear();
}

TEST_CASE("a random sequence of operations matches std::list, step by step") {
  constexpr int kItems = 48;
  auto gen = mos::test::make_bitgen(0x11575);
  std::array<Item, kItems> items;
  for (int i = 0; i < kItems; ++i) items[static_cast<std::size_t>(i)].id = i;
  std::array<List, 2> lists;
  std::array<std::list<int>, 2> models;
  // Which model list (0, 1) holds each item, or -1.
  std::array<int, kItems> where;
  where.fill(-1);

  auto pick_unlinked = [&]() -> int {
    for (int tries = 0; tries < 4 * kItems; ++tries) {
      int id = absl::Uniform(gen, 0, kItems);
      if (where[static_cast<std::size_t>(id)] < 0) return id;
    }
    return -1;
  };
  auto model_iterator = [](std::list<int>& model, std::size_t index) {
    return std::next(model.begin(), static_cast<std::ptrdiff_t>(index));
  };

  for (int step = 0; step < 20000; ++step) {
    std::size_t l = absl::Uniform<std::size_t>(gen, 0, 2);
    List& list = lists[l];
    std::list<int>& model = models[l];
    int op = absl::Uniform(gen, 0, 10);
    INFO("step ", step, " op ", op, " list ", l);
    switch (op) {
      case 0:
      case 1: {  // push_front / push_back
        int id = pick_unlinked();
        if (id < 0) break;
        Item& item = items[static_cast<std::size_t>(id)];
        if (op == 0) {
          list.push_front(item);
          model.push_front(id);
        } else {
          list.push_back(item);
          model.push_back(id);
        }
        where[static_cast<std::size_t>(id)] = static_cast<int>(l);
        break;
      }
      case 2: {  // pop_front
        Item* popped = list.pop_front();
        if (model.empty()) {
          REQUIRE(popped == nullptr);
        } else {
          REQUIRE(popped != nullptr);
          REQUIRE(popped->id == model.front());
          where[static_cast<std::size_t>(model.front())] = -1;
          model.pop_front();
        }
        break;
      }
      case 3: {  // pop_back
        Item* popped = list.pop_back();
        if (model.empty()) {
          REQUIRE(popped == nullptr);
        } else {
          REQUIRE(popped != nullptr);
          REQUIRE(popped->id == model.back());
          where[static_cast<std::size_t>(model.back())] = -1;
          model.pop_back();
        }
        break;
      }
      case 4:
      case 5: {  // insert before a random position (size() means end())
        int id = pick_unlinked();
        if (id < 0) break;
        std::size_t index = absl::Uniform<std::size_t>(gen, 0, model.size() + 1);
        auto pos = std::next(list.begin(), static_cast<std::ptrdiff_t>(index));
        auto it = list.insert(pos, items[static_cast<std::size_t>(id)]);
        REQUIRE(it->id == id);
        model.insert(model_iterator(model, index), id);
        where[static_cast<std::size_t>(id)] = static_cast<int>(l);
        break;
      }
      case 6: {  // erase a random element, by element or by iterator
        if (model.empty()) break;
        std::size_t index = absl::Uniform<std::size_t>(gen, 0, model.size());
        auto model_it = model_iterator(model, index);
        Item& item = items[static_cast<std::size_t>(*model_it)];
        auto next =
            absl::Bernoulli(gen, 0.5) ? list.erase(item) : list.erase(list.iterator_to(item));
        where[static_cast<std::size_t>(*model_it)] = -1;
        auto model_next = model.erase(model_it);
        REQUIRE((model_next == model.end() ? next == list.end() : next->id == *model_next));
        break;
      }
      case 7: {                                // splice the other list in at a random position
        if (absl::Bernoulli(gen, 0.8)) break;  // Rarer, so that lists grow.
        std::size_t index = absl::Uniform<std::size_t>(gen, 0, model.size() + 1);
        auto pos = std::next(list.begin(), static_cast<std::ptrdiff_t>(index));
        list.splice(pos, lists[1 - l]);
        for (int id : models[1 - l]) where[static_cast<std::size_t>(id)] = static_cast<int>(l);
        model.splice(model_iterator(model, index), models[1 - l]);
        break;
      }
      case 8: {  // remove_if on a random residue
        if (absl::Bernoulli(gen, 0.8)) break;
        int modulus = absl::Uniform(gen, 2, 6);
        int residue = absl::Uniform(gen, 0, modulus);
        auto match = [&](int id) { return id % modulus == residue; };
        std::size_t expected = 0;
        for (int id : model) {
          if (match(id)) {
            ++expected;
            where[static_cast<std::size_t>(id)] = -1;
          }
        }
        REQUIRE(list.remove_if([&](const Item& item) { return match(item.id); }) == expected);
        model.remove_if(match);
        break;
      }
      default: {  // clear, rarely
        if (absl::Bernoulli(gen, 0.95)) break;
        list.clear();
        for (int id : model) where[static_cast<std::size_t>(id)] = -1;
        model.clear();
        break;
      }
    }
    for (std::size_t k = 0; k < 2; ++k) {
      std::vector<int> expected(models[k].begin(), models[k].end());
      REQUIRE(lists[k].size() == models[k].size());
      REQUIRE(lists[k].empty() == models[k].empty());
      REQUIRE(ids(lists[k]) == expected);
      REQUIRE(ids_backwards(lists[k]) == expected);
      if (!expected.empty()) {
        REQUIRE(lists[k].front().id == expected.front());
        REQUIRE(lists[k].back().id == expected.back());
      }
    }
    for (int id = 0; id < kItems; ++id) {
      REQUIRE(items[static_cast<std::size_t>(id)].node.is_linked() ==
              (where[static_cast<std::size_t>(id)] >= 0));
    }
  }
  lists[0].clear();
  lists[1].clear();
}

TEST_CASE("misusing links is a programmer error that panics") {
  struct Case {
    const char* name;
    void (*body)();
    const char* condition;
  };
  const Case cases[] = {
      {"erasing an unlinked element",
       [] {
         Item item;
         List list;
         list.erase(item);
       },
       "node.is_linked()"},
      {"pushing an element that is already linked",
       [] {
         Item item;
         List a, b;
         a.push_back(item);
         b.push_back(item);
       },
       "!node.is_linked()"},
      {"destroying an element that is still linked",
       [] {
         List list;
         {
           Item item;
           list.push_back(item);
         }
       },
       "!is_linked()"},
      {"front() of an empty list",
       [] {
         List list;
         (void)list.front();
       },
       "!empty()"},
      {"erasing end()",
       [] {
         List list;
         list.erase(list.end());
       },
       "pos.node_ != &head_"},
  };
  for (const Case& c : cases) {
    SUBCASE(c.name) {
      auto outcome = mos::host::run_in_child([&] { c.body(); });
      CHECK(outcome.exit_status == 101);
      CHECK(outcome.output.find(std::string("assertion failed: ") + c.condition) !=
            std::string::npos);
    }
  }
}
