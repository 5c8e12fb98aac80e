#include "doc/syllable.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <vector>

#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

// Letters in a one-byte code: the Vietnamese vowels with modifiers get their own symbol so that
// the rules below are plain string sets.
constexpr char kBreveA = '@';  // Ă
constexpr char kHatA = '^';    // Â
constexpr char kHatE = '&';    // Ê
constexpr char kHatO = '*';    // Ô
constexpr char kHornO = '%';   // Ơ
constexpr char kHornU = '!';   // Ư
constexpr char kBarD = '$';    // Đ

enum Tone { kLevel, kGrave, kAcute, kHook, kTilde, kDot };

// Upper-case NFD word → coded letters and its tone; false when it has anything but Vietnamese
// letters, or more than one tone mark.
bool Encode(std::string_view word, std::string* code, Tone* tone) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  if (U_FAILURE(err)) return false;
  std::string upper = vn::TextTools::Upper(word);
  icu::UnicodeString d = nfd->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                            upper.data(), static_cast<int32_t>(upper.size()))),
                                        err);
  if (U_FAILURE(err)) return false;
  code->clear();
  *tone = kLevel;
  int tones = 0;
  for (int32_t i = 0; i < d.length();) {
    UChar32 c = d.char32At(i);
    i += U16_LENGTH(c);
    if (c >= 'A' && c <= 'Z') {
      code->push_back(static_cast<char>(c));
      continue;
    }
    if (c == 0x0110) {  // Đ
      code->push_back(kBarD);
      continue;
    }
    char* last = code->empty() ? nullptr : &code->back();
    switch (c) {
      case 0x0302:  // circumflex
        if (last == nullptr || (*last != 'A' && *last != 'E' && *last != 'O')) return false;
        *last = *last == 'A' ? kHatA : *last == 'E' ? kHatE : kHatO;
        break;
      case 0x0306:  // breve
        if (last == nullptr || *last != 'A') return false;
        *last = kBreveA;
        break;
      case 0x031B:  // horn
        if (last == nullptr || (*last != 'O' && *last != 'U')) return false;
        *last = *last == 'O' ? kHornO : kHornU;
        break;
      case 0x0300:
      case 0x0301:
      case 0x0303:
      case 0x0309:
      case 0x0323:
        if (++tones > 1) return false;
        *tone = c == 0x0300   ? kGrave
                : c == 0x0301 ? kAcute
                : c == 0x0303 ? kTilde
                : c == 0x0309 ? kHook
                              : kDot;
        break;
      default:
        return false;
    }
  }
  return !code->empty();
}

// Rhymes (medial + nucleus + coda) allowed by the orthography, in the one-byte code.
const std::set<std::string>& Rhymes() {
  static const std::set<std::string> kRhymes = [] {
    std::set<std::string> r;
    // Place names from minority languages write the stop /k/ as k ("Đắk Lắk", "Krông Búk"):
    // wherever c may end a rhyme, k may too.
    auto add = [&](const std::string& nucleus, std::initializer_list<const char*> codas) {
      for (const char* c : codas) {
        r.insert(nucleus + c);
        if (std::string(c) == "C") r.insert(nucleus + "K");
      }
    };
    // Single vowels.
    add("A", {"", "C", "CH", "M", "N", "NG", "NH", "P", "T", "I", "O", "U", "Y"});
    add("@", {"C", "M", "N", "NG", "P", "T"});
    add("^", {"C", "M", "N", "NG", "P", "T", "U", "Y"});
    add("E", {"", "C", "M", "N", "NG", "P", "T", "O"});
    add("&", {"", "CH", "M", "N", "NH", "P", "T", "U"});
    add("I", {"", "CH", "M", "N", "NH", "P", "T", "U", "A"});
    add("O", {"", "C", "M", "N", "NG", "P", "T", "I", "ONG", "OC"});
    add("*", {"", "C", "M", "N", "NG", "P", "T", "I"});
    add("%", {"", "M", "N", "P", "T", "I"});
    add("U", {"", "C", "M", "N", "NG", "P", "T", "I", "A"});
    add("!", {"", "C", "M", "N", "NG", "T", "I", "U", "A"});
    add("Y", {""});
    // Diphthongs iê/yê, uô, ươ (a coda is required).
    add("I&", {"C", "M", "N", "NG", "P", "T", "U"});
    add("Y&", {"M", "N", "NG", "P", "T", "U"});
    add("U*", {"C", "M", "N", "NG", "T", "I"});
    add("!%", {"C", "M", "N", "NG", "P", "T", "I", "U"});
    // Medial o / u before the nucleus.
    add("OA", {"", "C", "CH", "I", "M", "N", "NG", "NH", "O", "P", "T", "Y"});
    add("O@", {"C", "M", "N", "NG", "T"});
    add("OE", {"", "N", "O", "T"});
    add("U&", {"", "CH", "NH"});
    add("UY", {"", "CH", "N", "NH", "T", "U", "A", "P"});
    add("UY&", {"N", "T"});
    add("U^", {"N", "NG", "T", "Y"});
    add("U%", {""});
    return r;
  }();
  return kRhymes;
}

