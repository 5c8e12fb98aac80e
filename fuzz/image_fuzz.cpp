// Image bytes: format sniffing, the header parsers (JPEG markers, PNG chunks, WebP, BMP) and
// decoding under the byte and pixel limits. The pixel limit is 4 MP here instead of 40 MP so
// that the fuzzer spends its time on parsing, not on decoding big images; the check is the same.
#include "fuzz/fuzz_target.h"
#include "input/input.h"

EKYC_FUZZ_TARGET(image) {
  const std::string_view bytes = ekyc::fuzz::AsView(data, size);
  auto header = ekyc::input::ReadImageHeader(bytes);
  ekyc::input::InputPolicy policy;
  policy.max_pixels = 4'000'000;
  auto image = ekyc::input::DecodeImageBytes(bytes, policy);
  if (image.ok()) {
    // What DecodeImageBytes promises: 8-bit BGR within the pixel limit, and a header it read.
    if (!header.ok() || image->bgr.type() != CV_8UC3 ||
        int64_t{image->bgr.cols} * image->bgr.rows > policy.max_pixels) {
      __builtin_trap();
    }
  }
  return 0;
}
