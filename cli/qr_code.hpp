#pragma once
#include <string>
#include <vector>

namespace cli {

/// A QR code (ISO/IEC 18004) of a text, made with libqrencode at error correction level M:
/// its modules as rows of dark (true) and light (false), without the quiet zone.
class qr_code {
 public:
  /// geo::library_error when libqrencode cannot encode `text` (too long, out of memory).
  explicit qr_code(const std::string& text);

  std::size_t width() const { return m_width; }
  bool dark(std::size_t row, std::size_t column) const { return m_modules[row * m_width + column]; }

  /// For a terminal: two module rows per line in UTF-8 half blocks (▀ ▄ █), light modules
  /// drawn in white on black whatever the terminal's colours, with the 4-module quiet zone
  /// ISO/IEC 18004 §6.3.8 asks for.
  std::string terminal_text() const;
  /// As a PNG image (8-bit greyscale, `scale` pixels a module, quiet zone included).
  std::string png(unsigned scale = 8) const;

 private:
  std::size_t m_width = 0;
  std::vector<bool> m_modules;
};

}  // namespace cli
