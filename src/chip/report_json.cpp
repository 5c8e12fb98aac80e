// The chip report as JSON (the route's `chip` object; docs/chip.md documents every member).
// Personal data stay out of it: the fields are output separately, in the card reader's shape.
#include "chip/chip.h"
#include "chip/lds.h"

namespace ekyc::chip {

nlohmann::json ChipReport::ToJson() const {
  nlohmann::json checks_json = nlohmann::json::array();
  for (const auto& c : checks) {
    nlohmann::json j = {
        {"name", c.name}, {"outcome", CheckOutcomeName(c.outcome)}, {"checked", c.checked}};
    if (!c.reason.empty()) j["reason"] = c.reason;
    if (!c.detail.empty()) j["detail"] = c.detail;
    if (!c.info.empty()) j["info"] = c.info;
    checks_json.push_back(std::move(j));
  }
  const Check* aa = Find("active_authentication");
  nlohmann::json out = {
      {"verified", verified},
      {"passive_authentication", passive_authentication ? "passed" : "failed"},
      {"active_authentication", aa != nullptr ? CheckOutcomeName(aa->outcome) : "not_checked"},
      {"failures", FailureReasons()},
      {"checks", checks_json},
  };
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& [dg, ok] : dg_hash_ok) {
    groups[FileName(dg)] = {{"sent", true},
                            {"in_sod", sod && sod->dg_hashes.count(dg) != 0},
                            {"hash", ok ? "passed" : "failed"},
                            {"proven", Proven(dg)}};
  }
  if (sod) {
    for (const auto& [dg, h] : sod->dg_hashes) {
      if (groups.contains(FileName(dg))) continue;
      groups[FileName(dg)] = {
          {"sent", false}, {"in_sod", true}, {"hash", "not_checked"}, {"proven", false}};
    }
    out["sod"] = {{"hash_algorithm", sod->hash_algorithm},
                  {"signature_algorithm", sod->signature_algorithm},
                  {"lds_security_object_version", sod->lds_version_info}};
    if (sod->signer) {
      out["document_signer"] = {
          {"subject", sod->signer->subject},     {"issuer", sod->signer->issuer},
          {"serial", sod->signer->serial_hex},   {"not_before", sod->signer->not_before},
          {"not_after", sod->signer->not_after}, {"sha256", sod->signer->sha256}};
    }
  }
  out["data_groups"] = groups;
  if (csca)
    out["csca"] = {{"subject", csca->subject}, {"sha256", csca->sha256}, {"file", csca->file}};
  if (dg2) {
    out["portrait"] = {{"format", ImageKindName(dg2->kind)},
                       {"declared_width", dg2->declared_width},
                       {"declared_height", dg2->declared_height},
                       {"decoded", !portrait.empty()}};
  }
  if (dg13) {
    nlohmann::json unknown = nlohmann::json::array();
    for (int t : dg13->unknown_tags) unknown.push_back(t);
    nlohmann::json tags = nlohmann::json::array();
    for (const auto& f : dg13->fields) tags.push_back(f.tag);
    out["dg13"] = {
        {"tags", tags}, {"unknown_tags", unknown}, {"skipped_elements", dg13->skipped_elements}};
  }
  if (com)
    out["com"] = {{"lds_version", com->lds_version}, {"unicode_version", com->unicode_version}};
  if (dg15) out["active_authentication_key"] = {{"type", dg15->key_type}, {"bits", dg15->bits}};
  return out;
}

}  // namespace ekyc::chip
