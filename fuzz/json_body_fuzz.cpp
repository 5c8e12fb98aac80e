// A JSON request body (application/json), as api::ParseBody turns it into fields.
#include <httplib.h>

#include "api/api.h"
#include "api/parse.h"
#include "fuzz/fuzz_target.h"

EKYC_FUZZ_TARGET(json_body) {
  httplib::Request req;
  req.set_header("Content-Type", "application/json; charset=utf-8");
  req.body.assign(reinterpret_cast<const char*>(data), size);
  ekyc::api::Request out;
  ekyc::Status s = ekyc::api::ParseBody(req, out);
  if (s.ok()) {
    size_t bytes = 0;
    for (const auto& [name, value] : out.fields) bytes += name.size() + value.size();
    if (out.Find("image") != nullptr) bytes += out.Find("image")->size();
    (void)bytes;
  }
  return 0;
}
