#pragma once
/// A doubly-linked intrusive list: the links live inside the elements (a ListNode member), so
/// linking and unlinking never allocate and an element can be unlinked in O(1) given only a
/// reference to it. The list does not own its elements; it only strings them together.

#include <k/panic.hpp>

#include <bit>
#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

namespace mos {

class ListNode;
template <class T, ListNode T::*Member>
class IntrusiveList;

/// The links an element embeds to sit on an IntrusiveList. An element can be on as many lists at
/// once as it has ListNode members, and on at most one list per member.
class ListNode {
 public:
  /// An unlinked node.
  constexpr ListNode() noexcept = default;
  /// A copy starts unlinked: list membership belongs to an object, not to its value, so copying
  /// an element must not make a second object claim the first one's place on a list.
  constexpr ListNode(const ListNode&) noexcept {}
  /// Keeps this node's own links, for the same reason as the copy constructor.
  constexpr ListNode& operator=(const ListNode&) noexcept { return *this; }
  /// Panics if the node is still linked: its neighbours would point at freed memory.
  ~ListNode() { MOS_ASSERT(!is_linked()); }

  /// Whether the node is on a list.
  constexpr bool is_linked() const noexcept { return next_ != nullptr; }

 private:
  template <class T, ListNode T::*Member>
  friend class IntrusiveList;

  // Both null while unlinked. On a list the links form a ring through the list's sentinel.
  ListNode* prev_ = nullptr;
  ListNode* next_ = nullptr;
};

/// A doubly-linked list of T threaded through the ListNode member `Member` of each element,
/// e.g. `IntrusiveList<Thread, &Thread::run_queue_node>`. Every operation but clear(),
/// remove_if() and contains() is O(1). Linking an element that is already linked, or unlinking
/// one that is not, is a programmer error and panics. Not synchronised: the owner of the list
/// names the lock that protects it.
template <class T, ListNode T::*Member>
class IntrusiveList {
  template <bool Const>
  class Iterator;

