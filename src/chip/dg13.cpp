// DG13 (tag 0x6D): Vietnamese personal data. Each field is a SEQUENCE that opens with an INTEGER
// naming the field, followed by its strings (UTF8String, PrintableString or IA5String), or by
// SEQUENCEs of strings (parents' names). Fields may sit inside container SEQUENCEs; other elements
// (real cards carry a few bytes of unknown meaning before the first field) are skipped and
// counted. Which tag holds what comes from the layout table (dg13_layout.cpp).
#include <set>

#include "chip/chip.h"
#include "chip/tlv.h"
#include "vn/vn.h"

namespace ekyc::chip {
namespace {

constexpr const char* kWhat = "dg13";
constexpr uint32_t kInteger = 0x02, kUtf8 = 0x0C, kPrintable = 0x13, kIa5 = 0x16;
constexpr uint32_t kSequence = 0x30, kSet = 0x31;

bool IsString(const Tlv& t) {
  return !t.constructed && (t.tag == kUtf8 || t.tag == kPrintable || t.tag == kIa5);
}

// Strict UTF-8: no overlong forms, surrogates or code points above U+10FFFF, no C0/C1 controls.
bool ValidText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    int n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // continuation bytes cut off
    for (int k = 1; k <= n; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        (cp >= 0x80 && cp < 0xA0))
      return false;
    i += n + 1;
  }
  return true;
}

const Dg13FieldSpec* SpecOf(int tag) {
  for (const auto& s : Dg13Layout())
    if (s.tag == tag) return &s;
  return nullptr;
}

// The field number of a SEQUENCE opened by a small INTEGER; -1 when `kids` is not a field.
int FieldNumber(const std::vector<Tlv>& kids) {
  if (kids.empty() || kids[0].tag != kInteger || kids[0].constructed) return -1;
  std::string_view v = kids[0].value;
  if (v.empty() || v.size() > 2 || (uint8_t(v[0]) & 0x80) != 0) return -1;
  int n = 0;
  for (unsigned char c : v) n = (n << 8) | c;
  // Everything after the number must be strings, or SEQUENCEs of strings.
  for (size_t i = 1; i < kids.size(); ++i) {
    if (IsString(kids[i])) continue;
    if (kids[i].tag != kSequence) return -1;
    std::string_view in = kids[i].value;
    while (!in.empty()) {
      auto t = ReadTlv(in, kWhat);
      if (!t.ok() || !IsString(*t)) return -1;
    }
  }
  return n;
}

struct Walker {
  const Limits& limits;
  Dg13 out;
  std::set<int> seen;

  Status Value(std::string_view raw, int tag, std::vector<std::string>& values) {
    if (raw.size() > limits.max_dg13_value)
      return Malformed(kWhat, "a value of field " + std::to_string(tag) + " is too long");
    if (!ValidText(raw))
      return Malformed(kWhat, "field " + std::to_string(tag) + " is not valid UTF-8 text");
    values.push_back(vn::TextTools::Nfc(raw));
    return Status::Ok();
  }

  Status Field(int tag, const std::vector<Tlv>& kids) {
    if (!seen.insert(tag).second)
      return Malformed(kWhat, "field " + std::to_string(tag) + " appears twice");
    if (static_cast<int>(out.fields.size()) >= limits.max_dg13_fields)
      return Malformed(kWhat, "too many fields");
    const Dg13FieldSpec* spec = SpecOf(tag);
    Dg13Field f;
    f.tag = tag;
    if (spec == nullptr) {
      out.unknown_tags.push_back(tag);
    } else {
      f.names = spec->names;
    }
    for (size_t i = 1; i < kids.size(); ++i) {
      if (IsString(kids[i])) {
        EKYC_RETURN_IF_ERROR(Value(kids[i].value, tag, f.values));
        continue;
      }
      std::string_view in = kids[i].value;  // a SEQUENCE of strings (checked by FieldNumber)
      while (!in.empty()) {
        EKYC_ASSIGN_OR_RETURN(Tlv s, ReadTlv(in, kWhat));
        EKYC_RETURN_IF_ERROR(Value(s.value, tag, f.values));
      }
    }
    if (spec != nullptr) {
      const size_t want = spec->names.size();
      if (spec->type == Dg13ValueType::kNone) {
        f.values.clear();
      } else if (spec->type == Dg13ValueType::kTextList ? f.values.size() > want
                                                        : f.values.size() > 1) {
        return Malformed(kWhat, "field " + std::to_string(tag) + " holds " +
                                    std::to_string(f.values.size()) + " values");
      }
    }
    out.fields.push_back(std::move(f));
    return Status::Ok();
  }

  Status Walk(std::string_view in, int depth) {
    if (depth > limits.max_depth) return Malformed(kWhat, "nested too deeply");
    while (!in.empty()) {
      EKYC_ASSIGN_OR_RETURN(Tlv e, ReadTlv(in, kWhat));
      if (!e.constructed || (e.tag != kSequence && e.tag != kSet)) {
        ++out.skipped_elements;
        continue;
      }
      EKYC_ASSIGN_OR_RETURN(auto kids, Children(e, kWhat, 64));
      const int n = FieldNumber(kids);
      if (n >= 0) {
        EKYC_RETURN_IF_ERROR(Field(n, kids));
      } else {
        EKYC_RETURN_IF_ERROR(Walk(e.value, depth + 1));
      }
    }
    return Status::Ok();
  }
};

}  // namespace

const std::string* Dg13::Get(std::string_view name) const {
  for (const auto& f : fields) {
    for (size_t i = 0; i < f.names.size() && i < f.values.size(); ++i)
      if (f.names[i] == name) return &f.values[i];
  }
  return nullptr;
}

Result<Dg13> ParseDg13(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_dg13)
    return InvalidArgument("chip.dg13_too_large",
                           "DG13 is larger than " + std::to_string(limits.max_dg13) + " bytes");
  EKYC_ASSIGN_OR_RETURN(Tlv root, ReadSingle(bytes, 0x6D, kWhat));
  Walker w{limits, {}, {}};
  EKYC_RETURN_IF_ERROR(w.Walk(root.value, 0));
  if (w.out.fields.empty()) return Malformed(kWhat, "no fields");
  return std::move(w.out);
}

}  // namespace ekyc::chip
