// Address normalization: right-to-left, hierarchical, fuzzy matching of free text against the
// administrative-unit index. See docs/vn.md for the scoring rules and their rationale.
#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "vn/internal.h"
#include "vn/vn.h"

namespace ekyc::vn {

std::string MatchKeyFolded(std::string_view f) {
  std::string out;
  out.reserve(f.size());
  size_t i = 0;
  while (i < f.size()) {
    char c = f[i];
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < f.size() && f[j] >= '0' && f[j] <= '9') ++j;
      size_t k = i;
      while (k + 1 < j && f[k] == '0') ++k;  // drop leading zeros, keep one digit
      out.append(f.substr(k, j - k));
      i = j;
      continue;
    }
    if (c >= 'a' && c <= 'z') out.push_back(c);
    ++i;
  }
  return out;
}

std::string MatchKey(std::string_view utf8) {
  return MatchKeyFolded(TextTools::Fold(utf8));
}

int BoundedEditDistance(std::string_view a, std::string_view b, int max_d) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_d) return max_d + 1;
  if (n == 0) return m;
  if (m == 0) return n;
  constexpr int kMax = 64;
  if (n >= kMax || m >= kMax) return a == b ? 0 : max_d + 1;
  // Three rows for the transposition term.
  std::array<int, kMax + 1> prev2{}, prev{}, cur{};
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max_d) return max_d + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[m] > max_d ? max_d + 1 : prev[m];
}

namespace {

// One word of the input after folding, with the punctuation facts the scorer uses.
struct Token {
  std::string text;              // folded ASCII, letters/digits/apostrophe
  bool boundary_before = false;  // a comma/semicolon/newline (or the start) precedes it
};

enum class Level { kProvince, kDistrict, kCommune };

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<Token> Tokenize(const std::string& folded) {
  std::vector<Token> raw;
  bool boundary = true;
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) return;
    size_t letters = 0, digits = 0;
    for (char c : cur) (c >= '0' && c <= '9' ? digits : letters) += 1;
    if (letters > 0 && digits > 0) {
      size_t k = 0;
      while (k < cur.size() && !(cur[k] >= '0' && cur[k] <= '9')) ++k;
      std::string head = cur.substr(0, k), tail = cur.substr(k);
      bool tail_digits = IsDigits(tail);
      static constexpr std::string_view kNumbered[] = {
          "p",  "q",    "f",  "x",   "h",   "phuong", "quan", "kp", "to",
          "so", "thon", "ap", "khu", "tdp", "xom",    "doi",  "ban"};
      if (tail_digits &&
          std::find(std::begin(kNumbered), std::end(kNumbered), head) != std::end(kNumbered)) {
        // "P12", "Q3", "KP5": a type word (or hamlet word) and a number.
        raw.push_back({head, boundary});
        raw.push_back({tail, false});
        boundary = false;
        cur.clear();
        return;
      }
      if (IsDigits(head) && !tail.empty() && !IsDigits(tail) && head.size() <= 3 && letters <= 1) {
        raw.push_back({cur, boundary});  // house numbers like "12a"
        boundary = false;
        cur.clear();
        return;
      }
      // Digits inside a word are OCR look-alikes of letters ("Sài 9òn", "Lào Ca1").
      static constexpr char kLetterOf[] = "olzeasgtbg";
      for (char& c : cur)
        if (c >= '0' && c <= '9') c = kLetterOf[c - '0'];
    }
    raw.push_back({cur, boundary});
    boundary = false;
    cur.clear();
  };
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
      cur.push_back(c);
    } else {
      flush();
      if (c == ',' || c == ';' || c == '\n' || c == '|') boundary = true;
    }
  }
  flush();
  // Rewrite well-known abbreviations that are not plain type words.
  std::vector<Token> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string& t = raw[i].text;
    bool b = raw[i].boundary_before;
    auto emit = [&](std::initializer_list<const char*> words) {
      bool first = true;
      for (const char* w : words) {
        out.push_back({w, first && b});
        first = false;
      }
    };
    auto next_is = [&](size_t k, const char* w) {
      return i + k < raw.size() && raw[i + k].text == w;
    };
    // "TT. Huế", "T.T.Huế", "TT Huế" = Thừa Thiên Huế (a province, not a thị trấn).
    if (t == "tt" && next_is(1, "hue")) {
      emit({"thua", "thien"});
      continue;
    }
    // At the very end (province position) tolerate one OCR slip in the short forms: "TT Hnế",
    // "TP.HHCn".
    const bool last_but_one = i + 2 == raw.size();
    if (t == "tt" && last_but_one && raw[i + 1].text.size() >= 2 &&
        BoundedEditDistance(raw[i + 1].text, "hue", 1) <= 1) {
      emit({"thua", "thien", "hue"});
      ++i;
      continue;
    }
    if (t == "tp" && last_but_one && raw[i + 1].text.size() >= 3 &&
        BoundedEditDistance(raw[i + 1].text, "hcm", 1) <= 1) {
      emit({"tp", "ho", "chi", "minh"});
      ++i;
      continue;
    }
    if (t == "t" && next_is(1, "t") && next_is(2, "hue")) {
      emit({"thua", "thien"});
      ++i;
      continue;
    }
    if (t == "tthue") {
      emit({"thua", "thien", "hue"});
      continue;
    }
    if (t == "tphcm") {
      emit({"tp", "ho", "chi", "minh"});
      continue;
    }
    if (t == "hcm" || t == "hcmc") {
      emit({"ho", "chi", "minh"});
      continue;
    }
    if (t == "tp" && next_is(1, "hcm")) {
      emit({"tp", "ho", "chi", "minh"});
      ++i;
      continue;
    }
    if (t == "brvt" || (t == "br" && next_is(1, "vt"))) {
      emit({"ba", "ria", "vung", "tau"});
      if (t == "br") ++i;
      continue;
    }
    out.push_back(raw[i]);
  }
  return out;
}

