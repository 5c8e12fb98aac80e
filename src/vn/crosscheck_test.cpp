// Cross-checks the index built from the npm packages against the independent reference copies in
// ../shared/data/vn-admin (never committed). Reports disagreement counts and fails only beyond the
// tolerances documented in docs/vn.md ("Cross-check"). Skips when the shared folder is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "vn/internal.h"
#include "vn/vn.h"

namespace ekyc::vn {
namespace {

const std::string kShared = std::string(EKYC_SHARED_DIR) + "/data/vn-admin/";

std::string Key(const std::string& name) {
  // Compare names without the type word and tone placement.
  static const char* kPrefixes[] = {"Thành phố ", "Thị trấn ", "Thị xã ", "Đặc khu ",
                                    "Phường ",    "Quận ",     "Huyện ",  "Tỉnh ",
                                    "Xã ",        "xã ",       "phường "};
  std::string n = TextTools::Nfc(name);
  for (const char* p : kPrefixes) {
    std::string ps(p);
    if (n.rfind(ps, 0) == 0) {
      n = n.substr(ps.size());
      break;
    }
  }
  return MatchKey(n);
}

class VnCrossCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kShared + "SOURCES.txt"))
      GTEST_SKIP() << "shared reference data absent: " << kShared;
    auto index = AdminIndex::Load(std::string(EKYC_BINARY_DIR) + "/data/vn-admin.tsv");
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = *index;
  }
  static nlohmann::json ReadJson(const std::string& name) {
    std::ifstream in(kShared + name);
    return nlohmann::json::parse(in);
  }
  std::shared_ptr<const AdminIndex> index_;
};

TEST_F(VnCrossCheck, NewUnitsAgreeWithNsoList) {
  nlohmann::json j = ReadJson("new_2026_34prov_2level.json");
  std::map<int, std::set<std::string>> ours;
  for (const Unit& u : index_->new_communes) ours[u.code].insert(u.key);
  int total = 0, missing = 0, renamed = 0;
  std::set<int> theirs;
  for (const auto& p : j) {
    for (const auto& w : p["Wards"]) {
      ++total;
      int code = std::stoi(w["Code"].get<std::string>());
      theirs.insert(code);
      auto it = ours.find(code);
      if (it == ours.end())
        ++missing;
      else if (!it->second.count(Key(w["Name"].get<std::string>())))
        ++renamed;
    }
  }
  int extra = 0;
  for (const auto& [code, names] : ours) extra += theirs.count(code) ? 0 : 1;
  std::cout << "[crosscheck] new communes: reference " << total << ", ours " << ours.size()
            << ", missing " << missing << ", extra " << extra << ", name differs " << renamed
            << "\n";
  RecordProperty("new_missing", missing);
  RecordProperty("new_name_differs", renamed);
  EXPECT_EQ(total, 3321);
  EXPECT_LE(missing, 5);
  EXPECT_LE(extra, 5);
  EXPECT_LE(renamed, 10);
  EXPECT_EQ(index_->new_provinces.size(), j.size());
}

TEST_F(VnCrossCheck, OldUnitsCoverMarch2025List) {
  nlohmann::json j = ReadJson("old_2025-03-01_63prov_3level.json");
  std::map<int, std::set<std::string>> ours_w, ours_d;
  for (const Unit& u : index_->old_communes) ours_w[u.code].insert(u.key);
  for (const Unit& u : index_->old_districts)
    if (u.code >= 0) ours_d[u.code].insert(u.key);
  std::set<std::string> ours_d_names;  // districts the index names without a code
  for (const Unit& u : index_->old_districts)
    ours_d_names.insert(std::to_string(index_->old_provinces[u.parent].code) + ":" + u.key);
  int wards = 0, w_missing = 0, w_renamed = 0, dists = 0, d_missing_code = 0, d_missing_name = 0,
      d_renamed = 0;
  for (const auto& p : j) {
    int pcode = std::stoi(p["Code"].get<std::string>());
    for (const auto& d : p["District"]) {
      ++dists;
      int dcode = std::stoi(d["Code"].get<std::string>());
      std::string dkey = Key(d["Name"].get<std::string>());
      auto it = ours_d.find(dcode);
      if (it == ours_d.end()) {
        ++d_missing_code;
        if (!ours_d_names.count(std::to_string(pcode) + ":" + dkey)) ++d_missing_name;
      } else if (!it->second.count(dkey)) {
        ++d_renamed;
      }
      if (d["Ward"].is_null()) continue;  // island districts without communes
      for (const auto& w : d["Ward"]) {
        ++wards;
        auto wt = ours_w.find(std::stoi(w["Code"].get<std::string>()));
        if (wt == ours_w.end())
          ++w_missing;
        else if (!wt->second.count(Key(w["Name"].get<std::string>())))
          ++w_renamed;
      }
    }
  }
  std::cout << "[crosscheck] old 2025-03 list: " << dists << " districts (" << d_missing_code
            << " codes absent from the packages, of which " << d_missing_name << " also by name; "
            << d_renamed << " renamed), " << wards << " communes (" << w_missing
            << " codes absent, " << w_renamed << " with another name)\n";
  EXPECT_EQ(wards, 10035);
  EXPECT_LE(w_missing, 10);
  EXPECT_LE(w_renamed, 30);
  EXPECT_LE(d_missing_name, 5);
  EXPECT_LE(d_renamed, 40);
}

