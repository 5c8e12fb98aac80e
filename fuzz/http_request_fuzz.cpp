// A whole HTTP request as a client could send it: request line, headers, body (cpp-httplib's
// reader, then api::ParseBody for multipart/form-data and JSON bodies).
#include "fuzz/fuzz_target.h"
#include "fuzz/http_harness.h"

EKYC_FUZZ_TARGET(http_request) {
  static ekyc::fuzz::HttpHarness* harness = new ekyc::fuzz::HttpHarness(1 << 20);
  harness->Feed(ekyc::fuzz::AsView(data, size));
  return 0;
}
