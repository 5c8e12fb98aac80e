// `ekyc chip`: the CSCA trust store as loaded (trust-store), verification of chip data read by a
// phone from files (verify), and synthetic chip data signed by a throw-away test CSCA for trying
// the chip routes and for the API tests (sample). See docs/chip.md.
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "chip/chip.h"
#include "chip/testkit.h"
#include "core/config.h"
#include "input/input.h"

namespace ekyc::app {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

Result<std::string> CscaDir(const std::string& given) {
  if (!given.empty()) return given;
  EKYC_ASSIGN_OR_RETURN(Config c, Config::Load(ProcessEnv()));
  return c.csca_dir;
}

int TrustStoreCommand(const std::string& dir_opt) {
  auto dir = CscaDir(dir_opt);
  if (!dir.ok()) {
    std::cerr << dir.status().ToString() << "\n";
    return 2;
  }
  auto t = chip::TrustStore::Load(*dir);
  if (!t.ok()) {
    std::cerr << t.status().ToString() << "\n";
    return 1;
  }
  std::cout << (*t)->Summary().dump(2) << "\n";
  return 0;
}

// Chip data from a JSON file shaped like the chip_verify request body (base64 members sod, com,
// dg1..dg16).
Result<chip::ChipData> FromJson(const std::string& path) {
  auto j = nlohmann::json::parse(Slurp(path), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return InvalidArgument("chip.cli", path + " is not a JSON object");
  chip::ChipData d;
  auto field = [&](const std::string& name, int dg) -> Result<std::string> {
    if (!j.contains(name) || !j[name].is_string()) return std::string();
    return input::DecodeBase64(j[name].get<std::string>(),
                               static_cast<int64_t>(chip::MaxBytesFor(dg)));
  };
  EKYC_ASSIGN_OR_RETURN(d.sod, field("sod", 100));
  EKYC_ASSIGN_OR_RETURN(d.com, field("com", 0));
  for (int dg = 1; dg <= 16; ++dg) {
    EKYC_ASSIGN_OR_RETURN(std::string b, field("dg" + std::to_string(dg), dg));
    if (!b.empty()) d.dgs[dg] = b;
  }
  return d;
}

int VerifyCommand(const std::string& json_path, const std::string& csca_opt, int64_t at) {
  auto dir = CscaDir(csca_opt);
  if (!dir.ok()) {
    std::cerr << dir.status().ToString() << "\n";
    return 2;
  }
  auto trust = chip::TrustStore::Load(*dir);
  if (!trust.ok()) {
    std::cerr << trust.status().ToString() << "\n";
    return 1;
  }
  auto data = FromJson(json_path);
  if (!data.ok()) {
    std::cerr << data.status().ToString() << "\n";
    return 2;
  }
  chip::VerifyOptions o;
  if (at > 0) o.at_time = at;
  chip::ChipReport r = chip::VerifyChip(*data, **trust, o);
  std::cout << r.ToJson().dump(2) << "\n";
  return r.verified ? 0 : 1;
}

struct SampleOptions {
  std::string out;
  uint64_t seed = 1;
  std::string portrait;
  std::string aa = "none";
  int tamper_dg = 0;
};

int SampleCommand(const SampleOptions& o) {
  auto pki = chip::testkit::MakePki();
  if (!pki.ok()) {
    std::cerr << pki.status().ToString() << "\n";
    return 1;
  }
  chip::testkit::ChipSetOptions co;
  co.seed = o.seed;
  if (!o.portrait.empty()) co.portrait = Slurp(o.portrait);
  co.aa_key = o.aa == "rsa"  ? chip::testkit::KeyType::kRsa2048
              : o.aa == "ec" ? chip::testkit::KeyType::kEcP256
                             : chip::testkit::KeyType::kNone;
  auto set = chip::testkit::MakeChipSet(*pki, co);
  if (!set.ok()) {
    std::cerr << set.status().ToString() << "\n";
    return 1;
  }
  if (o.tamper_dg != 0) {
    auto it = set->data.dgs.find(o.tamper_dg);
    if (it == set->data.dgs.end()) {
      std::cerr << "sample: the set has no DG" << o.tamper_dg << "\n";
      return 2;
    }
    it->second[it->second.size() - 2] ^= 0x01;  // after signing: the SOD no longer matches
  }
  Status st = chip::testkit::WriteTrustDir(o.out + "/csca", {pki->csca.get()});
  if (!st.ok()) {
    std::cerr << st.ToString() << "\n";
    return 1;
  }
  nlohmann::json j = {{"sod", Base64(set->data.sod)}, {"com", Base64(set->data.com)}};
  for (const auto& [dg, bytes] : set->data.dgs) j["dg" + std::to_string(dg)] = Base64(bytes);
  std::ofstream(o.out + "/chip.json") << j.dump(2) << "\n";
  std::cout << "wrote " << o.out << "/chip.json (chip_verify request fields) and " << o.out
            << "/csca/ (its TEST CSCA: never put it in a production trust store)\n";
  return 0;
}

}  // namespace

void AddChipCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("chip", "Chip (NFC) data: trust store, verification, test data");
  cmd->require_subcommand(1);

  auto trust_dir = std::make_shared<std::string>();
  auto* ts =
      cmd->add_subcommand("trust-store", "List the CSCA certificates and CRLs as loaded (JSON)");
  ts->add_option("--dir", *trust_dir, "Trust store directory (default: $EKYC_CSCA_DIR)");
  ts->callback([trust_dir, exit_code] { *exit_code = TrustStoreCommand(*trust_dir); });

  auto vjson = std::make_shared<std::string>();
  auto vcsca = std::make_shared<std::string>();
  auto vat = std::make_shared<int64_t>(0);
  auto* v = cmd->add_subcommand(
      "verify", "Verify chip data (a chip_verify JSON body); prints the chip report");
  v->add_option("json", *vjson, "JSON file with base64 sod, dg1, dg2, dg13, ... members")
      ->required();
  v->add_option("--csca", *vcsca, "Trust store directory (default: $EKYC_CSCA_DIR)");
  v->add_option("--at", *vat, "Verification time, unix seconds (default: now)");
  v->callback([vjson, vcsca, vat, exit_code] { *exit_code = VerifyCommand(*vjson, *vcsca, *vat); });

  auto so = std::make_shared<SampleOptions>();
  auto* s =
      cmd->add_subcommand("sample",
                          "Write synthetic chip data signed by a new TEST CSCA (for trying the "
                          "chip routes; never trust that CSCA in production)");
  s->add_option("--out", so->out, "Output directory")->required();
  s->add_option("--seed", so->seed, "Generated person");
  s->add_option("--portrait", so->portrait, "JPEG for DG2 (default: a drawn test portrait, no face)");
  s->add_option("--aa", so->aa, "Active authentication key: none, rsa, ec")
      ->check(CLI::IsMember({"none", "rsa", "ec"}));
  s->add_option("--tamper", so->tamper_dg,
                "Change a byte of this data group after signing (a negative sample)");
  s->callback([so, exit_code] { *exit_code = SampleCommand(*so); });
}

}  // namespace ekyc::app
