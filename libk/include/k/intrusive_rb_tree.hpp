#pragma once
/// An intrusive red-black tree: elements carry their own RbNode, so inserting and erasing never
/// allocate and an element can sit in a tree and on lists at once. O(log n) insert and erase,
/// O(1) access to the smallest element (cached), in-order iteration. Equal keys are allowed and
/// keep their insertion order (an element goes after the elements equal to it), so a tree keyed
/// by time or by virtual runtime is also FIFO among ties. (Cormen et al., "Introduction to
/// Algorithms", chapter 13.)

#include <k/panic.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <type_traits>

namespace mos {

/// The links an element needs to be in one IntrusiveRbTree. Unlinked when not in a tree.
class RbNode {
 public:
  constexpr RbNode() noexcept = default;
  /// Copying an element does not copy its place in a tree.
  constexpr RbNode(const RbNode&) noexcept {}
  constexpr RbNode& operator=(const RbNode&) noexcept { return *this; }
  ~RbNode() { MOS_ASSERT(!is_linked()); }

  /// Whether the element is in a tree.
  constexpr bool is_linked() const noexcept { return linked_; }

 private:
  template <class T, RbNode T::*Member, class Less>
  friend class IntrusiveRbTree;

  RbNode* parent_ = nullptr;
  RbNode* left_ = nullptr;
  RbNode* right_ = nullptr;
  bool red_ = false;
  bool linked_ = false;
};

/// A red-black tree of T ordered by `Less` (a default-constructible strict weak order on T),
/// linked through the RbNode `Member` of each element. The tree does not own its elements: they
/// must stay alive (and keep their keys unchanged) while linked, and are left unlinked when the
/// tree is cleared or destroyed. Not synchronised.
template <class T, RbNode T::*Member, class Less>
class IntrusiveRbTree {
 public:
  /// In-order iteration (ascending).
  template <bool Const>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const T*, T*>;
    using reference = std::conditional_t<Const, const T&, T&>;

    Iterator() noexcept = default;
    reference operator*() const noexcept { return owner_of(*node_); }
    pointer operator->() const noexcept { return &owner_of(*node_); }
    Iterator& operator++() noexcept {
      node_ = successor(node_);
      return *this;
    }
    Iterator operator++(int) noexcept {
      Iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
      return a.node_ == b.node_;
    }

   private:
    friend class IntrusiveRbTree;
    explicit Iterator(const RbNode* node) noexcept : node_(const_cast<RbNode*>(node)) {}
    RbNode* node_ = nullptr;
  };
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;

  constexpr IntrusiveRbTree() noexcept = default;
  IntrusiveRbTree(const IntrusiveRbTree&) = delete;
  IntrusiveRbTree& operator=(const IntrusiveRbTree&) = delete;
  ~IntrusiveRbTree() { clear(); }

  /// Inserts `value` (which must not be in a tree) after every element equal to it. O(log n).
  void insert(T& value) noexcept {
    RbNode* node = &node_of(value);
    MOS_ASSERT(!node->is_linked());
    RbNode* parent = nullptr;
    RbNode** link = &root_;
    bool leftmost = true;
    while (*link != nullptr) {
      parent = *link;
      if (Less{}(value, owner_of(*parent))) {
        link = &parent->left_;
      } else {
        link = &parent->right_;
        leftmost = false;
      }
    }
    node->parent_ = parent;
    node->left_ = node->right_ = nullptr;
    node->red_ = true;
    node->linked_ = true;
    *link = node;
    if (leftmost) first_ = node;
    ++size_;
    insert_fixup(node);
  }

  /// Removes `value`, which must be in this tree. O(log n).
  void erase(T& value) noexcept {
    RbNode* node = &node_of(value);
    MOS_ASSERT(node->is_linked());
    if (node == first_) first_ = successor(node);
    erase_node(node);
    node->parent_ = node->left_ = node->right_ = nullptr;
    node->red_ = false;
    node->linked_ = false;
    --size_;
  }

  /// The smallest element (the first of equal ones), or nullptr. O(1).
  T* first() noexcept { return first_ != nullptr ? &owner_of(*first_) : nullptr; }
  const T* first() const noexcept { return first_ != nullptr ? &owner_of(*first_) : nullptr; }
  /// The largest element (the last of equal ones), or nullptr. O(log n).
  T* last() noexcept {
    if (root_ == nullptr) return nullptr;
    RbNode* n = root_;
    while (n->right_ != nullptr) n = n->right_;
    return &owner_of(*n);
  }
  /// Removes and returns the smallest element, or nullptr when the tree is empty.
  T* pop_first() noexcept {
    T* value = first();
    if (value != nullptr) erase(*value);
    return value;
  }
  /// The element after `value` in order, or nullptr.
  T* next(T& value) noexcept {
    RbNode* n = successor(&node_of(value));
    return n != nullptr ? &owner_of(*n) : nullptr;
  }