// A type word starting at token i: its type class and length in tokens (0 when none).
struct TypeWord {
  int len = 0;
  // Which unit types the word can denote.
  bool province = false, district = false, commune = false;
  UnitType type = UnitType::kUnknown;
};

TypeWord TypeAt(const std::vector<Token>& toks, size_t i, size_t end) {
  TypeWord w;
  if (i >= end) return w;
  const std::string& a = toks[i].text;
  const std::string* b = i + 1 < end ? &toks[i + 1].text : nullptr;
  auto set = [&](int len, UnitType t, bool p, bool d, bool c) {
    w.len = len;
    w.type = t;
    w.province = p;
    w.district = d;
    w.commune = c;
  };
  // Long type words tolerate one OCR edit ("huyyen", "thahh pho"); short ones must be exact.
  auto near = [](const std::string& x, std::string_view word) {
    // Only words of 5+ letters: "quan"/"tinh" are one edit away from real names ("quang", "vinh").
    // Same first letter: "tuyen" (Tuyên Quang) is one edit from "huyen" too.
    // No deletions either: "phong" (a common name syllable) is "phuong" minus one letter.
    return x == word || (word.size() >= 5 && x.size() >= word.size() && x[0] == word[0] &&
                         BoundedEditDistance(x, word, 1) <= 1);
  };
  if (b) {
    std::string two = a + *b;
    if (a == "t" && *b == "p") {
      set(2, UnitType::kThanhPho, true, true, false);
      return w;
    }
    if ((near(two, "thanhpho") && a.size() >= 3) ||
        (*b == "pho" && a.size() >= 4 && a[0] == 't' && BoundedEditDistance(a, "thanh", 2) <= 2)) {
      set(2, UnitType::kThanhPho, true, true, false);
      return w;
    }
    if (near(two, "thixa") && a.size() >= 2 && b->size() >= 2) {
      set(2, UnitType::kThiXa, false, true, false);
      return w;
    }
    if (near(two, "thitran") && a.size() >= 2 && b->size() >= 3) {
      set(2, UnitType::kThiTran, false, false, true);
      return w;
    }
    if (near(two, "dackhu") && a.size() >= 2) {
      set(2, UnitType::kDacKhu, false, false, true);
      return w;
    }
  }
  if (a == "tp")
    set(1, UnitType::kThanhPho, true, true, false);
  else if (a == "tinh" || a == "t")
    set(1, UnitType::kTinh, true, false, false);
  else if (a == "q" || a == "quan")
    set(1, UnitType::kQuan, false, true, false);
  else if (b && IsDigits(*b) && a.size() == 4 && a[0] == 'q' &&
           BoundedEditDistance(a, "quan", 1) <= 1)
    set(1, UnitType::kQuan, false, true, false);  // "Qnận 6": numbered districts are always typed
  else if (a == "h" || near(a, "huyen"))
    set(1, UnitType::kHuyen, false, true, false);
  else if (a == "tx")
    set(1, UnitType::kThiXa, false, true, false);
  else if (a == "p" || a == "f" || near(a, "phuong"))
    set(1, UnitType::kPhuong, false, false, true);
  else if (a == "xa" || a == "x" || a == "xaa")
    set(1, UnitType::kXa, false, false, true);
  else if (a == "tt")
    set(1, UnitType::kThiTran, false, false, true);
  else if (a == "dk")
    set(1, UnitType::kDacKhu, false, false, true);
  return w;
}

