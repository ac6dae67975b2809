#include "input.hpp"

namespace mos::sh {

Input::~Input() {
  for (Source& s : strings_) free(s.text);
}

void Input::push_string(const char* s, const char* alias) {
  // Characters put back belong to the text being read before `s`: they become a source below.
  if (!pushback_.empty()) {
    StrBuf back;
    for (size_t i = pushback_.size(); i-- > 0;) back.push(static_cast<char>(pushback_[i]));
    pushback_.clear();
    strings_.push(Source{back.release(), 0, nullptr});
  }
  strings_.push(Source{dup_str(s), 0, alias});
}

bool Input::alias_active(const char* name) const {
  for (const Source& s : strings_) {
    if (s.alias != nullptr && strcmp(s.alias, name) == 0 && s.text[s.pos] != '\0') return true;
  }
  return false;
}

int Input::get_raw() {
  if (!pushback_.empty()) {
    const int c = pushback_.back();
    pushback_.pop();
    return c;
  }
  while (!strings_.empty()) {
    Source& s = strings_.back();
    if (s.text[s.pos] != '\0') return static_cast<unsigned char>(s.text[s.pos++]);
    free(s.text);
    strings_.pop();
  }
  if (line_pos_ < line_.size()) return static_cast<unsigned char>(line_[line_pos_++]);
  if (read_line_ == nullptr || eof_) return -1;
  line_.clear();
  line_pos_ = 0;
  bool cancelled = false;
  const bool got = read_line_(read_ctx_, line_, continuation_, &cancelled);
  continuation_ = true;
  if (cancelled) {
    cancelled_ = true;
    line_.clear();
    return -1;
  }
  if (!got || line_.empty()) {
    eof_ = !got;
    if (line_.empty()) return -1;
  }
  return static_cast<unsigned char>(line_[line_pos_++]);
}

int Input::get() {
  const int c = get_raw();
  if (c == '\n') ++newlines_;
  if (c >= 0) {
    for (StrBuf* r : recorders_) r->push(static_cast<char>(c));
  }
  return c;
}

void Input::unget(int c) {
  if (c < 0) return;
  pushback_.push(c);
  if (c == '\n') --newlines_;
  for (StrBuf* r : recorders_) {
    if (!r->empty()) r->truncate(r->size() - 1);
  }
}

void Input::discard_line() {
  pushback_.clear();
  for (Source& s : strings_) free(s.text);
  strings_.clear();
  line_.clear();
  line_pos_ = 0;
}

}  // namespace mos::sh
