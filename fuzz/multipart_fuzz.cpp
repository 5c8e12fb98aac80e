// A multipart/form-data body behind fixed, valid headers (boundary "ekycfuzz", exact
// Content-Length), so every mutation lands in the part headers, boundaries and contents that
// httplib's multipart reader and api::ParseBody take apart.
#include "fuzz/fuzz_target.h"
#include "fuzz/http_harness.h"

EKYC_FUZZ_TARGET(multipart) {
  static ekyc::fuzz::HttpHarness* harness = new ekyc::fuzz::HttpHarness(1 << 20);
  std::string raw =
      "POST /call/predict HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: multipart/form-data; boundary=ekycfuzz\r\nContent-Length: " +
      std::to_string(size) + "\r\n\r\n";
  raw.append(reinterpret_cast<const char*>(data), size);
  harness->Feed(raw);
  return 0;
}
