// Loads the tab-separated index written by tools/vnindex/build_index.py (format in docs/vn.md).
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vn/internal.h"
#include "vn/vn.h"

namespace ekyc::vn {

namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = line.find('\t', start);
    if (p == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, p - start));
    start = p + 1;
  }
}

bool ToInt(std::string_view s, int* v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

UnitType TypeFromSlug(std::string_view s) {
  if (s == "tinh") return UnitType::kTinh;
  if (s == "thanh-pho") return UnitType::kThanhPho;
  if (s == "quan") return UnitType::kQuan;
  if (s == "huyen") return UnitType::kHuyen;
  if (s == "thi-xa") return UnitType::kThiXa;
  if (s == "phuong") return UnitType::kPhuong;
  if (s == "xa") return UnitType::kXa;
  if (s == "thi-tran") return UnitType::kThiTran;
  if (s == "dac-khu") return UnitType::kDacKhu;
  return UnitType::kUnknown;
}

}  // namespace

const char* UnitTypeName(UnitType t) {
  switch (t) {
    case UnitType::kTinh:
      return "Tỉnh";
    case UnitType::kThanhPho:
      return "Thành phố";
    case UnitType::kQuan:
      return "Quận";
    case UnitType::kHuyen:
      return "Huyện";
    case UnitType::kThiXa:
      return "Thị xã";
    case UnitType::kPhuong:
      return "Phường";
    case UnitType::kXa:
      return "Xã";
    case UnitType::kThiTran:
      return "Thị trấn";
    case UnitType::kDacKhu:
      return "Đặc khu";
    case UnitType::kUnknown:
      break;
  }
  return "";
}

std::string DefaultIndexPath(const std::string& exe_path, const std::string& override_path) {
  if (!override_path.empty()) return override_path;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::weakly_canonical(exe_path, ec);
  if (ec) exe = exe_path;
  return (exe.parent_path() / "data" / "vn-admin.tsv").string();
}

int AdminIndex::OldProvinceByCode(int code) const {
  auto it = old_prov_by_code_.find(code);
  return it == old_prov_by_code_.end() ? -1 : it->second;
}
int AdminIndex::NewProvinceByCode(int code) const {
  auto it = new_prov_by_code_.find(code);
  return it == new_prov_by_code_.end() ? -1 : it->second;
}
int AdminIndex::NewCommuneByCode(int code) const {
  auto it = new_commune_by_code_.find(code);
  return it == new_commune_by_code_.end() ? -1 : it->second;
}

Result<std::shared_ptr<const AdminIndex>> AdminIndex::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound("vn.index_missing",
                    "cannot open the admin-unit index " + path +
                        " (build the ekyc_vn_index target, or set EKYC_VN_INDEX to its path)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string content = ss.str();
  auto index = std::make_shared<AdminIndex>();
  // District lines reference provinces by code; commune lines reference districts by id.
  std::unordered_map<int, int> district_by_id;
  struct PendingCommune {
    Unit u;
    int district_id;
  };
  std::vector<PendingCommune> pending;
  size_t pos = 0;
  int line_no = 0;
  auto bad = [&](const std::string& why) {
    return Status(StatusCode::kDataLoss, "vn.index_corrupt",
                  "admin-unit index " + path + " line " + std::to_string(line_no) + ": " + why +
                      " (rebuild it with tools/vnindex/build_index.py)");
  };
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string::npos) nl = content.size();
    std::string_view line(content.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto f = SplitTabs(line);
    Unit u;
    if (f[0] == "P" && f.size() == 5) {
      if (!ToInt(f[2], &u.code)) return bad("bad province code");
      u.type = TypeFromSlug(f[3]);
      u.name = std::string(f[4]);
      u.key = MatchKey(u.name);
      if (f[1] == "o") {
        index->old_prov_by_code_.emplace(u.code, static_cast<int>(index->old_provinces.size()));
        index->old_provinces.push_back(std::move(u));
      } else {
        index->new_prov_by_code_.emplace(u.code, static_cast<int>(index->new_provinces.size()));
        index->new_provinces.push_back(std::move(u));
      }
    } else if (f[0] == "D" && f.size() == 6) {
      int id = 0, pcode = 0;
      if (!ToInt(f[1], &id) || !ToInt(f[2], &u.code) || !ToInt(f[3], &pcode))
        return bad("bad district");
      u.parent = index->OldProvinceByCode(pcode);
      if (u.parent < 0) return bad("district of unknown province");
      u.type = TypeFromSlug(f[4]);
      u.name = std::string(f[5]);
      u.key = MatchKey(u.name);
      district_by_id[id] = static_cast<int>(index->old_districts.size());
      index->old_districts.push_back(std::move(u));
    } else if (f[0] == "W" && f.size() == 6) {
      int parent = 0;
      if (!ToInt(f[2], &u.code) || !ToInt(f[3], &parent)) return bad("bad commune");
      u.type = TypeFromSlug(f[4]);
      u.name = std::string(f[5]);
      u.key = MatchKey(u.name);
      if (f[1] == "o") {
        pending.push_back({std::move(u), parent});
      } else {
        u.parent = index->NewProvinceByCode(parent);
        if (u.parent < 0) return bad("commune of unknown new province");
        index->new_commune_by_code_.emplace(u.code, static_cast<int>(index->new_communes.size()));
        index->new_communes.push_back(std::move(u));
      }
    } else if (f[0] == "M" && f.size() == 3) {
      int old_code = 0;
      if (!ToInt(f[1], &old_code)) return bad("bad mapping");
      std::vector<int> news;
      std::string_view rest = f[2];
      while (!rest.empty()) {
        size_t c = rest.find(',');
        int v = 0;
        if (!ToInt(rest.substr(0, c), &v)) return bad("bad mapping target");
        news.push_back(v);
        if (c == std::string_view::npos) break;
        rest.remove_prefix(c + 1);
      }
      index->old_to_new[old_code] = std::move(news);
    } else if (f[0] == "T" && f.size() == 3) {
      int a = 0, b = 0;
      if (!ToInt(f[1], &a) || !ToInt(f[2], &b)) return bad("bad province mapping");
      index->province_old_to_new[a] = b;
    } else {
      return bad("unknown record");
    }
  }
  for (auto& p : pending) {
    auto it = district_by_id.find(p.district_id);
    if (it == district_by_id.end()) {
      line_no = 0;
      return bad("commune of unknown district id " + std::to_string(p.district_id));
    }
    p.u.parent = it->second;
    index->old_communes.push_back(std::move(p.u));
  }
  if (index->old_provinces.empty() || index->new_provinces.empty() || index->old_communes.empty() ||
      index->new_communes.empty()) {
    return Status(StatusCode::kDataLoss, "vn.index_corrupt",
                  "admin-unit index " + path +
                      " is incomplete (rebuild it with tools/vnindex/build_index.py)");
  }
  index->districts_of_province.resize(index->old_provinces.size());
  for (size_t i = 0; i < index->old_districts.size(); ++i)
    index->districts_of_province[index->old_districts[i].parent].push_back(static_cast<int>(i));
  index->communes_of_district.resize(index->old_districts.size());
  for (size_t i = 0; i < index->old_communes.size(); ++i)
    index->communes_of_district[index->old_communes[i].parent].push_back(static_cast<int>(i));
  index->communes_of_new_province.resize(index->new_provinces.size());
  for (size_t i = 0; i < index->new_communes.size(); ++i)
    index->communes_of_new_province[index->new_communes[i].parent].push_back(static_cast<int>(i));
  return std::shared_ptr<const AdminIndex>(std::move(index));
}

}  // namespace ekyc::vn