bool StopCoda(const std::string& rhyme) {
  auto ends = [&](const char* c) {
    std::string s = c;
    return rhyme.size() >= s.size() && rhyme.compare(rhyme.size() - s.size(), s.size(), s) == 0;
  };
  return ends("C") || ends("CH") || ends("K") || ends("P") || ends("T");
}

bool FrontVowel(char c) {
  return c == 'I' || c == 'E' || c == kHatE || c == 'Y';
}

bool RhymeOk(const std::string& onset, const std::string& rhyme, Tone tone) {
  if (rhyme.empty()) return false;
  if (!Rhymes().count(rhyme)) return false;
  if (StopCoda(rhyme) && tone != kAcute && tone != kDot) return false;
  // Spelling of /k/ and /ɣ/, /ŋ/: k, gh, ngh before i, e, ê (y); c, g, ng elsewhere. Place
  // names keep an older k before other vowels ("Bắc Kạn", "Kon Tum"), so k is not restricted.
  char first = rhyme[0];
  if ((onset == "GH" || onset == "NGH") && !FrontVowel(first)) return false;
  if ((onset == "C" || onset == "G" || onset == "NG") && FrontVowel(first) && first != 'Y')
    return false;
  if (onset == "C" && first == 'Y') return false;
  return true;
}

// Onset + rhyme split of a coded word.
bool CodeIsSyllable(const std::string& code, Tone tone) {
  static const std::array<const char*, 27> kOnsets = {
      "NGH", "NG", "NH", "GH", "GI", "KH", "PH", "TH", "TR", "CH", "QU", "B", "C", "D",
      "$",   "G",  "H",  "K",  "L",  "M",  "N",  "P",  "R",  "S",  "T",  "V", "X"};
  for (const char* o : kOnsets) {
    std::string onset = o;
    if (code.compare(0, onset.size(), onset) != 0) continue;
    std::string rest = code.substr(onset.size());
    if (onset == "GI") {
      // "gi" before a consonant or alone is g + i ("gìn", "gì").
      if (rest.empty() || std::isalpha(static_cast<unsigned char>(rest[0])) == 0 ||
          std::string("AEIOUY").find(rest[0]) == std::string::npos) {
        if (RhymeOk("", "I" + rest, tone)) return true;
      }
      if (!rest.empty() && RhymeOk(onset, rest, tone)) return true;
      continue;
    }
    if (onset == "QU") {
      // qu + rhyme, the u being the medial ("quỳnh" = qu + ynh = /w/ + uynh).
      if (RhymeOk(onset, rest, tone) || RhymeOk(onset, "U" + rest, tone)) return true;
      continue;
    }
    if (RhymeOk(onset, rest, tone)) return true;
  }
  return RhymeOk("", code, tone);
}

// Every way of putting the modifiers back on an accent-free word (A → A/Ă/Â, E → E/Ê, O → O/Ô/Ơ,
// U → U/Ư, D → D/Đ); true as soon as one spelling is a syllable.
bool AnyModifiers(std::string& code, size_t i) {
  if (i == code.size()) return CodeIsSyllable(code, kAcute);
  const char c = code[i];
  std::string options(1, c);
  if (c == 'A') options = std::string("A") + kBreveA + kHatA;
  if (c == 'E') options = std::string("E") + kHatE;
  if (c == 'O') options = std::string("O") + kHatO + kHornO;
  if (c == 'U') options = std::string("U") + kHornU;
  if (c == 'D') options = std::string("D") + kBarD;
  for (char o : options) {
    code[i] = o;
    if (AnyModifiers(code, i + 1)) {
      code[i] = c;
      return true;
    }
  }
  code[i] = c;
  return false;
}

// One letter's code (its base and modifier, case and tone aside); 0 for anything else.
char LetterCode(const icu::UnicodeString& letter) {
  std::string utf8, code;
  letter.toUTF8String(utf8);
  Tone tone = kLevel;
  if (!Encode(utf8, &code, &tone) || code.size() != 1) return 0;
  return code[0];
}

bool IsVowelCode(char c) {
  return std::string("AEIOUY").find(c) != std::string::npos || c == kBreveA || c == kHatA ||
         c == kHatE || c == kHatO || c == kHornO || c == kHornU;
}

