#pragma once
#include <chrono>
#include <cstdio>
#include <string>

#include "geo/progress.hpp"

namespace cli {

/// Progress on stderr: a redrawn bar with rate and ETA on a terminal, one log line per stage
/// otherwise (so CI logs and pipes stay readable).
class progress_bar final : public geo::progress {
 public:
  explicit progress_bar(std::FILE* out);
  void start(std::string_view stage, std::size_t total, unit counted) override;
  void advance(std::size_t done) override;
  void finish() override;

 private:
  using clock = std::chrono::steady_clock;
  void draw(bool final_line);

  std::FILE* m_out;
  bool m_terminal;
  std::string m_stage;
  std::size_t m_total = 0;
  unit m_unit = unit::items;
  std::size_t m_done = 0;
  clock::time_point m_started;
  clock::time_point m_drawn;
};

}  // namespace cli
