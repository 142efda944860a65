#include "tests/support/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

namespace test_support {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
}

struct slist_deleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using slist = std::unique_ptr<curl_slist, slist_deleter>;

slist header_list(const http_headers& headers) {
  curl_slist* list = nullptr;
  // Keep the connection for the next request; no "Expect: 100-continue" for larger bodies.
  for (const char* fixed : {"Connection: keep-alive", "Expect:"})
    list = curl_slist_append(list, fixed);
  for (const std::string& h : headers)
    list = curl_slist_append(list, h.c_str());
  return slist(list);
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  const auto start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* out) {
  auto& headers = *static_cast<std::map<std::string, std::string>*>(out);
  const std::string line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers.clear();  // a new response (after 100 Continue): its headers only
    return line.size();
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string::npos) return line.size();
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string value = trimmed(line.substr(colon + 1));
  auto [it, added] = headers.emplace(name, value);
  if (!added) it->second += ", " + value;
  return line.size();
}

}  // namespace

struct http_client::handle {
  struct deleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
  };
  std::unique_ptr<CURL, deleter> curl;
};

http_client::http_client() : m_handle(std::make_unique<handle>()) {
  global_init();
  m_handle->curl.reset(curl_easy_init());
  if (!m_handle->curl) throw std::runtime_error("curl_easy_init failed");
}

http_client::~http_client() = default;

http_response http_client::get(const std::string& url, const http_headers& headers) {
  return request("GET", url, {}, headers);
}

http_response http_client::post(const std::string& url, const std::string& body,
                                const http_headers& headers) {
  return request("POST", url, body, headers);
}

http_response http_client::request(const std::string& method, const std::string& url,
                                   const std::string& body, const http_headers& headers) {
  CURL* c = m_handle->curl.get();
  curl_easy_reset(c);  // options only: the connection stays open for reuse
  http_response out;
  const slist list = header_list(headers);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(m_timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.headers);
  if (m_decompress) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (method != "GET" || !body.empty()) {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK)
    throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(code));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

}  // namespace test_support
