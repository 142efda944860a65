#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

/// An HTTP response as the client received it: the body exactly as sent (gzip stays gzip
/// unless the client decompresses), header names lowercased (a repeated header's values
/// joined with ", ").
struct http_response {
  long status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  std::optional<std::string> header(const std::string& lowercase_name) const {
    const auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};

/// Request headers as "Name: value" lines, e.g. {"Authorization: Bearer sst_..."}.
using http_headers = std::vector<std::string>;

/// A libcurl easy handle, owned: requests on one client reuse its connection (keep-alive, sent
/// explicitly since Pistache closes HTTP/1.1 connections that do not ask for it). Not for use
/// from several threads at once; make one client per thread. Throws std::runtime_error naming
/// the URL when no response arrives (refused connection, timeout).
class http_client {
 public:
  http_client();
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  http_response get(const std::string& url, const http_headers& headers = {});
  http_response post(const std::string& url, const std::string& body,
                     const http_headers& headers = {});
  /// Any method (HEAD reads no body); `body` is sent when not empty.
  http_response request(const std::string& method, const std::string& url,
                        const std::string& body = {}, const http_headers& headers = {});

  /// When on, curl offers gzip and decodes what comes back (off: bodies stay as sent).
  void set_decompress(bool on) { m_decompress = on; }
  void set_timeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

 private:
  struct handle;
  std::unique_ptr<handle> m_handle;
  bool m_decompress = false;
  std::chrono::milliseconds m_timeout{60000};
};

}  // namespace test_support
