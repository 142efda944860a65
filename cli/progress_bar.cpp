#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>

namespace cli {

progress_bar::progress_bar(std::FILE* out) : m_out(out), m_terminal(isatty(fileno(out)) == 1) {}

void progress_bar::start(std::string_view stage, std::size_t total, unit counted) {
  m_stage = stage;
  m_total = total;
  m_unit = counted;
  m_done = 0;
  m_started = m_drawn = clock::now();
  if (m_terminal) draw(false);
}

void progress_bar::advance(std::size_t done) {
  m_done = done;
  // Redrawing more than ~10 times a second costs time and shows nothing more.
  if (m_terminal && clock::now() - m_drawn > std::chrono::milliseconds(100)) draw(false);
}

void progress_bar::finish() {
  if (m_total > 0) m_done = m_total;
  draw(true);
}

void progress_bar::draw(bool final_line) {
  m_drawn = clock::now();
  const double seconds = std::chrono::duration<double>(m_drawn - m_started).count();
  if (!m_terminal) {
    if (final_line) std::fprintf(m_out, "sasaran: %s done in %.2f s\n", m_stage.c_str(), seconds);
    return;
  }
  const double share =
      m_total ? std::min(1.0, static_cast<double>(m_done) / static_cast<double>(m_total)) : 0;
  constexpr int width = 30;
  const int filled = static_cast<int>(share * width);
  const double rate = seconds > 0 ? static_cast<double>(m_done) / seconds : 0;
  const double eta = rate > 0 && m_total ? static_cast<double>(m_total - m_done) / rate : 0;
  std::fprintf(m_out, "\r\033[K%-24.24s [%.*s%*s] %3.0f%% ", m_stage.c_str(), filled,
               "##############################", width - filled, "", share * 100);
  if (m_unit == unit::bytes)
    std::fprintf(m_out, "%7.1f MB/s ", rate / 1e6);
  else
    std::fprintf(m_out, "%9.0f/s ", rate);
  if (final_line)
    std::fprintf(m_out, "%.2f s\n", seconds);
  else
    std::fprintf(m_out, "ETA %.0f s", eta);
  std::fflush(m_out);
}

}  // namespace cli
