#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "vn/vn.h"

namespace ekyc::vn {

struct TextTools::Impl {
  std::unique_ptr<icu::Transliterator> translit;
};

TextTools::TextTools(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TextTools::~TextTools() = default;

Result<std::unique_ptr<TextTools>> TextTools::Create() {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, err));
  if (U_FAILURE(err) || !t) {
    return Internal("vn.icu",
                    std::string("cannot create ICU transliterator Any-Latin; Latin-ASCII: ") +
                        u_errorName(err) + " (is libicu data installed?)");
  }
  auto impl = std::make_unique<Impl>();
  impl->translit = std::move(t);
  return std::unique_ptr<TextTools>(new TextTools(std::move(impl)));
}

namespace {

const icu::Normalizer2* Nfc2() {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(err);
  return U_SUCCESS(err) ? n : nullptr;
}
const icu::Normalizer2* Nfd2() {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(err);
  return U_SUCCESS(err) ? n : nullptr;
}

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string s;
  u.toUTF8String(s);
  return s;
}

std::string CollapseSpaces(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string TextTools::Nfc(std::string_view utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = Nfc2();
  icu::UnicodeString out = n ? n->normalize(u, err) : u;
  if (U_FAILURE(err)) out = u;
  return CollapseSpaces(ToUtf8(out));
}

std::string TextTools::Fold(std::string_view utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = Nfd2();
  icu::UnicodeString d = n ? n->normalize(u, err) : u;
  if (U_FAILURE(err)) d = u;
  std::string out;
  out.reserve(d.length());
  for (int32_t i = 0; i < d.length();) {
    UChar32 c = d.char32At(i);
    i += U16_LENGTH(c);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      continue;
    }
    if (c == 0x0111 || c == 0x0110) {  // đ Đ are letters, not d + mark
      out.push_back('d');
      continue;
    }
    int8_t cat = u_charType(c);
    if (cat == U_NON_SPACING_MARK || cat == U_COMBINING_SPACING_MARK || cat == U_ENCLOSING_MARK)
      continue;
    if (u_isspace(c)) {
      out.push_back(' ');
      continue;
    }
    // Other non-ASCII (curly quotes, dashes, letters of other scripts): a separator for matching.
    if (c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014) {
      out.push_back('-');
    } else if (c == 0x2018 || c == 0x2019 || c == 0x02BC) {
      out.push_back('\'');
    } else {
      out.push_back(' ');
    }
  }
  return out;
}

std::string TextTools::Upper(std::string_view utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  u.toUpper(icu::Locale("vi"));
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = Nfc2();
  if (n) {
    icu::UnicodeString out = n->normalize(u, err);
    if (U_SUCCESS(err)) return ToUtf8(out);
  }
  return ToUtf8(u);
}

std::string TextTools::Unidecode(std::string_view utf8) const {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0111)), icu::UnicodeString("d"));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0110)), icu::UnicodeString("D"));
  {
    std::lock_guard<std::mutex> lock(mu_);
    impl_->translit->transliterate(u);
  }
  return ToUtf8(u);
}

}  // namespace ekyc::vn