bool TypeFitsLevel(const TypeWord& w, Level l) {
  return (l == Level::kProvince && w.province) || (l == Level::kDistrict && w.district) ||
         (l == Level::kCommune && w.commune);
}

// True when a type word ends right before token a (and does not cross a separator).
bool TypeEndsAt(const std::vector<Token>& toks, size_t a) {
  if (toks[a].boundary_before) return false;
  for (size_t len = 1; len <= 2 && len <= a; ++len) {
    TypeWord w = TypeAt(toks, a - len, a);
    if (w.len == static_cast<int>(len) && !(len == 2 && toks[a - 1].boundary_before)) return true;
  }
  return false;
}

// A candidate span [a, b) of tokens for one level, split into the optional type word and the name.
struct Span {
  size_t a = 0, b = 0;
  TypeWord type;
  std::string key;       // MatchKey of the name part
  bool aligned = false;  // starts at a separator or with a type word
  bool crosses = false;  // a separator falls inside it (names never contain one)
  bool numeric = false;
  bool after_hamlet_word = false;
};

// `as_name`: read a leading type word as part of the name ("Phương Liệt", "Quan Hóa").
Span MakeSpan(const std::vector<Token>& toks, size_t a, size_t b, Level level,
              bool as_name = false) {
  Span s;
  s.a = a;
  s.b = b;
  TypeWord w = as_name ? TypeWord{} : TypeAt(toks, a, b);
  if (w.len > 0 && TypeFitsLevel(w, level))
    s.type = w;
  else if (w.len > 0 && static_cast<size_t>(w.len) < b - a)
    s.type = w;  // a type word of another level
  size_t name_start = a + s.type.len;
  for (size_t i = name_start; i < b; ++i) {
    if (i > a && toks[i].boundary_before) s.crosses = true;
    s.key += MatchKeyFolded(toks[i].text);
  }
  s.aligned = toks[a].boundary_before || s.type.len > 0;
  // Right after "Ấp", "Thôn", "Xóm", "Số", "Đường"...: a hamlet or street name, not a unit.
  static constexpr std::string_view kHamletWords[] = {"ap",    "thon", "xom", "ban",   "to",
                                                      "kp",    "khu",  "so",  "duong", "ngo",
                                                      "ngach", "hem",  "tdp", "doi",   "lang"};
  if (s.type.len == 0 && a > 0 && !toks[a].boundary_before &&
      std::find(std::begin(kHamletWords), std::end(kHamletWords), toks[a - 1].text) !=
          std::end(kHamletWords))
    s.after_hamlet_word = true;
  s.numeric = IsDigits(s.key);
  return s;
}

