// One fuzz target = one function over bytes, declared with EKYC_FUZZ_TARGET(name).
//
// Built two ways from the same file (fuzz/CMakeLists.txt):
//   - libFuzzer build (`make fuzz`, clang, EKYC_LIBFUZZER defined): the file becomes the
//     LLVMFuzzerTestOneInput of its own binary <name>_fuzz, with ASan and UBSan;
//   - every other build: the function is registered by name, and fuzz_regression_test replays the
//     committed seed corpus (fuzz/corpus/<name>/) and every input that once crashed it
//     (fuzz/regressions/<name>/) through it, so a fixed crash stays fixed in `make test`.
//
// A target returns 0 and must not crash, hang, leak or touch the network, whatever the bytes.
// Thread-safety: targets are called from one thread; fixtures are function-local statics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ekyc::fuzz {

using TargetFn = int (*)(const uint8_t* data, size_t size);

// Name -> target, filled by EKYC_FUZZ_TARGET at static initialisation (non-libFuzzer builds).
std::map<std::string, TargetFn>& Targets();

struct TargetRegistrar {
  TargetRegistrar(const char* name, TargetFn fn) { Targets()[name] = fn; }
};

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace ekyc::fuzz

#ifdef EKYC_LIBFUZZER
#define EKYC_FUZZ_TARGET(name)                                              \
  static int EkycFuzz_##name(const uint8_t* data, size_t size);             \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    return EkycFuzz_##name(data, size);                                     \
  }                                                                         \
  static int EkycFuzz_##name(const uint8_t* data, size_t size)
#else
#define EKYC_FUZZ_TARGET(name)                                                                   \
  static int EkycFuzz_##name(const uint8_t* data, size_t size);                                  \
  static const ::ekyc::fuzz::TargetRegistrar ekyc_fuzz_registrar_##name(#name, EkycFuzz_##name); \
  static int EkycFuzz_##name(const uint8_t* data, size_t size)
#endif
