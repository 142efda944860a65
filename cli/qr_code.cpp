#include "cli/qr_code.hpp"

#include <qrencode.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "geo/error.hpp"

namespace cli {
namespace {

constexpr std::size_t quiet_zone = 4;

void append_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xff));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

// PNG §5.3: length, type, data, CRC-32 of type and data.
void append_chunk(std::string& out, const char* type, const std::string& data) {
  append_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out += typed;
  append_u32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                                                   static_cast<uInt>(typed.size()))));
}

}  // namespace

qr_code::qr_code(const std::string& text) {
  const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code)
    throw geo::library_error(std::string("libqrencode could not encode the link: ") +
                             std::strerror(errno));
  m_width = static_cast<std::size_t>(code->width);
  m_modules.resize(m_width * m_width);
  for (std::size_t i = 0; i < m_modules.size(); ++i)
    m_modules[i] = (code->data[i] & 1) != 0;  // qrencode.h: bit 0 is the module's colour
}

std::string qr_code::terminal_text() const {
  const std::size_t size = m_width + 2 * quiet_zone;
  const auto dark_at = [&](std::size_t row, std::size_t column) {
    if (row < quiet_zone || column < quiet_zone) return false;
    row -= quiet_zone;
    column -= quiet_zone;
    return row < m_width && column < m_width && dark(row, column);
  };
  std::string out;
  for (std::size_t row = 0; row < size; row += 2) {
    out += "\x1b[97;40m";
    for (std::size_t column = 0; column < size; ++column) {
      const bool top_light = !dark_at(row, column);
      const bool bottom_light = row + 1 < size ? !dark_at(row + 1, column) : false;
      out += top_light && bottom_light ? "\u2588"
             : top_light               ? "\u2580"
             : bottom_light            ? "\u2584"
                                       : " ";
    }
    out += "\x1b[0m\n";
  }
  return out;
}

std::string qr_code::png(unsigned scale) const {
  const std::size_t side = (m_width + 2 * quiet_zone) * scale;
  std::string raw;
  raw.reserve(side * (side + 1));
  for (std::size_t y = 0; y < side; ++y) {
    raw.push_back('\0');  // filter type 0, none
    const std::size_t row = y / scale;
    for (std::size_t x = 0; x < side; ++x) {
      const std::size_t column = x / scale;
      const bool inside = row >= quiet_zone && column >= quiet_zone && row - quiet_zone < m_width &&
                          column - quiet_zone < m_width;
      raw.push_back(inside && dark(row - quiet_zone, column - quiet_zone) ? '\0' : '\xff');
    }
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK)
    throw geo::library_error("zlib could not compress the QR code's image");
  packed.resize(packed_size);

  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  append_u32(header, static_cast<std::uint32_t>(side));
  append_u32(header, static_cast<std::uint32_t>(side));
  header +=
      std::string("\x08\x00\x00\x00\x00", 5);  // depth 8, greyscale, deflate, filter, no interlace
  append_chunk(out, "IHDR", header);
  append_chunk(out, "IDAT", packed);
  append_chunk(out, "IEND", "");
  return out;
}

}  // namespace cli
