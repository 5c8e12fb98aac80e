// Drives cpp-httplib's request reader (request line, headers, Content-Length, multipart/form-data)
// over bytes in memory instead of a socket, then hands the parsed request to api::ParseBody as
// the server does. httplib exposes process_request to subclasses for exactly this.
//
// Thread-safety: one HttpHarness per thread.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "api/api.h"
#include "api/parse.h"

namespace ekyc::fuzz {

// A Stream that reads from a byte buffer and discards what is written.
class MemoryStream : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    written_ += size;
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8443;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  size_t written_ = 0;
};

class HttpHarness : public httplib::Server {
 public:
  explicit HttpHarness(size_t max_body) {
    set_payload_max_length(max_body);
    Post(R"(/call/([A-Za-z0-9_]+)/?)", [](const httplib::Request& req, httplib::Response& res) {
      api::Request parsed;
      Status s = api::ParseBody(req, parsed);
      // Touch what a route would read, so the fuzzer sees every byte reach a consumer.
      size_t bytes = 0;
      for (const auto& [name, value] : parsed.fields) bytes += name.size() + value.size();
      for (const auto& [name, file] : parsed.files)
        bytes += name.size() + file.content.size() + file.filename.size();
      res.set_content(s.ok() ? std::to_string(bytes) : s.reason(), "text/plain");
    });
  }
  // Reads one request from `raw` and answers it (the answer is discarded).
  void Feed(std::string_view raw) {
    MemoryStream stream(raw);
    bool closed = false;
    process_request(stream, /*close_connection=*/true, closed, nullptr);
  }
};

}  // namespace ekyc::fuzz
