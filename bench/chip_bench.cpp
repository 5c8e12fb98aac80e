// Per-request cost of chip data verification, excluding the face match: what chip_verify does
// before it would compare faces. Per configuration (document signer key, portrait format, active
// authentication) it times, on synthetic chip sets of realistic size:
//   verify   chip::VerifyChip: parse SOD/DG1/DG2/DG13/DG14/DG15/COM, hash every data group, verify
//            the SOD signature and the DS chain (validity, revocation), decode the DG2 portrait,
//            and active authentication when configured;
//   fields   chip::ChipDocResult + the vn normalization the route attaches (addresses, dates, ID),
//            when --vn-index is given.
// Reports median / p95 / max of wall and CPU time in ms, one JSON line per configuration. CPU time
// is the process's (all threads: OpenCV may run parts of a decode on its worker threads); on the
// shared machine it is the steadier figure.
//
// Usage: chip_bench [--runs 200] [--vn-index build/data/vn-admin.tsv] [--portrait FACE.jpg]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "chip/chip.h"
#include "chip/testkit.h"
#include "core/cpu_time.h"
#include "vn/vn.h"

namespace {

using namespace ekyc;
using chip::testkit::KeyType;
using Clock = std::chrono::steady_clock;

struct Stats {
  std::vector<double> wall, cpu;
  static double Pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
  }
  std::string Json() const {
    char buf[256];
    std::snprintf(
        buf, sizeof buf,
        "{\"wall_median\": %.3f, \"wall_p95\": %.3f, \"wall_max\": %.3f, \"cpu_median\": %.3f, "
        "\"cpu_p95\": %.3f}",
        Pct(wall, 0.5), Pct(wall, 0.95), Pct(wall, 1.0), Pct(cpu, 0.5), Pct(cpu, 0.95));
    return buf;
  }
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 200;
  std::string vn_index, portrait;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--vn-index") == 0) vn_index = argv[i + 1];
    if (std::strcmp(argv[i], "--portrait") == 0) portrait = argv[i + 1];
  }
  std::shared_ptr<const vn::AddressNormalizer> normalizer;
  if (!vn_index.empty()) {
    auto n = vn::CreateAddressNormalizer(vn_index);
    if (!n.ok()) {
      std::fprintf(stderr, "%s\n", n.status().ToString().c_str());
      return 2;
    }
    normalizer = *n;
  }
  struct Config {
    const char* name;
    KeyType ds;
    chip::ImageKind image;
    KeyType aa;
  };
  const Config configs[] = {
      {"ds_ec_p256+jpeg", KeyType::kEcP256, chip::ImageKind::kJpeg, KeyType::kNone},
      {"ds_rsa2048+jpeg", KeyType::kRsa2048, chip::ImageKind::kJpeg, KeyType::kNone},
      {"ds_rsa2048+jpeg+aa_rsa2048", KeyType::kRsa2048, chip::ImageKind::kJpeg, KeyType::kRsa2048},
      {"ds_ec_p256+jpeg+aa_ec_p256", KeyType::kEcP256, chip::ImageKind::kJpeg, KeyType::kEcP256},
      {"ds_rsa2048+jpeg2000", KeyType::kRsa2048, chip::ImageKind::kJpeg2000, KeyType::kNone},
  };
  const std::string dir = (std::filesystem::temp_directory_path() / "ekyc-chip-bench").string();
  for (const auto& c : configs) {
    chip::testkit::PkiOptions po;
    po.csca_key = c.ds;
    po.ds_key = c.ds;
    auto pki = chip::testkit::MakePki(po);
    if (!pki.ok()) return 1;
    std::filesystem::remove_all(dir);
    if (!chip::testkit::WriteTrustDir(dir, {pki->csca.get()}).ok()) return 1;
    auto trust = chip::TrustStore::Load(dir);
    if (!trust.ok()) return 1;
    chip::testkit::ChipSetOptions o;
    o.aa_key = c.aa;
    o.portrait_kind = c.image;
    if (!portrait.empty()) {
      o.portrait = Slurp(portrait);
      if (c.image != chip::ImageKind::kJpeg) {
        // The same face re-encoded as JPEG 2000 (OpenJPEG through OpenCV) at the size of the JPEG
        // (rate 25/1000: ~14 KB for a 427 x 427 portrait).
        const std::vector<uchar> in(o.portrait.begin(), o.portrait.end());
        const cv::Mat face = cv::imdecode(in, cv::IMREAD_COLOR);
        std::vector<uchar> jp2;
        if (face.empty() ||
            !cv::imencode(".jp2", face, jp2, {cv::IMWRITE_JPEG2000_COMPRESSION_X1000, 25}))
          return 1;
        o.portrait.assign(jp2.begin(), jp2.end());
      }
    }
    auto set = chip::testkit::MakeChipSet(*pki, o);
    if (!set.ok()) return 1;
    const std::string challenge("\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    chip::VerifyOptions vo;
    if (c.aa != KeyType::kNone) {
      auto sig = chip::testkit::SignChallenge(set->aa_key.get(), challenge);
      if (!sig.ok()) return 1;
      vo.active_auth = chip::ActiveAuthInput{challenge, *sig};
    }
    size_t total_bytes = set->data.sod.size() + set->data.com.size();
    for (const auto& [dg, b] : set->data.dgs) total_bytes += b.size();
    Stats verify, fields;
    for (int i = 0; i < runs + 5; ++i) {
      auto t0 = Clock::now();
      const double c0 = ProcessCpuMs();
      chip::ChipReport r = chip::VerifyChip(set->data, **trust, vo);
      auto t1 = Clock::now();
      const double c1 = ProcessCpuMs();
      if (!r.verified) {
        std::fprintf(stderr, "%s: not verified: %s\n", c.name, r.ToJson().dump().c_str());
        return 1;
      }
      doc::DocResult d = chip::ChipDocResult(r);
      if (normalizer) {
        for (const char* f : {"nguyen_quan", "ho_khau_thuong_tru"}) {
          if (const doc::Field* x = d.Get(f)) (void)normalizer->Normalize(x->value);
        }
        for (const char* f : {"ngay_sinh", "ngay_cap", "ngay_het_han"}) {
          if (const doc::Field* x = d.Get(f)) (void)vn::ParseDate(x->value);
        }
        (void)vn::ValidateId(d.Get("id")->value, vn::ParseDate(d.Get("ngay_sinh")->value), 0);
      }
      (void)r.ToJson().dump();
      auto t2 = Clock::now();
      const double c2 = ProcessCpuMs();
      if (i < 5) continue;  // warm-up
      verify.wall.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      verify.cpu.push_back(c1 - c0);
      fields.wall.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
      fields.cpu.push_back(c2 - c0);
    }
    std::printf(
        "{\"config\": \"%s\", \"runs\": %d, \"bytes\": %zu, \"portrait_bytes\": %zu, "
        "\"verify_ms\": %s, "
        "\"verify_plus_fields_ms\": %s}\n",
        c.name, runs, total_bytes, set->data.dgs[2].size(), verify.Json().c_str(),
        fields.Json().c_str());
    std::fflush(stdout);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
