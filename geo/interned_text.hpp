#pragma once
#include <atomic>
#include <compare>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace geo {

/// An immutable text held once however many records hold it: a target's program, need, area
/// codes and registration date repeat across hundreds of thousands of targets (Jakarta: 36k
/// area codes, 18 needs, 308 dates for 250k targets), and one pointer each instead of a
/// std::string each is most of what a target weighs in a server (docs/benchmarks.md, "Memory
/// (issue 14)"). Reads like a const std::string: converts to one, compares and orders as
/// its text does (with texts, strings and other interned texts alike), empty(), size().
/// A text is kept in a process-wide table while some interned_text holds it and freed with
/// the last one, so texts of unloaded data do not pile up. Copies count references
/// atomically; making one from a string takes the table's lock. Safe from many threads as a
/// const std::string is.
class interned_text {
 public:
  interned_text() noexcept = default;
  interned_text(std::string_view text);
  interned_text(const std::string& text) : interned_text(std::string_view(text)) {}
  interned_text(const char* text) : interned_text(std::string_view(text)) {}
  interned_text(const interned_text& other) noexcept;
  interned_text(interned_text&& other) noexcept : m_entry(other.m_entry) {
    other.m_entry = nullptr;
  }
  interned_text& operator=(const interned_text& other) noexcept;
  interned_text& operator=(interned_text&& other) noexcept;
  ~interned_text() { release(m_entry); }

  const std::string& str() const noexcept;
  operator const std::string&() const noexcept { return str(); }
  operator std::string_view() const noexcept { return str(); }
  const char* c_str() const noexcept { return str().c_str(); }
  const char* data() const noexcept { return str().data(); }
  bool empty() const noexcept { return m_entry == nullptr; }
  std::size_t size() const noexcept { return str().size(); }
  std::size_t length() const noexcept { return size(); }
  std::string_view view() const noexcept { return str(); }
  /// Makes it the empty text.
  void clear() noexcept {
    release(m_entry);
    m_entry = nullptr;
  }

  /// How many interned_text hold this text now (0 for the empty text): for tests.
  std::size_t holders() const noexcept;
  /// How many distinct texts the process holds now: for tests and measurements.
  static std::size_t distinct_count();

  // Equal texts share one entry, so equality of two interned texts is one pointer compare.
  friend bool operator==(const interned_text& a, const interned_text& b) noexcept {
    return a.m_entry == b.m_entry;
  }
  friend bool operator==(const interned_text& a, const std::string& b) noexcept {
    return a.str() == b;
  }
  friend bool operator==(const interned_text& a, std::string_view b) noexcept {
    return std::string_view(a.str()) == b;
  }
  friend bool operator==(const interned_text& a, const char* b) noexcept {
    return std::string_view(a.str()) == std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const interned_text& a, const interned_text& b) noexcept {
    return a.m_entry == b.m_entry ? std::strong_ordering::equal : a.str() <=> b.str();
  }
  friend std::strong_ordering operator<=>(const interned_text& a, const std::string& b) noexcept {
    return a.str() <=> b;
  }
  friend std::strong_ordering operator<=>(const interned_text& a, std::string_view b) noexcept {
    return std::string_view(a.str()) <=> b;
  }
  friend std::strong_ordering operator<=>(const interned_text& a, const char* b) noexcept {
    return std::string_view(a.str()) <=> std::string_view(b);
  }
  friend std::string operator+(const std::string& a, const interned_text& b) { return a + b.str(); }
  friend std::string operator+(std::string&& a, const interned_text& b) {
    return std::move(a) + b.str();
  }
  friend std::string operator+(const interned_text& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const char* a, const interned_text& b) { return a + b.str(); }
  friend std::string operator+(const interned_text& a, const char* b) { return a.str() + b; }
  friend std::string operator+(const interned_text& a, char b) { return a.str() + b; }
  friend std::ostream& operator<<(std::ostream& out, const interned_text& t);

 private:
  struct entry;
  static void release(const entry* e) noexcept;

  const entry* m_entry = nullptr;  // null: the empty text
};

}  // namespace geo

template <>
struct std::hash<geo::interned_text> {
  std::size_t operator()(const geo::interned_text& t) const noexcept {
    return std::hash<std::string>{}(t.str());
  }
};
