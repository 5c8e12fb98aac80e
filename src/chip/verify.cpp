// VerifyChip: passive authentication (data group hashes, SOD signature, DS chain, validity,
// revocation), parsing of every data group sent, DG1/DG13 agreement and, when asked, active
// authentication, each as a Check of the report. docs/chip.md says what each check proves.
#include <openssl/crypto.h>

#include <algorithm>
#include <ctime>

#include "chip/lds.h"
#include "chip/sod.h"
#include "doc/mrz.h"
#include "vn/vn.h"

namespace ekyc::chip {
namespace {

Check Passed(std::string name, std::string checked) {
  Check c;
  c.name = std::move(name);
  c.outcome = CheckOutcome::kPassed;
  c.checked = std::move(checked);
  return c;
}

Check FromStatus(std::string name, std::string checked, const Status& s) {
  Check c;
  c.name = std::move(name);
  c.checked = std::move(checked);
  if (s.ok()) {
    c.outcome = CheckOutcome::kPassed;
  } else {
    c.outcome = CheckOutcome::kFailed;
    c.reason = s.reason();
    c.detail = s.message();
  }
  return c;
}

Check NotChecked(std::string name, std::string checked, std::string reason, std::string detail) {
  Check c;
  c.name = std::move(name);
  c.checked = std::move(checked);
  c.outcome = CheckOutcome::kNotChecked;
  c.reason = std::move(reason);
  c.detail = std::move(detail);
  return c;
}

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

// DG1's MRZ against DG13: both are written by the issuer, so a disagreement means the DG13
// layout was misread (or the issuer erred); it is reported, and the data are not "verified".
Check Consistency(const doc::MrzData& mrz, const Dg13& dg13) {
  Check c;
  c.name = "dg1_dg13_consistency";
  c.checked = "ID number, date of birth, sex and date of expiry in DG1's MRZ against DG13";
  std::vector<std::string> differ;
  nlohmann::json compared = nlohmann::json::array();
  if (const std::string* id = dg13.Get("id")) {
    compared.push_back("id");
    const std::string d = Digits(*id);
    const std::string mrz_id =
        Digits(mrz.personal_number).size() == 12 ? Digits(mrz.personal_number) : std::string();
    const bool ok = !d.empty() && (mrz_id.empty() ? d.size() >= 9 && d.substr(d.size() - 9) ==
                                                                         Digits(mrz.document_number)
                                                  : mrz_id == d);
    if (!ok) differ.emplace_back("id");
  }
  if (const std::string* dob = dg13.Get("ngay_sinh"); dob != nullptr && !mrz.birth_date.empty()) {
    compared.push_back("ngay_sinh");
    auto a = vn::ParseDate(*dob), b = vn::ParseDate(mrz.birth_date);
    // The MRZ year has two digits: compare day, month and the last two digits of the year.
    if (!a || !b || a->day != b->day || a->month != b->month || a->year % 100 != b->year % 100)
      differ.emplace_back("ngay_sinh");
  }
  if (const std::string* sex = dg13.Get("gioi_tinh"); sex != nullptr && !mrz.sex.empty()) {
    compared.push_back("gioi_tinh");
    const int s = vn::ParseSex(*sex);
    if ((mrz.sex == "M" && s != 0) || (mrz.sex == "F" && s != 1)) differ.emplace_back("gioi_tinh");
  }
  if (const std::string* exp = dg13.Get("ngay_het_han");
      exp != nullptr && !mrz.expiry_date.empty()) {
    auto a = vn::ParseDate(*exp);
    if (a && !a->no_expiry) {
      compared.push_back("ngay_het_han");
      auto b = vn::ParseDate(mrz.expiry_date);
      if (!b || a->day != b->day || a->month != b->month || a->year % 100 != b->year % 100)
        differ.emplace_back("ngay_het_han");
    }
  }
  c.info["compared"] = compared;
  if (differ.empty()) {
    c.outcome = CheckOutcome::kPassed;
  } else {
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.dg1_dg13_mismatch";
    c.info["differ"] = differ;
    c.detail = "DG1 and DG13 disagree on " + std::to_string(differ.size()) + " field(s)";
  }
  return c;
}

}  // namespace

const char* CheckOutcomeName(CheckOutcome o) {
  switch (o) {
    case CheckOutcome::kPassed:
      return "passed";
    case CheckOutcome::kFailed:
      return "failed";
    case CheckOutcome::kNotChecked:
      return "not_checked";
  }
  return "not_checked";
}

bool ChipReport::Proven(int dg) const {
  auto it = dg_hash_ok.find(dg);
  return passive_authentication && it != dg_hash_ok.end() && it->second;
}

const Check* ChipReport::Find(std::string_view name) const {
  for (const auto& c : checks)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> ChipReport::FailureReasons() const {
  std::vector<std::string> out;
  for (const auto& c : checks)
    if (c.outcome == CheckOutcome::kFailed) out.push_back(c.reason);
  return out;
}

ChipReport VerifyChip(const ChipData& data, const TrustStore& trust, const VerifyOptions& options) {
  ChipReport r;
  const Limits& limits = options.limits;
  const int64_t at = options.at_time.value_or(static_cast<int64_t>(std::time(nullptr)));

  // ---- the SOD and the data group hashes ----
  auto sod = ParseSod(data.sod, limits);
  r.checks.push_back(FromStatus("sod",
                                "EF.SOD is a CMS SignedData holding an LDS security object with "
                                "one signer",
                                sod.status()));
  bool hashes_ok = sod.ok();
  if (sod.ok()) r.sod = *sod;
  for (const auto& [dg, bytes] : data.dgs) {
    const std::string name = "dg_hash:" + FileName(dg);
    const std::string checked = "the hash of " + FileName(dg) + " as sent against the SOD's entry";
    if (!sod.ok()) {
      r.checks.push_back(NotChecked(name, checked, "chip.sod_malformed", "no readable SOD"));
      r.dg_hash_ok[dg] = false;
      hashes_ok = false;
      continue;
    }
    auto it = sod->dg_hashes.find(dg);
    if (it == sod->dg_hashes.end()) {
      Check c = NotChecked(name, checked, "chip.dg_not_in_sod", "");
      c.outcome = CheckOutcome::kFailed;
      c.detail = FileName(dg) + " was sent but the SOD lists no hash for it";
      r.checks.push_back(c);
      r.dg_hash_ok[dg] = false;
      hashes_ok = false;
      continue;
    }
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const EVP_MD* md = EVP_get_digestbyname(sod->hash_algorithm.c_str());
    const bool ok = md != nullptr &&
                    EVP_Digest(bytes.data(), bytes.size(), h, &n, md, nullptr) == 1 &&
                    n == it->second.size() && CRYPTO_memcmp(h, it->second.data(), n) == 0;
    ossl::ClearErrors();
    Check c = Passed(name, checked);
    c.info["algorithm"] = sod->hash_algorithm;
    if (!ok) {
      c.outcome = CheckOutcome::kFailed;
      c.reason = "chip.dg_hash_mismatch";
      c.detail = FileName(dg) + " is not the data group the SOD signed (its hash differs)";
      hashes_ok = false;
    }
    r.dg_hash_ok[dg] = ok;
    r.checks.push_back(c);
  }

  // ---- signature, chain, validity, revocation ----
  if (sod.ok()) {
    Check sig = VerifySodSignature(*sod);
    r.checks.push_back(sig);
    for (auto& c : VerifySignerChain(*sod, trust, at, &r.csca)) r.checks.push_back(std::move(c));
  } else {
    for (const char* n : {"sod_signature", "ds_chain", "validity", "revocation"})
      r.checks.push_back(NotChecked(n, "", "chip.sod_malformed", "no readable SOD"));
  }
  auto passed = [&](const char* n) {
    const Check* c = r.Find(n);
    return c != nullptr && c->outcome == CheckOutcome::kPassed;
  };
  const Check* rev = r.Find("revocation");
  r.passive_authentication = hashes_ok && !data.dgs.empty() && passed("sod_signature") &&
                             passed("ds_chain") && passed("validity") && rev != nullptr &&
                             rev->outcome != CheckOutcome::kFailed;

  // ---- the data groups' content ----
  bool understood = true;
  auto parse = [&](int dg, const char* name, const char* checked, auto parser, auto& slot) {
    auto it = data.dgs.find(dg);
    if (it == data.dgs.end()) return;
    auto v = parser(it->second, limits);
    r.checks.push_back(FromStatus(name, checked, v.status()));
    if (v.ok()) {
      slot = std::move(*v);
    } else {
      understood = false;
    }
  };
  parse(1, "dg1", "DG1 holds an MRZ of ICAO shape whose check digits all pass", ParseDg1, r.dg1);
  if (r.dg1) {
    auto mrz = doc::ParseMrz(r.dg1->lines);
    Check& c = r.checks.back();
    if (!mrz.ok() || !mrz->checks_ok || mrz->repaired_chars != 0) {
      c.outcome = CheckOutcome::kFailed;
      c.reason = "chip.dg1_mrz_invalid";
      c.detail = !mrz.ok() ? mrz.status().message() : "MRZ check digits fail";
      understood = false;
      r.dg1.reset();
    }
  }
  parse(2, "dg2", "DG2 holds an ISO/IEC 19794-5 facial record with a JPEG or JPEG 2000 image",
        ParseDg2, r.dg2);
  if (r.dg2 && options.decode_portrait) {
    auto img = DecodePortrait(*r.dg2, limits);
    Check& c = r.checks.back();
    if (img.ok()) {
      r.portrait = *img;
      c.info["decoded"] = {{"width", img->cols}, {"height", img->rows}};
    } else {
      c.outcome = CheckOutcome::kFailed;
      c.reason = img.status().reason();
      c.detail = img.status().message();
      understood = false;
    }
  }
  parse(13, "dg13_layout",
        "DG13 parses, and every field tag in it is in the project's layout table", ParseDg13,
        r.dg13);
  if (r.dg13 && !r.dg13->unknown_tags.empty()) {
    Check& c = r.checks.back();
    c.outcome = CheckOutcome::kFailed;
    c.reason = "chip.dg13_unknown_tags";
    nlohmann::json tags = nlohmann::json::array();
    for (int t : r.dg13->unknown_tags) tags.push_back(t);
    c.info["unknown_tags"] = tags;
    c.detail =
        "DG13 has field tags the layout table does not know; their values are not output "
        "and the data are not reported as verified";
    understood = false;
  }
  parse(14, "dg14", "DG14 holds SecurityInfos", ParseDg14, r.dg14);
  parse(15, "dg15", "DG15 holds an RSA or EC public key", ParseDg15, r.dg15);
  if (r.dg1 && r.dg13) {
    auto mrz = doc::ParseMrz(r.dg1->lines);
    Check c = Consistency(*mrz, *r.dg13);
    if (c.outcome == CheckOutcome::kFailed) understood = false;
    r.checks.push_back(c);
  }
  if (!data.com.empty()) {
    auto com = ParseCom(data.com, limits);
    Check c = FromStatus("com", "EF.COM lists the data groups the SOD lists (EF.COM is not signed)",
                         com.status());
    c.info["informational"] = true;
    if (com.ok()) {
      r.com = *com;
      if (r.sod) {
        std::vector<int> sod_dgs;
        for (const auto& [dg, h] : r.sod->dg_hashes) sod_dgs.push_back(dg);
        std::vector<int> com_dgs = com->data_groups;
        std::sort(com_dgs.begin(), com_dgs.end());
        if (com_dgs != sod_dgs) {
          c.outcome = CheckOutcome::kFailed;
          c.reason = "chip.com_mismatch";
          c.detail = "EF.COM and the SOD list different data groups";
        }
      }
    }
    r.checks.push_back(c);
  }

  // ---- active authentication ----
  bool aa_ok = true;
  const std::string aa_checked =
      "the chip's signature over the server's challenge with the DG15 key";
  if (!options.active_auth) {
    r.checks.push_back(NotChecked("active_authentication", aa_checked, "chip.aa_not_requested",
                                  r.dg15
                                      ? "the card has an active authentication key (DG15) but no "
                                        "challenge response was sent"
                                      : "no challenge response was sent"));
  } else if (!r.dg15) {
    r.checks.push_back(NotChecked("active_authentication", aa_checked, "chip.aa_dg15_missing",
                                  "a challenge response was sent without a readable DG15"));
    r.checks.back().outcome = CheckOutcome::kFailed;
    aa_ok = false;
  } else if (!r.Proven(15)) {
    // A key the SOD does not vouch for proves nothing: anyone can make a key pair.
    r.checks.push_back(NotChecked("active_authentication", aa_checked, "chip.aa_dg15_not_proven",
                                  "DG15 is not covered by a passive authentication that passed"));
    r.checks.back().outcome = CheckOutcome::kFailed;
    aa_ok = false;
  } else {
    Check c = VerifyActiveAuthentication(*r.dg15, r.dg14, *options.active_auth);
    aa_ok = c.outcome == CheckOutcome::kPassed;
    r.checks.push_back(c);
  }

  std::vector<std::string> missing;
  for (int required : {1, 2, 13})
    if (data.dgs.count(required) == 0) missing.push_back(FileName(required));
  if (!missing.empty()) {
    Check c =
        NotChecked("required_data_groups", "DG1, DG2 and DG13 were sent", "chip.dg_missing", "");
    c.outcome = CheckOutcome::kFailed;
    for (const auto& m : missing) c.detail += (c.detail.empty() ? "missing: " : ", ") + m;
    r.checks.push_back(c);
    understood = false;
  }
  r.verified = r.passive_authentication && understood && aa_ok;
  return r;
}

}  // namespace ekyc::chip