  /// The first element not ordered before `key`, or nullptr. `compare(key, element)` is a
  /// three-way comparison of the key with an element (negative: the key goes before it), in the
  /// tree's order: this is how a tree of named things is searched by a name. O(log n).
  template <class Key, class Compare>
  T* lower_bound(const Key& key, Compare compare) noexcept {
    RbNode* n = root_;
    RbNode* found = nullptr;
    while (n != nullptr) {
      if (compare(key, owner_of(*n)) <= 0) {
        found = n;
        n = n->left_;
      } else {
        n = n->right_;
      }
    }
    return found != nullptr ? &owner_of(*found) : nullptr;
  }
  /// The first element equal to `key` (see lower_bound), or nullptr. O(log n).
  template <class Key, class Compare>
  T* find(const Key& key, Compare compare) noexcept {
    T* candidate = lower_bound(key, compare);
    return candidate != nullptr && compare(key, *candidate) == 0 ? candidate : nullptr;
  }

  /// Unlinks every element. O(n).
  void clear() noexcept {
    while (pop_first() != nullptr) {
    }
  }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  iterator begin() noexcept { return iterator(first_); }
  iterator end() noexcept { return iterator(nullptr); }
  const_iterator begin() const noexcept { return const_iterator(first_); }
  const_iterator end() const noexcept { return const_iterator(nullptr); }

  /// Checks the red-black properties, the parent links, the order, the cached first element and
  /// the size. O(n); for tests.
  bool validate() const noexcept {
    if (root_ != nullptr && (root_->red_ || root_->parent_ != nullptr)) return false;
    std::size_t count = 0;
    if (black_height(root_, count) < 0) return false;
    if (count != size_) return false;
    const RbNode* leftmost = root_;
    while (leftmost != nullptr && leftmost->left_ != nullptr) leftmost = leftmost->left_;
    if (leftmost != first_) return false;
    for (const RbNode* n = first_; n != nullptr; n = successor(n)) {
      const RbNode* s = successor(n);
      if (s != nullptr && Less{}(owner_of(*s), owner_of(*n))) return false;
    }
    return true;
  }

 private:
  static RbNode& node_of(T& value) noexcept { return value.*Member; }
  // container_of, as in IntrusiveList: the Itanium C++ ABI represents a pointer to data member
  // as the member's offset.
  static std::ptrdiff_t node_offset() noexcept {
    static_assert(sizeof(Member) == sizeof(std::ptrdiff_t));
    return std::bit_cast<std::ptrdiff_t>(Member);
  }
  static T& owner_of(const RbNode& node) noexcept {
    return *reinterpret_cast<T*>(
        reinterpret_cast<unsigned char*>(const_cast<RbNode*>(&node)) - node_offset());
  }

  static RbNode* successor(const RbNode* n) noexcept {
    if (n->right_ != nullptr) {
      n = n->right_;
      while (n->left_ != nullptr) n = n->left_;
      return const_cast<RbNode*>(n);
    }
    const RbNode* p = n->parent_;
    while (p != nullptr && n == p->right_) {
      n = p;
      p = p->parent_;
    }
    return const_cast<RbNode*>(p);
  }

  static bool is_red(const RbNode* n) noexcept { return n != nullptr && n->red_; }

  // The black height of the subtree at n (counting nil leaves), or -1 if a property fails.
  static int black_height(const RbNode* n, std::size_t& count) noexcept {
    if (n == nullptr) return 1;
    ++count;
    if (n->red_ && (is_red(n->left_) || is_red(n->right_))) return -1;
    if (n->left_ != nullptr && n->left_->parent_ != n) return -1;
    if (n->right_ != nullptr && n->right_->parent_ != n) return -1;
    int left = black_height(n->left_, count);
    int right = black_height(n->right_, count);
    if (left < 0 || right < 0 || left != right) return -1;
    return left + (n->red_ ? 0 : 1);
  }

  // Puts `child` where `old` hangs from its parent (or at the root).
  void replace_child(RbNode* parent, RbNode* old, RbNode* child) noexcept {
    if (parent == nullptr) {
      root_ = child;
    } else if (parent->left_ == old) {
      parent->left_ = child;
    } else {
      parent->right_ = child;
    }
  }

