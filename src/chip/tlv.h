// BER-TLV reading for the LDS files (internal): headers are decoded by OpenSSL's ASN1_get_object,
// which bounds every length by the bytes that remain; this file only walks the elements.
//
// Thread-safety: pure functions over views of the caller's bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ekyc::chip {

struct Tlv {
  uint32_t tag = 0;  // the tag bytes as ICAO writes them: 0x61, 0x5F1F, 0x7F61, 0x30 ...
  int cls = 0;       // OpenSSL class: V_ASN1_UNIVERSAL, _APPLICATION, _CONTEXT_SPECIFIC
  int number = 0;    // tag number within the class
  bool constructed = false;
  std::string_view value;  // the contents
  std::string_view whole;  // header + contents
};

// Reads the element at the front of `in` and advances past it. `what` names the file in errors
// (reason chip.<what>_malformed). Indefinite lengths are refused (the LDS is DER).
Result<Tlv> ReadTlv(std::string_view& in, const char* what);
// The whole input must be one element with tag `expected` (no bytes after it).
Result<Tlv> ReadSingle(std::string_view bytes, uint32_t expected, const char* what);
// The elements inside a constructed element, at most `max_children`.
Result<std::vector<Tlv>> Children(const Tlv& parent, const char* what, size_t max_children = 256);
// The first child with tag `tag`; a status naming `what` when there is none.
Result<Tlv> FindChild(const std::vector<Tlv>& children, uint32_t tag, const char* what);

// InvalidArgument "chip.<what>_malformed" with `message`.
Status Malformed(const char* what, const std::string& message);
// Hex form of a tag for messages ("0x5F1F").
std::string TagName(uint32_t tag);

}  // namespace ekyc::chip