int AllowedEdits(size_t len) {
  if (len <= 3) return 0;
  if (len <= 5) return 1;
  if (len <= 11) return 2;
  return 3;
}

// Match quality of a span against a unit in [0, ~1.15]; < 0 when it does not match.
double ScoreSpan(const Span& s, const Unit& u, Level level) {
  if (s.key.empty() || s.crosses) return -1;
  const bool unit_numeric = IsDigits(u.key);
  int d;
  if (s.numeric || unit_numeric) {
    // Numbers are names ("Phường 1"): exact only, and only when typed or a whole segment.
    if (s.key != u.key) return -1;
    if (s.type.len == 0 && !s.aligned) return -1;
    d = 0;
  } else {
    // Short names need the hierarchy's help: no fuzziness for <= 3 letters.
    // Provinces are few and far apart: one more edit is safe there.
    int allowed = AllowedEdits(u.key.size()) +
                  (level == Level::kProvince && (u.key.size() == 5 || u.key.size() >= 8) ? 1 : 0);
    d = BoundedEditDistance(s.key, u.key, allowed);
    if (d > allowed) return -1;
  }
  // Each edit costs a fixed amount: two OCR slips make a weak match whatever the length.
  double q = 1.0 - 0.3 * d;
  if (s.type.len > 0) {
    if (s.type.type == u.type) {
      q += 0.1;
    } else if (TypeFitsLevel(s.type, level)) {
      q -= 0.05;  // right level, other kind (e.g. Huyện vs Thị xã after an upgrade)
    } else {
      q -= 0.3;  // a type word of another level
    }
  }
  if (!s.aligned) q -= 0.05;
  if (s.after_hamlet_word) q -= 0.4;
  return q;
}

struct Pick {
  int unit = -1;
  double score = -1;
  size_t start = 0;  // span start token
};

// The best unit among `candidates` for any span ending at `end` starting in [end-max_len, end).
// Returns one pick per distinct unit with its best span (sorted by score, at most `keep`).
std::vector<Pick> BestSpans(const std::vector<Token>& toks, size_t end, size_t max_len,
                            const std::vector<Unit>& units, const std::vector<int>& candidates,
                            Level level, size_t keep) {
  std::vector<Pick> picks;
  // skip = 1: one unreadable token between this level and the next ("Xã A, fP. Hà Nội").
  for (size_t skip = 0; skip <= 1 && skip < end; ++skip) {
    const size_t e = end - skip;
    const double penalty = 0.3 * static_cast<double>(skip);
    size_t lo = e > max_len ? e - max_len : 0;
    bool crossed = false;
    for (size_t a = e; a-- > lo && !crossed;) {
      for (int variant = 0; variant < 2; ++variant) {
        Span s = MakeSpan(toks, a, e, level, variant == 1);
        if (variant == 1 && TypeAt(toks, a, e).len == 0) break;  // same as variant 0
        // A type word right before the span belongs to it: that reading is the typed span.
        if (variant == 0 && TypeAt(toks, a, e).len == 0 && TypeEndsAt(toks, a)) continue;
        if (s.crosses) crossed = true;  // longer spans cross it too
        if (s.key.empty() || s.crosses) continue;
        for (int idx : candidates) {
          double q = ScoreSpan(s, units[idx], level);
          if (q < 0) continue;
          q -= penalty;
          auto it = std::find_if(picks.begin(), picks.end(),
                                 [&](const Pick& p) { return p.unit == idx; });
          if (it == picks.end())
            picks.push_back({idx, q, a});
          else if (q > it->score)
            *it = {idx, q, a};
        }
      }
    }
  }
  std::sort(picks.begin(), picks.end(),
            [](const Pick& x, const Pick& y) { return x.score > y.score; });
  // Only candidates close to the best survive: keeps the search small and avoids weak guesses.
  if (!picks.empty()) {
    double best = picks.front().score;
    picks.erase(std::remove_if(picks.begin(), picks.end(),
                               [&](const Pick& p) { return p.score < best - 0.5; }),
                picks.end());
  }
  if (picks.size() > keep) picks.resize(keep);
  return picks;
}

