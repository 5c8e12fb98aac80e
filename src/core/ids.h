// Random identifiers and constant-time comparison.
//
// Thread-safety: free functions; safe from any thread (OpenSSL's RAND is thread-safe).
#pragma once

#include <string>
#include <string_view>

namespace ekyc {

// A random RFC 4122 version-4 UUID, lower case ("d7e51de2-e075-4e9c-976d-bf82b8246e6f").
std::string NewUuid();
// `n_bytes` random bytes as lower-case hex.
std::string RandomHex(size_t n_bytes);
// Hex sha256 of `data`.
std::string Sha256Hex(std::string_view data);
// Compares without early exit, so timing does not reveal how much of a secret matched.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ekyc
