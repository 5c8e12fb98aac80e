#include "doc/surnames.h"

#include <map>
#include <set>
#include <string_view>

#include "vn/vn.h"

namespace ekyc::doc {
namespace {

// Upper case, NFC. Common surnames first, then rarer ones (several of minorities' names) kept
// so that their folded spelling is not taken for a common one's.
constexpr std::string_view kSurnames[] = {
    "NGUYỄN", "TRẦN",   "LÊ",    "PHẠM",   "HOÀNG", "HUỲNH", "PHAN",  "VŨ",   "VÕ",    "ĐẶNG",
    "BÙI",    "ĐỖ",     "HỒ",    "NGÔ",    "DƯƠNG", "LÝ",    "ĐÀO",   "ĐOÀN", "VƯƠNG", "TRỊNH",
    "TRƯƠNG", "LÂM",    "PHÙNG", "MAI",    "TÔ",    "HÀ",    "TẠ",    "CAO",  "LƯƠNG", "LƯU",
    "ĐINH",   "CHÂU",   "QUÁCH", "THÁI",   "TỪ",    "KIỀU",  "LA",    "LÃ",   "LẠI",   "TRIỆU",
    "TĂNG",   "KHÚC",   "KHỔNG", "DOÃN",   "CHU",   "CHỬ",   "CHUNG", "ÂU",   "GIANG", "HỨA",
    "KIM",    "LỤC",    "MẠC",   "NGHIÊM", "NINH",  "NÔNG",  "ÔNG",   "QUAN", "THẠCH", "TÔN",
    "TỐNG",   "TÒNG",   "TRANG", "VĂN",    "VI",    "VÌ",    "VIÊN",  "CÙ",   "DIỆP",  "DƯ",
    "HẦU",    "HÀN",    "HÁN",   "LÒ",     "LÔ",    "MÃ",    "NHAN",  "PHÍ",  "PHÓ",   "SẦM",
    "THÂN",   "THIỀU",  "TIÊU",  "TRÌNH",  "ỨNG",   "ƯNG",   "ĐÀM",   "ĐỒNG", "ĐƯỜNG", "LƯỜNG",
    "HẠ",     "KHƯƠNG", "BẠCH",  "BẾ",     "CẤN",   "ĐIÊU",  "GIÁP",  "LĂNG", "PHỤNG", "QUÀNG",
    "LỮ",     "TIẾT",
};

struct Index {
  std::set<std::string> listed;
  std::map<std::string, std::set<std::string>> by_fold;
};

const Index& TheIndex() {
  static const Index index = [] {
    Index ix;
    for (std::string_view s : kSurnames) {
      ix.listed.emplace(s);
      ix.by_fold[vn::TextTools::Fold(s)].emplace(s);
    }
    return ix;
  }();
  return index;
}

}  // namespace

std::string RestoreSurname(const std::string& word) {
  const Index& ix = TheIndex();
  if (word.empty() || ix.listed.count(word)) return word;
  auto it = ix.by_fold.find(vn::TextTools::Fold(word));
  if (it == ix.by_fold.end() || it->second.size() != 1) return word;
  return *it->second.begin();
}

std::string RestoreFullNameSurname(const std::string& name) {
  const size_t space = name.find(' ');
  if (space == std::string::npos) return name;  // a surname alone is no full name
  return RestoreSurname(name.substr(0, space)) + name.substr(space);
}

}  // namespace ekyc::doc