struct Hypothesis {
  AddressScheme scheme = AddressScheme::kNone;
  int prov = -1, dist = -1, comm = -1;  // indices in the scheme's vectors
  double qp = 0, qd = 0, qc = 0;
  double total = -1e9;
};

constexpr size_t kMaxNameTokens = 7;  // longest unit name + type word ("Văn Miếu - Quốc Tử Giám")

std::vector<int> Iota(size_t n) {
  std::vector<int> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int>(i);
  return v;
}

// Province names people write instead of the official one.
struct ProvinceAlias {
  const char* key;
  int old_code;
};
constexpr ProvinceAlias kProvinceAliases[] = {
    {"saigon", 79},       {"hcm", 79}, {"tphcm", 79},        {"hochiminh", 79},
    {"thuathienhue", 46}, {"hue", 46}, {"bariavungtau", 77}, {"brvt", 77},
};

}  // namespace

Result<std::shared_ptr<const AddressNormalizer>> CreateAddressNormalizer(
    const std::string& index_path) {
  auto index = AdminIndex::Load(index_path);
  if (!index.ok()) return index.status();
  auto text = TextTools::Create();
  if (!text.ok()) return text.status();
  return std::shared_ptr<const AddressNormalizer>(std::make_shared<AddressNormalizer>(
      *index, std::shared_ptr<const TextTools>(std::move(*text))));
}

AddressNormalizer::AddressNormalizer(std::shared_ptr<const AdminIndex> index,
                                     std::shared_ptr<const TextTools> text)
    : index_(std::move(index)), text_(std::move(text)) {}

