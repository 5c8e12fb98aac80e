#include "chip/tlv.h"

#include <openssl/asn1.h>

#include <cstdio>

#include "chip/ossl.h"

namespace ekyc::chip {

Status Malformed(const char* what, const std::string& message) {
  return InvalidArgument(std::string("chip.") + what + "_malformed",
                         std::string(what) + ": " + message);
}

std::string TagName(uint32_t tag) {
  char buf[16];
  std::snprintf(buf, sizeof buf, tag > 0xFF ? "0x%04X" : "0x%02X", tag);
  return buf;
}

Result<Tlv> ReadTlv(std::string_view& in, const char* what) {
  if (in.empty()) return Malformed(what, "ends where an element was expected");
  const unsigned char* start = ossl::Bytes(in);
  const unsigned char* p = start;
  long length = 0;
  int tag = 0, cls = 0;
  // ASN1_get_object checks the header against `in.size()` and flags (0x80) a content length that
  // runs past the end; we refuse both, and indefinite lengths (0x21).
  int r = ASN1_get_object(&p, &length, &tag, &cls, static_cast<long>(in.size()));
  ossl::ClearErrors();
  if (r & 0x80)
    return Malformed(what, "an element's header or length runs past the end of the data");
  if (r == 0x21) return Malformed(what, "indefinite length (not DER)");
  const auto header = static_cast<size_t>(p - start);
  if (length < 0 || header + static_cast<size_t>(length) > in.size())
    return Malformed(what, "an element's length runs past the end of the data");
  Tlv t;
  t.cls = cls;
  t.number = tag;
  t.constructed = (r & V_ASN1_CONSTRUCTED) != 0;
  t.value = in.substr(header, static_cast<size_t>(length));
  t.whole = in.substr(0, header + static_cast<size_t>(length));
  // The tag as written: the identifier octets before the length octets.
  uint32_t encoded = 0;
  size_t i = 0;
  do {
    if (i >= header || i >= 4) return Malformed(what, "tag longer than 4 bytes");
    encoded = (encoded << 8) | start[i];
    ++i;
  } while ((i == 1 && (start[0] & 0x1F) == 0x1F) || (i > 1 && (start[i - 1] & 0x80) != 0));
  t.tag = encoded;
  in.remove_prefix(t.whole.size());
  return t;
}

Result<Tlv> ReadSingle(std::string_view bytes, uint32_t expected, const char* what) {
  std::string_view in = bytes;
  EKYC_ASSIGN_OR_RETURN(Tlv t, ReadTlv(in, what));
  if (t.tag != expected) {
    return Malformed(what, "starts with tag " + TagName(t.tag) + ", expected " + TagName(expected));
  }
  if (!in.empty()) {
    return Malformed(what, std::to_string(in.size()) + " bytes follow the data group's element");
  }
  return t;
}

Result<std::vector<Tlv>> Children(const Tlv& parent, const char* what, size_t max_children) {
  if (!parent.constructed)
    return Malformed(what, "element " + TagName(parent.tag) + " is not constructed");
  std::vector<Tlv> out;
  std::string_view in = parent.value;
  while (!in.empty()) {
    if (out.size() >= max_children) return Malformed(what, "too many elements");
    EKYC_ASSIGN_OR_RETURN(Tlv t, ReadTlv(in, what));
    out.push_back(t);
  }
  return out;
}

Result<Tlv> FindChild(const std::vector<Tlv>& children, uint32_t tag, const char* what) {
  for (const auto& c : children)
    if (c.tag == tag) return c;
  return Malformed(what, "element " + TagName(tag) + " is missing");
}

}  // namespace ekyc::chip
