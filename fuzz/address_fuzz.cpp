// Free address text through the administrative-units normaliser (the real index, built by the
// project at <build>/data/vn-admin.tsv, or EKYC_VN_INDEX) and its JSON output.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "fuzz/fuzz_target.h"
#include "vn/vn.h"

namespace {

const ekyc::vn::AddressNormalizer& Normalizer() {
  static const std::shared_ptr<const ekyc::vn::AddressNormalizer> n = [] {
    const char* env = std::getenv("EKYC_VN_INDEX");
    std::string path = env != nullptr ? env : EKYC_BINARY_DIR "/data/vn-admin.tsv";
    auto created = ekyc::vn::CreateAddressNormalizer(path);
    if (!created.ok()) {
      std::fprintf(stderr, "address fuzz target: %s\n", created.status().ToString().c_str());
      std::abort();
    }
    return *created;
  }();
  return *n;
}

}  // namespace

EKYC_FUZZ_TARGET(address) {
  const auto& normalizer = Normalizer();
  auto a = normalizer.Normalize(ekyc::fuzz::AsView(data, size));
  if (a.score < 0 || a.score > 1) __builtin_trap();
  (void)normalizer.ToJson(a).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