NormalizedAddress AddressNormalizer::Normalize(std::string_view text) const {
  NormalizedAddress out;
  const AdminIndex& ix = *index_;
  std::vector<Token> toks = Tokenize(TextTools::Fold(TextTools::Nfc(text)));
  // Drop a trailing country name.
  size_t end = toks.size();
  if (end >= 2 && toks[end - 2].text == "viet" && toks[end - 1].text == "nam")
    end -= 2;
  else if (end >= 1 && (toks[end - 1].text == "vietnam" || toks[end - 1].text == "vn"))
    end -= 1;
  if (end == 0) return out;

  static const std::vector<int> kNoCandidates;
  const std::vector<int> old_prov_all = Iota(ix.old_provinces.size());
  const std::vector<int> new_prov_all = Iota(ix.new_provinces.size());

  // Province aliases are matched on the last tokens exactly.
  std::vector<Pick> old_p =
      BestSpans(toks, end, 6, ix.old_provinces, old_prov_all, Level::kProvince, 4);
  std::vector<Pick> new_p =
      BestSpans(toks, end, 6, ix.new_provinces, new_prov_all, Level::kProvince, 4);
  for (size_t a = end; a-- > (end > 5 ? end - 5 : 0);) {
    Span s = MakeSpan(toks, a, end, Level::kProvince);
    if (s.crosses) break;
    for (const auto& al : kProvinceAliases) {
      // One OCR slip is tolerated in aliases of 3+ letters ("HCCM", "Sài Gòh").
      const std::string_view ak(al.key);
      if (s.key != ak &&
          (ak.size() < 3 || s.key.size() < 2 || BoundedEditDistance(s.key, ak, 1) > 1))
        continue;
      // The alias covers the whole span (e.g. "Thừa Thiên Huế" for the new "Huế"), so it replaces a
      // shorter reading of the same province.
      auto add = [&](std::vector<Pick>& picks, int unit) {
        if (unit < 0) return;
        auto it =
            std::find_if(picks.begin(), picks.end(), [&](const Pick& p) { return p.unit == unit; });
        const double q = s.key == ak ? 1.0 : 0.7;
        if (it == picks.end())
          picks.push_back({unit, q, a});
        else if (it->score <= q)
          *it = {unit, q, a};
      };
      add(old_p, ix.OldProvinceByCode(al.old_code));
      // "Huế"/"Sài Gòn" also name the post-2025 city; BR-VT is now part of TP. Hồ Chí Minh.
      auto it = ix.province_old_to_new.find(al.old_code);
      if (it != ix.province_old_to_new.end() && al.old_code != 77)
        add(new_p, ix.NewProvinceByCode(it->second));
    }
  }

  Hypothesis best;
  // A level adds to the total only when its match is better than weak (two edits ~ 0.4): extra
  // levels must not win on count alone.
  auto L = [](double q) { return q - 0.3; };
  auto consider = [&](Hypothesis h) {
    if (h.total > best.total + 1e-9) best = h;
  };

  // Old 3-level scheme.
  for (const Pick& p : old_p) {
    consider({AddressScheme::kOld3Level, p.unit, -1, -1, p.score, 0, 0, L(p.score)});
    std::vector<Pick> dists = BestSpans(toks, p.start, kMaxNameTokens, ix.old_districts,
                                        ix.districts_of_province[p.unit], Level::kDistrict, 4);
    for (const Pick& d : dists) {
      consider({AddressScheme::kOld3Level, p.unit, d.unit, -1, p.score, d.score, 0,
                L(p.score) + L(d.score)});
      std::vector<Pick> comms = BestSpans(toks, d.start, kMaxNameTokens, ix.old_communes,
                                          ix.communes_of_district[d.unit], Level::kCommune, 2);
      for (const Pick& c : comms)
        consider({AddressScheme::kOld3Level, p.unit, d.unit, c.unit, p.score, d.score, c.score,
                  L(p.score) + L(d.score) + L(c.score)});
    }
    // District missing: a commune directly before the province, unique within the province.
    std::vector<int> all_comms;
    for (int di : ix.districts_of_province[p.unit])
      all_comms.insert(all_comms.end(), ix.communes_of_district[di].begin(),
                       ix.communes_of_district[di].end());
    std::vector<Pick> comms =
        BestSpans(toks, p.start, kMaxNameTokens, ix.old_communes, all_comms, Level::kCommune, 3);
    if (!comms.empty()) {
      const Pick& c = comms.front();
      bool unique = comms.size() == 1 || comms[1].score < c.score - 1e-9 ||
                    ix.old_communes[comms[1].unit].code == ix.old_communes[c.unit].code;
      if (unique) {
        int di = ix.old_communes[c.unit].parent;
        // Penalised so that a new-scheme reading of the same text wins.
        consider({AddressScheme::kOld3Level, p.unit, di, c.unit, p.score, 0, c.score,
                  L(p.score) + L(c.score) - 0.15});
      }
    }
  }
  // New 2-level scheme.
  for (const Pick& p : new_p) {
    consider({AddressScheme::kNew2Level, p.unit, -1, -1, p.score, 0, 0, L(p.score) - 0.01});
    std::vector<Pick> comms = BestSpans(toks, p.start, kMaxNameTokens, ix.new_communes,
                                        ix.communes_of_new_province[p.unit], Level::kCommune, 2);
    for (const Pick& c : comms)
      consider({AddressScheme::kNew2Level, p.unit, -1, c.unit, p.score, 0, c.score,
                L(p.score) + L(c.score) - 0.01});
  }
  if (best.prov < 0) return out;

  auto fill = [&](MatchedUnit& m, const Unit& u, double q, bool province) {
    std::string prefix;
    if (province)
      prefix = u.type == UnitType::kThanhPho ? "TP" : "TỈNH";
    else
      prefix = TextTools::Upper(UnitTypeName(u.type));
    m.value = prefix.empty() ? TextTools::Upper(u.name) : prefix + " " + TextTools::Upper(u.name);
    m.code = u.code;
    m.score = std::min(1.0, std::max(0.0, q));
  };
  out.scheme = best.scheme;
  int new_prov_code = -1;
  if (best.scheme == AddressScheme::kOld3Level) {
    const Unit& p = ix.old_provinces[best.prov];
    fill(out.tinh, p, best.qp, true);
    if (best.dist >= 0) fill(out.huyen, ix.old_districts[best.dist], best.qd, false);
    if (best.dist >= 0 && best.qd == 0) out.huyen.score = 0;  // inferred from the commune
    if (best.comm >= 0) fill(out.xa, ix.old_communes[best.comm], best.qc, false);
    auto pt = ix.province_old_to_new.find(p.code);
    if (pt != ix.province_old_to_new.end()) new_prov_code = pt->second;
    if (best.comm >= 0) {
      auto mt = ix.old_to_new.find(ix.old_communes[best.comm].code);
      if (mt != ix.old_to_new.end()) {
        out.xa_moi_candidates = mt->second;
        out.split = mt->second.size() > 1;
        if (!out.split) {
          int ni = ix.NewCommuneByCode(mt->second.front());
          if (ni >= 0) {
            fill(out.xa_moi, ix.new_communes[ni], 1.0, false);
            new_prov_code = ix.new_provinces[ix.new_communes[ni].parent].code;
          }
        }
      }
    }
  } else {
    const Unit& p = ix.new_provinces[best.prov];
    fill(out.tinh, p, best.qp, true);
    new_prov_code = p.code;
    if (best.comm >= 0) {
      fill(out.xa, ix.new_communes[best.comm], best.qc, false);
      out.xa_moi = out.xa;
      out.xa_moi_candidates = {out.xa.code};
    }
  }
  if (int ni = ix.NewProvinceByCode(new_prov_code); ni >= 0)
    fill(out.tinh_moi, ix.new_provinces[ni], 1.0, true);
  if (best.scheme == AddressScheme::kNew2Level) out.tinh_moi.score = out.tinh.score;

  auto join = [](std::initializer_list<const MatchedUnit*> parts) {
    std::string s;
    for (const MatchedUnit* m : parts) {
      if (m->code == -1 && m->value == "N/A") continue;
      if (!s.empty()) s += ", ";
      s += m->value;
    }
    return s.empty() ? std::string("N/A") : s;
  };
  out.value = join({&out.xa, &out.huyen, &out.tinh});
  out.value_moi = join({&out.xa_moi, &out.tinh_moi});
  int levels = best.scheme == AddressScheme::kOld3Level ? 3 : 2;
  double sum = out.tinh.score + out.xa.score + (levels == 3 ? out.huyen.score : 0);
  out.score = sum / levels;
  return out;
}