 public:
  /// The standard container member types, so that generic code and std algorithms apply.
  using value_type = T;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = T&;
  using const_reference = const T&;
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  /// An empty list. constexpr so that a global list needs no run-time constructor.
  constexpr IntrusiveList() noexcept { head_.prev_ = head_.next_ = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  /// Takes over all of `other`'s elements, leaving `other` empty.
  IntrusiveList(IntrusiveList&& other) noexcept : IntrusiveList() { splice(end(), other); }
  /// Unlinks this list's elements, then takes over all of `other`'s.
  IntrusiveList& operator=(IntrusiveList&& other) noexcept {
    if (this != &other) {
      clear();
      splice(end(), other);
    }
    return *this;
  }
  /// Unlinks every element (the list does not own them, so they live on unlinked).
  ~IntrusiveList() {
    clear();
    // The sentinel is a ListNode too, and ListNode's destructor checks that it is unlinked.
    head_.prev_ = head_.next_ = nullptr;
  }

  /// Links `value` as the first element.
  void push_front(T& value) noexcept { link_before(head_.next_, node_of(value)); }
  /// Links `value` as the last element.
  void push_back(T& value) noexcept { link_before(&head_, node_of(value)); }
  /// Links `value` before `pos` (end() appends) and returns an iterator to it.
  iterator insert(const_iterator pos, T& value) noexcept {
    ListNode& node = node_of(value);
    link_before(pos.node_, node);
    return iterator(&node);
  }

  /// Unlinks and returns the first element, or nullptr when the list is empty.
  T* pop_front() noexcept {
    if (empty()) return nullptr;
    ListNode* node = head_.next_;
    unlink(*node);
    return &owner_of(*node);
  }
  /// Unlinks and returns the last element, or nullptr when the list is empty.
  T* pop_back() noexcept {
    if (empty()) return nullptr;
    ListNode* node = head_.prev_;
    unlink(*node);
    return &owner_of(*node);
  }

  /// Unlinks the element at `pos` and returns an iterator to the one after it.
  iterator erase(const_iterator pos) noexcept {
    MOS_ASSERT(pos.node_ != &head_);
    ListNode* next = pos.node_->next_;
    unlink(*pos.node_);
    return iterator(next);
  }
  /// Unlinks `value`, which must be on this list, and returns an iterator to the element after
  /// it. Only "on some list" is checked: proving "on this list" would cost a walk.
  iterator erase(T& value) noexcept { return erase(iterator_to(value)); }
  /// Unlinks every element for which `pred(element)` is true; returns how many it unlinked.
  template <class Pred>
  std::size_t remove_if(Pred pred) noexcept(noexcept(pred(std::declval<T&>()))) {
    std::size_t removed = 0;
    for (auto it = begin(); it != end();) {
      if (pred(*it)) {
        it = erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }
  /// Unlinks every element.
  void clear() noexcept {
    while (pop_front() != nullptr) {
    }
  }

  /// Moves every element of `other` before `pos`, in order, leaving `other` empty. O(1).
  void splice(const_iterator pos, IntrusiveList& other) noexcept {
    MOS_ASSERT(&other != this);
    if (other.empty()) return;
    ListNode* first = other.head_.next_;
    ListNode* last = other.head_.prev_;
    ListNode* after = pos.node_;
    ListNode* before = after->prev_;
    before->next_ = first;
    first->prev_ = before;
    last->next_ = after;
    after->prev_ = last;
    size_ += other.size_;
    other.head_.prev_ = other.head_.next_ = &other.head_;
    other.size_ = 0;
  }

  /// The first element; the list must not be empty.
  T& front() noexcept {
    MOS_ASSERT(!empty());
    return owner_of(*head_.next_);
  }
  /// The first element; the list must not be empty.
  const T& front() const noexcept {
    MOS_ASSERT(!empty());
    return owner_of(*head_.next_);
  }
  /// The last element; the list must not be empty.
  T& back() noexcept {
    MOS_ASSERT(!empty());
    return owner_of(*head_.prev_);
  }
  /// The last element; the list must not be empty.
  const T& back() const noexcept {
    MOS_ASSERT(!empty());
    return owner_of(*head_.prev_);
  }

  /// Whether `value` is linked through this list's member, on this list or another one.
  static bool is_linked(const T& value) noexcept { return (value.*Member).is_linked(); }
  /// Whether `value` is on this list. O(n): meant for assertions and tests.
  bool contains(const T& value) const noexcept {
    for (const T& element : *this) {
      if (&element == &value) return true;
    }
    return false;
  }

  /// An iterator to `value`, which must be linked (on this list, which is not checked).
  iterator iterator_to(T& value) noexcept {
    ListNode& node = value.*Member;
    MOS_ASSERT(node.is_linked());
    return iterator(&node);
  }
  /// An iterator to `value`, which must be linked (on this list, which is not checked).
  const_iterator iterator_to(const T& value) const noexcept {
    const ListNode& node = value.*Member;
    MOS_ASSERT(node.is_linked());
    return const_iterator(&node);
  }

  /// The number of elements, kept as a count so that it is O(1).
  std::size_t size() const noexcept { return size_; }
  /// Whether the list has no elements.
  bool empty() const noexcept { return size_ == 0; }

  /// Iteration from the first element to the last.
  iterator begin() noexcept { return iterator(head_.next_); }
  /// Past the last element.
  iterator end() noexcept { return iterator(&head_); }
  /// Iteration from the first element to the last.
  const_iterator begin() const noexcept { return const_iterator(head_.next_); }
  /// Past the last element.
  const_iterator end() const noexcept { return const_iterator(&head_); }
  /// Iteration from the first element to the last.
  const_iterator cbegin() const noexcept { return begin(); }
  /// Past the last element.
  const_iterator cend() const noexcept { return end(); }
  /// Iteration from the last element to the first.
  reverse_iterator rbegin() noexcept { return reverse_iterator(end()); }
  /// Before the first element.
  reverse_iterator rend() noexcept { return reverse_iterator(begin()); }
  /// Iteration from the last element to the first.
  const_reverse_iterator rbegin() const noexcept { return const_reverse_iterator(end()); }
  /// Before the first element.
  const_reverse_iterator rend() const noexcept { return const_reverse_iterator(begin()); }

 private:
  // Iterators point at nodes; the end iterator points at the sentinel. A const_iterator keeps a
  // mutable node pointer because the list's mutators take const_iterator positions, as the
  // standard containers do; it hands out only const elements.
  template <bool Const>
  class Iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const T*, T*>;
    using reference = std::conditional_t<Const, const T&, T&>;

    constexpr Iterator() noexcept = default;
    /// An iterator converts to a const_iterator. A template, so that it never counts as the
    /// copy constructor.
    template <bool OtherConst>
      requires(Const && !OtherConst)
    constexpr Iterator(const Iterator<OtherConst>& other) noexcept  // NOLINT: as in std containers
        : node_(other.node_) {}

    reference operator*() const noexcept { return owner_of(*node_); }
    pointer operator->() const noexcept { return &owner_of(*node_); }
    Iterator& operator++() noexcept {
      node_ = node_->next_;
      return *this;
    }
    Iterator operator++(int) noexcept {
      Iterator old = *this;
      node_ = node_->next_;
      return old;
    }
    Iterator& operator--() noexcept {
      node_ = node_->prev_;
      return *this;
    }
    Iterator operator--(int) noexcept {
      Iterator old = *this;
      node_ = node_->prev_;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
      return a.node_ == b.node_;
    }

   private:
    friend class IntrusiveList;
    friend class Iterator<!Const>;

    explicit Iterator(const ListNode* node) noexcept : node_(const_cast<ListNode*>(node)) {}

    ListNode* node_ = nullptr;
  };

  static ListNode& node_of(T& value) noexcept { return value.*Member; }

  // container_of: the node's offset inside T. The Itanium C++ ABI (2.3), which GCC follows on
  // every platform Mosaic builds for, represents a pointer to data member as exactly that offset
  // in a ptrdiff_t. (Measuring the offset through a T* into raw storage instead is undefined
  // behaviour, and GCC's points-to analysis did miscompile SlabFront's lists that way.)
  static std::ptrdiff_t node_offset() noexcept {
    static_assert(sizeof(Member) == sizeof(std::ptrdiff_t));
    return std::bit_cast<std::ptrdiff_t>(Member);
  }
  static T& owner_of(ListNode& node) noexcept {
    return *reinterpret_cast<T*>(reinterpret_cast<unsigned char*>(&node) - node_offset());
  }
  static const T& owner_of(const ListNode& node) noexcept {
    return *reinterpret_cast<const T*>(reinterpret_cast<const unsigned char*>(&node) -
                                       node_offset());
  }

  void link_before(ListNode* next, ListNode& node) noexcept {
    MOS_ASSERT(!node.is_linked());
    ListNode* prev = next->prev_;
    node.prev_ = prev;
    node.next_ = next;
    prev->next_ = &node;
    next->prev_ = &node;
    ++size_;
  }
  void unlink(ListNode& node) noexcept {
    MOS_ASSERT(node.is_linked());
    node.prev_->next_ = node.next_;
    node.next_->prev_ = node.prev_;
    node.prev_ = node.next_ = nullptr;
    --size_;
  }

  ListNode head_;  // The sentinel: the ring's start and end, and the end iterator's node.
  std::size_t size_ = 0;
};

}  // namespace mos
