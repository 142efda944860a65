#pragma once
#include <atomic>
#include <cstddef>
#include <string_view>

#include "geo/error.hpp"

namespace geo {

/// Where long work reports how far it is; the command line draws a bar or writes log lines.
class progress {
 public:
  virtual ~progress() = default;
  /// What a stage counts, so that rates read "rows/s" or "MB/s".
  enum class unit { items, bytes };
  /// A new stage of `total` units; 0 when unknown.
  virtual void start(std::string_view stage, std::size_t total, unit counted) = 0;
  virtual void advance(std::size_t done) = 0;
  virtual void finish() = 0;
};

/// A progress sink that shows nothing, for tests and library callers.
class silent_progress final : public progress {
 public:
  void start(std::string_view, std::size_t, unit) override {}
  void advance(std::size_t) override {}
  void finish() override {}
};

/// Progress of work on another thread, read by the thread that owns the real progress sink.
class shared_progress final : public progress {
 public:
  void start(std::string_view, std::size_t total, unit) override {
    m_done.store(0);
    m_total.store(total);
  }
  void advance(std::size_t done) override { m_done.store(done); }
  void finish() override { m_done.store(m_total.load()); }
  std::size_t total() const { return m_total.load(); }
  std::size_t done() const { return m_done.load(); }

 private:
  std::atomic<std::size_t> m_total{0};
  std::atomic<std::size_t> m_done{0};
};

/// A flag set from a signal handler (Ctrl-C) and checked between rows.
class stop_token {
 public:
  stop_token() = default;
  explicit stop_token(const std::atomic<bool>* flag) : m_flag(flag) {}
  bool requested() const { return m_flag && m_flag->load(std::memory_order_relaxed); }
  /// Throws interrupted_error naming where the work stopped.
  void check(std::string_view where) const {
    if (requested()) throw interrupted_error("interrupted during " + std::string(where));
  }

 private:
  const std::atomic<bool>* m_flag = nullptr;
};

}  // namespace geo