nlohmann::json AddressNormalizer::ToJson(const NormalizedAddress& a) const {
  auto unit = [&](const MatchedUnit& m) {
    return nlohmann::json{
        {"value", m.value}, {"code", m.code}, {"value_unidecode", text_->Unidecode(m.value)}};
  };
  nlohmann::json j;
  j["value"] = a.value;
  j["tinh"] = unit(a.tinh);
  j["huyen"] = unit(a.huyen);
  j["xa"] = unit(a.xa);
  j["value_unidecode"] = text_->Unidecode(a.value);
  // Extensions beyond the vendor sample (docs/vn.md).
  j["scheme"] = a.scheme == AddressScheme::kOld3Level   ? "old"
                : a.scheme == AddressScheme::kNew2Level ? "new"
                                                        : "none";
  j["score"] = std::round(a.score * 1000) / 1000;
  j["tinh_moi"] = unit(a.tinh_moi);
  j["xa_moi"] = unit(a.xa_moi);
  j["split"] = a.split;
  nlohmann::json cands = nlohmann::json::array();
  for (int code : a.xa_moi_candidates) {
    int ni = index_->NewCommuneByCode(code);
    if (ni < 0) continue;
    const Unit& u = index_->new_communes[ni];
    std::string v = TextTools::Upper(UnitTypeName(u.type)) + " " + TextTools::Upper(u.name);
    cands.push_back({{"value", v}, {"code", code}, {"value_unidecode", text_->Unidecode(v)}});
  }
  j["xa_moi_candidates"] = std::move(cands);
  j["value_moi"] = a.value_moi;
  j["value_moi_unidecode"] = text_->Unidecode(a.value_moi);
  return j;
}

}  // namespace ekyc::vn
