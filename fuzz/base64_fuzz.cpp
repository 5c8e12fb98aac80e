// Base64 and data: URL text, through DecodeBase64 and LoadImage's handling of text fields
// (http(s) URLs are left out: a fuzz target never touches the network).
#include <cctype>

#include "fuzz/fuzz_target.h"
#include "input/input.h"

namespace {

bool StartsWithHttp(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  auto starts = [&](std::string_view p) {
    if (s.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(s[i])) != p[i]) return false;
    return true;
  };
  return starts("http://") || starts("https://");
}

}  // namespace

EKYC_FUZZ_TARGET(base64) {
  const std::string_view text = ekyc::fuzz::AsView(data, size);
  auto decoded = ekyc::input::DecodeBase64(text, 1 << 20);
  if (decoded.ok() && decoded->size() > (1u << 20)) __builtin_trap();  // the limit must hold
  if (!StartsWithHttp(text)) {
    ekyc::input::InputPolicy policy;
    policy.max_bytes = 1 << 20;
    policy.max_pixels = 4'000'000;
    (void)ekyc::input::LoadImage(text, policy);
  }
  return 0;
}
