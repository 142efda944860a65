#include "geo/interned_text.hpp"

#include <mutex>
#include <ostream>
#include <unordered_map>

namespace geo {

struct interned_text::entry {
  std::string text;
  mutable std::atomic<std::size_t> holders;
};

namespace {

// The table of texts held. Never destroyed: records in static storage may outlive it.
struct text_table {
  std::mutex mutex;
  std::unordered_map<std::string_view, const void*> by_text;  // views of entries' own text
};

text_table& table() {
  static text_table* const t = new text_table;
  return *t;
}

const std::string& empty_text() {
  static const std::string* const e = new std::string;
  return *e;
}

}  // namespace

interned_text::interned_text(std::string_view text) {
  if (text.empty()) return;
  text_table& t = table();
  const std::lock_guard lock(t.mutex);
  if (const auto it = t.by_text.find(text); it != t.by_text.end()) {
    m_entry = static_cast<const entry*>(it->second);
    m_entry->holders.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto* e = new entry{std::string(text), 1};
  t.by_text.emplace(e->text, e);
  m_entry = e;
}

interned_text::interned_text(const interned_text& other) noexcept : m_entry(other.m_entry) {
  // A holder exists (other), so the count is not 0 and cannot reach it meanwhile.
  if (m_entry) m_entry->holders.fetch_add(1, std::memory_order_relaxed);
}

interned_text& interned_text::operator=(const interned_text& other) noexcept {
  if (m_entry != other.m_entry) {
    if (other.m_entry) other.m_entry->holders.fetch_add(1, std::memory_order_relaxed);
    release(m_entry);
    m_entry = other.m_entry;
  }
  return *this;
}

interned_text& interned_text::operator=(interned_text&& other) noexcept {
  if (this != &other) {
    release(m_entry);
    m_entry = other.m_entry;
    other.m_entry = nullptr;
  }
  return *this;
}

void interned_text::release(const entry* e) noexcept {
  if (!e) return;
  // Above one, another holder keeps the entry: no lock. The last one takes the table's lock,
  // under which alone a count goes from 0 to 1 (a text interned again), so the entry is
  // freed only when no one took it up in between.
  std::size_t n = e->holders.load(std::memory_order_relaxed);
  while (n > 1)
    if (e->holders.compare_exchange_weak(n, n - 1, std::memory_order_acq_rel)) return;
  text_table& t = table();
  const std::lock_guard lock(t.mutex);
  if (e->holders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    t.by_text.erase(e->text);
    delete e;
  }
}

const std::string& interned_text::str() const noexcept {
  return m_entry ? m_entry->text : empty_text();
}

std::size_t interned_text::holders() const noexcept {
  return m_entry ? m_entry->holders.load(std::memory_order_relaxed) : 0;
}

std::size_t interned_text::distinct_count() {
  text_table& t = table();
  const std::lock_guard lock(t.mutex);
  return t.by_text.size();
}

std::ostream& operator<<(std::ostream& out, const interned_text& t) {
  return out << t.str();
}

}  // namespace geo
