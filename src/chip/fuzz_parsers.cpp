// libFuzzer target over every chip parser: the first byte picks the parser, the rest is its input.
// Built with -DEKYC_FUZZ=ON and clang (chip_fuzz); without it the same function is compiled into
// chip_fuzz_replay, which runs it over files named on its command line (a corpus or a crash).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chip/chip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace ekyc::chip;
  switch (data[0] % 9) {
    case 0:
      (void)ParseCom(in);
      break;
    case 1:
      (void)ParseDg1(in);
      break;
    case 2:
      if (auto d = ParseDg2(in); d.ok()) (void)DecodePortrait(*d);
      break;
    case 3:
      (void)ParseDg13(in);
      break;
    case 4:
      (void)ParseDg14(in);
      break;
    case 5:
      if (auto d = ParseDg15(in); d.ok()) {
        (void)VerifyActiveAuthentication(*d, std::nullopt,
                                         {"12345678", std::string(in.substr(0, 256))});
      }
      break;
    case 6:
      if (auto s = ParseSod(in); s.ok()) (void)VerifySodSignature(*s);
      break;
    case 7: {
      Dg2 d;
      d.kind = ImageKind::kJpeg2000Codestream;
      d.image = std::string(in);
      (void)DecodePortrait(d);
      break;
    }
    default: {
      Dg2 d;
      d.kind = ImageKind::kJpeg2000;
      d.image = std::string(in);
      (void)DecodePortrait(d);
      break;
    }
  }
  return 0;
}
