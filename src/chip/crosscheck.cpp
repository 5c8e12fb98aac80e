// A printed card against its chip: every field read from the card images compared with the chip's
// field of the same name, as values of their kind (dates, sex, nationality, numbers, addresses,
// text). OCR errors and forged prints both show up as mismatches; the report says which fields.
#include <map>

#include "chip/chip.h"
#include "vn/vn.h"

namespace ekyc::chip {
namespace {

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

bool IsDate(const std::string& n) {
  return n == "ngay_sinh" || n == "ngay_cap" || n == "ngay_het_han";
}
bool IsAddress(const std::string& n) {
  return n == "nguyen_quan" || n == "ho_khau_thuong_tru" || n == "noi_dang_ky_khai_sinh";
}

// Letters and digits of the folded text only: spacing and punctuation differ between print and
// chip without meaning anything.
std::string Key(std::string_view s) {
  std::string out;
  for (char c : vn::TextTools::Fold(s))
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  return out;
}

std::string Compare(const std::string& name, const std::string& printed, const std::string& chip,
                    const vn::AddressNormalizer* normalizer) {
  if (name == "id" || name == "so_cmnd_cu") {
    return !Digits(printed).empty() && Digits(printed) == Digits(chip) ? "match" : "mismatch";
  }
  if (IsDate(name)) {
    auto a = vn::ParseDate(printed), b = vn::ParseDate(chip);
    if (!a || !b) return "mismatch";
    return a->no_expiry == b->no_expiry && (a->no_expiry || *a == *b) ? "match" : "mismatch";
  }
  if (name == "gioi_tinh") {
    const int a = vn::ParseSex(printed), b = vn::ParseSex(chip);
    return a >= 0 && a == b ? "match" : "mismatch";
  }
  if (name == "quoc_tich") {
    const auto a = vn::ParseNationality(printed), b = vn::ParseNationality(chip);
    return a.code >= 0 && a.code == b.code ? "match" : "mismatch";
  }
  if (vn::TextTools::Upper(printed) == vn::TextTools::Upper(chip)) return "match";
  if (IsAddress(name) && normalizer != nullptr) {
    const auto a = normalizer->Normalize(printed), b = normalizer->Normalize(chip);
    const bool coded = b.xa.code >= 0 && b.tinh.code >= 0;
    if (coded && a.xa.code == b.xa.code && a.tinh.code == b.tinh.code &&
        a.huyen.code == b.huyen.code)
      return "match_folded";
  }
  return Key(printed) == Key(chip) && !Key(chip).empty() ? "match_folded" : "mismatch";
}

}  // namespace

nlohmann::json CardCrossCheck::ToJson() const {
  nlohmann::json f = nlohmann::json::object();
  for (const auto& c : fields) f[c.field] = c.outcome;
  return {{"fields", f},
          {"compared", compared},
          {"matched", matched},
          {"mismatched", mismatched},
          {"id_matches", id_matches},
          {"consistent", compared > 0 && mismatched == 0}};
}

CardCrossCheck CrossCheckCard(const doc::DocResult& chip, const std::vector<doc::DocResult>& sides,
                              const vn::AddressNormalizer* normalizer) {
  std::map<std::string, std::string> outcome;  // field -> worst outcome over the sides
  std::vector<std::string> order;
  auto set = [&](const std::string& field, const std::string& o) {
    auto it = outcome.find(field);
    if (it == outcome.end()) {
      order.push_back(field);
      outcome[field] = o;
    } else if (o == "mismatch" || (o == "match_folded" && it->second == "match")) {
      it->second = o;
    }
  };
  for (const auto& side : sides) {
    for (const auto& [name, f] : side.fields) {
      if (!f.present()) continue;
      const doc::Field* c = chip.Get(name);
      if (c == nullptr || !c->present()) {
        set(name, "not_on_chip");
        continue;
      }
      set(name, Compare(name, f.value, c->value, normalizer));
    }
  }
  for (const auto& [name, f] : chip.fields) {
    if (f.present() && outcome.count(name) == 0) set(name, "not_printed");
  }
  CardCrossCheck out;
  for (const auto& name : order) {
    const std::string& o = outcome[name];
    out.fields.push_back({name, o});
    if (o == "match" || o == "match_folded" || o == "mismatch") ++out.compared;
    if (o == "match" || o == "match_folded") ++out.matched;
    if (o == "mismatch") ++out.mismatched;
    if (name == "id") out.id_matches = o == "match";
  }
  return out;
}

}  // namespace ekyc::chip
