#include <k/intrusive_rb_tree.hpp>

#include "random.hpp"

#include <absl/container/btree_set.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace {

struct Item {
  std::uint64_t key = 0;
  std::uint64_t seq = 0;  // Insertion order, to check that ties stay FIFO.
  mos::RbNode node;
};

struct ByKey {
  bool operator()(const Item& a, const Item& b) const noexcept { return a.key < b.key; }
};

using Tree = mos::IntrusiveRbTree<Item, &Item::node, ByKey>;

static_assert(std::forward_iterator<Tree::iterator>);
static_assert(std::forward_iterator<Tree::const_iterator>);

std::vector<std::pair<std::uint64_t, std::uint64_t>> contents(const Tree& tree) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (const Item& item : tree) out.emplace_back(item.key, item.seq);
  return out;
}

}  // namespace

TEST_CASE("rb tree: an empty tree") {
  Tree tree;
  CHECK(tree.empty());
  CHECK(tree.size() == 0);
  CHECK(tree.first() == nullptr);
  CHECK(tree.last() == nullptr);
  CHECK(tree.pop_first() == nullptr);
  CHECK(tree.begin() == tree.end());
  CHECK(tree.validate());
}

TEST_CASE("rb tree: ascending, descending and equal keys come out in order, ties FIFO") {
  SUBCASE("ascending") {
    std::vector<Item> items(100);
    Tree tree;
    for (std::uint64_t i = 0; i < items.size(); ++i) {
      items[i].key = i;
      tree.insert(items[i]);
      REQUIRE(tree.validate());
    }
    CHECK(tree.first() == &items.front());
    CHECK(tree.last() == &items.back());
    tree.clear();
  }
  SUBCASE("descending") {
    std::vector<Item> items(100);
    Tree tree;
    for (std::uint64_t i = 0; i < items.size(); ++i) {
      items[i].key = 1000 - i;
      tree.insert(items[i]);
      REQUIRE(tree.validate());
      CHECK(tree.first() == &items[i]);
    }
    tree.clear();
  }
  SUBCASE("all equal") {
    std::vector<Item> items(50);
    Tree tree;
    for (std::uint64_t i = 0; i < items.size(); ++i) {
      items[i].key = 7;
      items[i].seq = i;
      tree.insert(items[i]);
    }
    REQUIRE(tree.validate());
    std::uint64_t expected = 0;
    while (Item* item = tree.pop_first()) {
      CHECK(item->seq == expected++);
      CHECK_FALSE(item->node.is_linked());
      REQUIRE(tree.validate());
    }
    CHECK(expected == items.size());
  }
}

TEST_CASE("rb tree: random inserts and erases match an ordered reference model") {
  auto gen = mos::test::make_bitgen(0x7b7e);
  constexpr std::size_t kItems = 2000;
  auto items = std::make_unique<Item[]>(kItems);
  absl::btree_set<std::pair<std::uint64_t, std::uint64_t>> model;
  std::vector<std::size_t> in_tree;
  std::vector<std::size_t> out_of_tree;
  for (std::size_t i = 0; i < kItems; ++i) out_of_tree.push_back(i);
  Tree tree;
  std::uint64_t seq = 0;
  for (int step = 0; step < 40000; ++step) {
    const bool insert = !out_of_tree.empty() &&
                        (in_tree.empty() || absl::Bernoulli(gen, in_tree.size() < 1000 ? 0.6 : 0.4));
    if (insert) {
      std::size_t pick = absl::Uniform<std::size_t>(gen, 0, out_of_tree.size());
      std::size_t index = out_of_tree[pick];
      out_of_tree[pick] = out_of_tree.back();
      out_of_tree.pop_back();
      Item& item = items[index];
      item.key = absl::Uniform<std::uint64_t>(gen, 0, 300);  // Many ties.
      item.seq = seq++;
      tree.insert(item);
      model.emplace(item.key, item.seq);
      in_tree.push_back(index);
    } else {
      const int how = absl::Uniform(gen, 0, 3);
      Item* victim;
      if (how == 0) {
        victim = tree.pop_first();
        REQUIRE(victim != nullptr);
      } else {
        std::size_t pick = absl::Uniform<std::size_t>(gen, 0, in_tree.size());
        victim = &items[in_tree[pick]];
        tree.erase(*victim);
      }
      REQUIRE(model.erase({victim->key, victim->seq}) == 1);
      auto pos = std::find(in_tree.begin(), in_tree.end(),
                           static_cast<std::size_t>(victim - items.get()));
      *pos = in_tree.back();
      in_tree.pop_back();
      out_of_tree.push_back(static_cast<std::size_t>(victim - items.get()));
    }
    REQUIRE(tree.size() == model.size());
    if (!model.empty()) {
      REQUIRE(tree.first() != nullptr);
      CHECK(tree.first()->key == model.begin()->first);
      CHECK(tree.first()->seq == model.begin()->second);
    }
    {  // Keyed search: the first element with a key >= k, the first of its ties.
      const std::uint64_t k = absl::Uniform<std::uint64_t>(gen, 0, 301);
      auto compare = [](std::uint64_t key, const Item& item) {
        return key < item.key ? -1 : key > item.key ? 1 : 0;
      };
      const Item* found = tree.lower_bound(k, compare);
      auto expected = model.lower_bound({k, 0});
      if (expected == model.end()) {
        CHECK(found == nullptr);
      } else {
        REQUIRE(found != nullptr);
        CHECK(std::pair(found->key, found->seq) == *expected);
      }
      const Item* exact = tree.find(k, compare);
      CHECK((exact != nullptr) == (expected != model.end() && expected->first == k));
      if (exact != nullptr) CHECK(exact == found);
    }
    if (step % 97 == 0) {
      REQUIRE(tree.validate());
      CHECK(contents(tree) == std::vector(model.begin(), model.end()));
    }
  }
  REQUIRE(tree.validate());
  CHECK(contents(tree) == std::vector(model.begin(), model.end()));
  tree.clear();
  for (std::size_t i = 0; i < kItems; ++i) CHECK_FALSE(items[i].node.is_linked());
}

TEST_CASE("rb tree: next walks in order and a destroyed tree leaves its elements unlinked") {
  std::vector<Item> items(10);
  {
    Tree tree;
    for (std::uint64_t i = 0; i < items.size(); ++i) {
      items[i].key = (i * 7) % 10;
      tree.insert(items[i]);
    }
    std::uint64_t expected = 0;
    for (Item* item = tree.first(); item != nullptr; item = tree.next(*item)) {
      CHECK(item->key == expected++);
    }
    CHECK(expected == 10);
  }
  for (const Item& item : items) CHECK_FALSE(item.node.is_linked());
}