  void rotate_left(RbNode* x) noexcept {
    RbNode* y = x->right_;
    x->right_ = y->left_;
    if (y->left_ != nullptr) y->left_->parent_ = x;
    y->parent_ = x->parent_;
    replace_child(x->parent_, x, y);
    y->left_ = x;
    x->parent_ = y;
  }

  void rotate_right(RbNode* x) noexcept {
    RbNode* y = x->left_;
    x->left_ = y->right_;
    if (y->right_ != nullptr) y->right_->parent_ = x;
    y->parent_ = x->parent_;
    replace_child(x->parent_, x, y);
    y->right_ = x;
    x->parent_ = y;
  }

  void insert_fixup(RbNode* z) noexcept {
    while (is_red(z->parent_)) {
      RbNode* parent = z->parent_;
      RbNode* grand = parent->parent_;  // Exists: a red parent is never the root.
      if (parent == grand->left_) {
        RbNode* uncle = grand->right_;
        if (is_red(uncle)) {
          parent->red_ = uncle->red_ = false;
          grand->red_ = true;
          z = grand;
          continue;
        }
        if (z == parent->right_) {
          z = parent;
          rotate_left(z);
          parent = z->parent_;
        }
        parent->red_ = false;
        grand->red_ = true;
        rotate_right(grand);
      } else {
        RbNode* uncle = grand->left_;
        if (is_red(uncle)) {
          parent->red_ = uncle->red_ = false;
          grand->red_ = true;
          z = grand;
          continue;
        }
        if (z == parent->left_) {
          z = parent;
          rotate_right(z);
          parent = z->parent_;
        }
        parent->red_ = false;
        grand->red_ = true;
        rotate_left(grand);
      }
    }
    root_->red_ = false;
  }

  void erase_node(RbNode* z) noexcept {
    RbNode* x;         // The node that moves into the removed position (may be nil).
    RbNode* x_parent;  // Its parent (x may be nil, so it cannot say).
    bool removed_black;
    if (z->left_ == nullptr || z->right_ == nullptr) {
      x = z->left_ != nullptr ? z->left_ : z->right_;
      x_parent = z->parent_;
      removed_black = !z->red_;
      if (x != nullptr) x->parent_ = x_parent;
      replace_child(z->parent_, z, x);
    } else {
      // Two children: z's successor y (leftmost of the right subtree) takes z's place and
      // colour; y's own position is what loses a node.
      RbNode* y = z->right_;
      while (y->left_ != nullptr) y = y->left_;
      removed_black = !y->red_;
      x = y->right_;
      if (y->parent_ == z) {
        x_parent = y;
      } else {
        x_parent = y->parent_;
        x_parent->left_ = x;
        if (x != nullptr) x->parent_ = x_parent;
        y->right_ = z->right_;
        y->right_->parent_ = y;
      }
      y->left_ = z->left_;
      y->left_->parent_ = y;
      y->parent_ = z->parent_;
      replace_child(z->parent_, z, y);
      y->red_ = z->red_;
    }
    if (removed_black) erase_fixup(x, x_parent);
  }

  void erase_fixup(RbNode* x, RbNode* parent) noexcept {
    while (x != root_ && !is_red(x)) {
      if (x == parent->left_) {
        RbNode* w = parent->right_;
        if (is_red(w)) {
          w->red_ = false;
          parent->red_ = true;
          rotate_left(parent);
          w = parent->right_;
        }
        if (!is_red(w->left_) && !is_red(w->right_)) {
          w->red_ = true;
          x = parent;
          parent = x->parent_;
          continue;
        }
        if (!is_red(w->right_)) {
          w->left_->red_ = false;
          w->red_ = true;
          rotate_right(w);
          w = parent->right_;
        }
        w->red_ = parent->red_;
        parent->red_ = false;
        w->right_->red_ = false;
        rotate_left(parent);
        x = root_;
      } else {
        RbNode* w = parent->left_;
        if (is_red(w)) {
          w->red_ = false;
          parent->red_ = true;
          rotate_right(parent);
          w = parent->left_;
        }
        if (!is_red(w->left_) && !is_red(w->right_)) {
          w->red_ = true;
          x = parent;
          parent = x->parent_;
          continue;
        }
        if (!is_red(w->left_)) {
          w->right_->red_ = false;
          w->red_ = true;
          rotate_left(w);
          w = parent->left_;
        }
        w->red_ = parent->red_;
        parent->red_ = false;
        w->left_->red_ = false;
        rotate_right(parent);
        x = root_;
      }
    }
    if (x != nullptr) x->red_ = false;
  }

  RbNode* root_ = nullptr;
  RbNode* first_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace mos