// Upper-case only, lower-case only, or one capital then lower case.
bool CaseConsistent(const icu::UnicodeString& w) {
  int upper = 0, lower = 0;
  bool first_upper = false;
  for (int32_t i = 0; i < w.length(); i = w.moveIndex32(i, 1)) {
    const UChar32 c = w.char32At(i);
    if (u_isupper(c)) {
      ++upper;
      if (i == 0) first_upper = true;
    } else if (u_islower(c)) {
      ++lower;
    }
  }
  return upper == 0 || lower == 0 || (upper == 1 && first_upper);
}

// One word (letters only) repaired as RepairEchoedLetters says; as read otherwise.
std::string RepairWord(const std::string& word) {
  // Roman numerals number units ("Hòa Tú II").
  if (word.find_first_not_of("IVX") == std::string::npos) return word;
  if (IsVietnameseSyllable(word)) return word;
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return word;
  const icu::UnicodeString w = nfc->normalize(icu::UnicodeString::fromUTF8(word), err);
  if (U_FAILURE(err)) return word;
  std::vector<icu::UnicodeString> letters;
  std::vector<char> codes;
  for (int32_t i = 0; i < w.length(); i = w.moveIndex32(i, 1)) {
    letters.emplace_back(w, i, w.moveIndex32(i, 1) - i);
    codes.push_back(LetterCode(letters.back()));
    if (codes.back() == 0) return word;
  }
  if (letters.size() < 2) return word;
  auto horned = [](char c) { return c == kHornO || c == kHornU; };
  auto echo = [&](size_t i, size_t j) {
    const char a = codes[i], b = codes[j];
    const bool r_between_vowels = a == 'R' && j + 1 == i && i + 1 < codes.size() &&
                                  IsVowelCode(b) && IsVowelCode(codes[i + 1]);
    return (a == b && a != 'O') || (horned(a) && horned(b)) || r_between_vowels;
  };
  std::vector<icu::UnicodeString> repairs;
  for (size_t i = 0; i < letters.size(); ++i) {
    if (!((i > 0 && echo(i, i - 1)) || (i + 1 < letters.size() && echo(i, i + 1)))) continue;
    icu::UnicodeString candidate;
    for (size_t k = 0; k < letters.size(); ++k)
      if (k != i) candidate += letters[k];
    std::string utf8;
    candidate.toUTF8String(utf8);
    if (IsVietnameseSyllable(utf8)) repairs.push_back(candidate);
  }
  if (repairs.empty()) return word;
  // All repairs must spell one word; of its casings, the consistent one.
  const icu::UnicodeString lower = icu::UnicodeString(repairs[0]).toLower();
  const icu::UnicodeString* pick = &repairs[0];
  for (const icu::UnicodeString& r : repairs) {
    if (icu::UnicodeString(r).toLower() != lower) return word;
    if (CaseConsistent(r) && !CaseConsistent(*pick)) pick = &r;
  }
  std::string out;
  pick->toUTF8String(out);
  return out;
}

}  // namespace

bool IsVietnameseSyllable(std::string_view word) {
  std::string code;
  Tone tone = kLevel;
  if (!Encode(word, &code, &tone)) return false;
  return CodeIsSyllable(code, tone);
}

bool CouldBeAccentFreeSyllable(std::string_view word, bool personal_name) {
  if (word.empty() || word.size() > 8) return false;
  std::string code;
  for (char c : word) {
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u < 'A' || u > 'Z') return false;
    code.push_back(u);
  }
  if (personal_name && code.find("OO") != std::string::npos) return false;
  // The coda `k` is a place-name spelling (`Lắk`); no personal name ends in it.
  if (personal_name && code.back() == 'K') return false;
  // Any tone: the acute allows every rhyme, including those with a stop coda.
  return AnyModifiers(code, 0);
}

std::string RepairEchoedLetters(const std::string& text) {
  return RewriteLetterRuns(text, RepairWord);
}

std::string DropTrailingNoise(const std::string& address) {
  std::vector<std::string> words;
  for (auto& w : Split(CollapseSpaces(address), ' '))
    if (!w.empty()) words.push_back(w);
  auto real = [](const std::string& w) {
    std::string core = Trim(w, ",.:;-");
    if (core.empty()) return false;
    bool digit = std::any_of(core.begin(), core.end(),
                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    return digit || IsVietnameseSyllable(core);
  };
  size_t keep = words.size();
  while (keep > 1 && words.size() - keep < 2 && !real(words[keep - 1])) --keep;
  if (keep == words.size() || !real(words[keep - 1])) return address;
  std::string out;
  for (size_t i = 0; i < keep; ++i) out += (out.empty() ? "" : " ") + words[i];
  return Trim(out, ",.:;-");
}

}  // namespace ekyc::doc
