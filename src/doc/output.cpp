// JSON output: the vendor class table and the vendor-shaped object of one side.
#include <cmath>

#include "doc/doc.h"
#include "doc/text.h"

namespace ekyc::doc {

ClassInfo ClassOf(DocType type, Side side) {
  bool front = side == Side::kFront;
  switch (type) {
    case DocType::kCmnd9:
      return {front ? 0 : 1, "CMND",
              front ? "CHỨNG MINH NHÂN DÂN - MẶT TRƯỚC" : "CHỨNG MINH NHÂN DÂN - MẶT SAU"};
    case DocType::kCccd2016:
      return {front ? 2 : 3, "CCCD",
              front ? "CĂN CƯỚC CÔNG DÂN - MẶT TRƯỚC" : "CĂN CƯỚC CÔNG DÂN - MẶT SAU"};
    case DocType::kCccdChip:
      return {front ? 4 : 5, "CCCD_CHIP",
              front ? "CĂN CƯỚC CÔNG DÂN GẮN CHIP - MẶT TRƯỚC"
                    : "CĂN CƯỚC CÔNG DÂN GẮN CHIP - MẶT SAU"};
    case DocType::kCmnd12:
      return {
          front ? 6 : 7, "CMND_12",
          front ? "CHỨNG MINH NHÂN DÂN 12 SỐ - MẶT TRƯỚC" : "CHỨNG MINH NHÂN DÂN 12 SỐ - MẶT SAU"};
    case DocType::kCanCuoc:
      return {front ? 8 : 9, "CAN_CUOC", front ? "CĂN CƯỚC - MẶT TRƯỚC" : "CĂN CƯỚC - MẶT SAU"};
    case DocType::kPassport:
      return {10, "PASSPORT", "HỘ CHIẾU - TRANG THÔNG TIN"};
    default:
      return {-1, "UNKNOWN", "N/A"};
  }
}

const char* DocTypeName(DocType type) {
  switch (type) {
    case DocType::kCmnd9:
      return "CMND9";
    case DocType::kCmnd12:
      return "CMND12";
    case DocType::kCccd2016:
      return "CCCD2016";
    case DocType::kCccdChip:
      return "CCCD_CHIP";
    case DocType::kCanCuoc:
      return "CAN_CUOC";
    case DocType::kPassport:
      return "PASSPORT";
    default:
      return "UNKNOWN";
  }
}

std::string Unidecode(const std::string& utf8) {
  return StripAccents(utf8);
}

const Field* DocResult::Get(const std::string& name) const {
  for (const auto& [n, v] : fields)
    if (n == name) return &v;
  return nullptr;
}

nlohmann::json DocResult::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, f] : fields) {
    out[name] = {{"value", f.value},
                 {"confidence", std::round(f.confidence * 1000) / 1000},
                 {"value_unidecode", f.present() ? Unidecode(f.value) : "N/A"}};
  }
  ClassInfo c = ClassOf(type, side);
  out["class_name"] = {{"value", c.name},
                       {"confidence", std::round(class_confidence * 1000) / 1000},
                       {"normalized", {{"value", c.value}, {"code", c.code}}}};
  if (mrz) {
    out["mrz"] = {{"format", mrz->format},
                  {"lines", mrz->lines},
                  {"checks_ok", mrz->checks_ok},
                  {"failed_checks", mrz->failed_checks},
                  {"repaired_chars", mrz->repaired_chars},
                  {"document_number", mrz->document_number},
                  {"personal_number", mrz->personal_number},
                  {"birth_date", mrz->birth_date},
                  {"expiry_date", mrz->expiry_date},
                  {"sex", mrz->sex},
                  {"nationality", mrz->nationality},
                  {"surname", mrz->surname},
                  {"given_names", mrz->given_names}};
  }
  if (qr) {
    out["qr"] = {{"raw", qr->raw},
                 {"id", qr->id},
                 {"old_id", qr->old_id},
                 {"name", qr->name},
                 {"birth_date", qr->birth_date},
                 {"sex", qr->sex},
                 {"address", qr->address},
                 {"issue_date", qr->issue_date},
                 {"expiry_date", qr->expiry_date},
                 {"field_count", qr->field_count}};
  }
  nlohmann::json corners_json = nlohmann::json::array();
  for (const auto& p : corners)
    corners_json.push_back({std::round(p.x * 10) / 10, std::round(p.y * 10) / 10});
  out["card"] = {{"rotation", rotation},
                 {"located", card_located},
                 {"corners", corners_json},
                 {"type", DocTypeName(type)},
                 {"side", side == Side::kFront  ? "front"
                          : side == Side::kBack ? "back"
                                                : "unknown"}};
  return out;
}

}  // namespace ekyc::doc