using Mapping = std::map<int, std::set<int>>;

struct MapStats {
  int identical = 0, overlapping = 0, disjoint = 0, missing = 0;
};

MapStats Compare(const Mapping& ref, const std::unordered_map<int, std::vector<int>>& ours) {
  MapStats s;
  for (const auto& [old_code, targets] : ref) {
    auto it = ours.find(old_code);
    if (it == ours.end()) {
      ++s.missing;
      continue;
    }
    std::set<int> o(it->second.begin(), it->second.end());
    if (o == targets) {
      ++s.identical;
      continue;
    }
    bool any = false;
    for (int t : targets) any = any || o.count(t);
    any ? ++s.overlapping : ++s.disjoint;
  }
  return s;
}

TEST_F(VnCrossCheck, MappingAgreesWithTwoIndependentSources) {
  Mapping csv;
  {
    std::ifstream in(kShared + "map_old_ward_to_new_ward.csv");
    std::string line;
    std::getline(in, line);  // header; wardCode is column 4, newWardCode column 17 (0-based)
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      std::string x;
      while (std::getline(ss, x, ',')) f.push_back(x);
      if (f.size() < 18 || f[4].empty() || f[17].empty()) continue;
      csv[static_cast<int>(std::stod(f[4]))].insert(std::stoi(f[17]));
    }
  }
  Mapping splits;
  const nlohmann::json splits_json = ReadJson("map_splits_old_to_new.json");
  for (const auto& p : splits_json["data"])
    for (const auto& w : p["level3s"])
      for (const auto& t : w["splits"])
        splits[std::stoi(w["level3_id"].get<std::string>())].insert(
            std::stoi(t["new_id"].get<std::string>()));
  MapStats a = Compare(csv, index_->old_to_new);
  MapStats b = Compare(splits, index_->old_to_new);
  std::cout << "[crosscheck] old->new vs vietnamadminunits csv (" << csv.size()
            << " old communes): identical " << a.identical << ", overlapping " << a.overlapping
            << ", disjoint " << a.disjoint << ", missing " << a.missing << "\n";
  std::cout << "[crosscheck] old->new vs dvhcvn splits.json (" << splits.size()
            << " old communes): identical " << b.identical << ", overlapping " << b.overlapping
            << ", disjoint " << b.disjoint << ", missing " << b.missing << "\n";
  int splits_ours = 0;
  for (const auto& [k, v] : index_->old_to_new) splits_ours += v.size() > 1 ? 1 : 0;
  std::cout << "[crosscheck] old communes split in the package mapping: " << splits_ours << "\n";
  EXPECT_GE(csv.size(), 10000u);
  EXPECT_GE(splits.size(), 10000u);
  // Tolerances (docs/vn.md): the sources themselves agree exactly on ~99.5% of communes.
  EXPECT_LE(a.disjoint, 30);
  EXPECT_LE(b.disjoint, 30);
  EXPECT_LE(a.missing, 30);
  EXPECT_LE(a.overlapping, 800);  // mostly communes split in the reference but not in the package
  EXPECT_LE(b.overlapping, 800);
  EXPECT_LE(b.missing, 30);
  EXPECT_GE(a.identical, static_cast<int>(csv.size() * 0.9));
  EXPECT_GE(b.identical, static_cast<int>(splits.size() * 0.9));
}

TEST_F(VnCrossCheck, IdPrefixTableMatchesReference) {
  std::ifstream in(kShared + "id_birthplace_province_codes.csv");
  ASSERT_TRUE(in);
  std::string line;
  std::getline(in, line);
  int rows = 0, unknown = 0;
  while (std::getline(in, line)) {
    if (line.size() < 3) continue;
    ++rows;
    if (IdBirthProvince(line.substr(0, 3) + "190001234") < 0) ++unknown;
  }
  std::cout << "[crosscheck] ID prefixes: " << rows << " in reference, " << unknown
            << " unknown to ValidateId\n";
  EXPECT_EQ(rows, 63);
  EXPECT_EQ(unknown, 0);
}

}  // namespace
}  // namespace ekyc::vn
