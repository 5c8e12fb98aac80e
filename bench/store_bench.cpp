// Face store benchmark on synthetic embeddings shaped like real ones: one cluster per identity
// (enrolled face and probes are noisy captures of the identity's centre), a shared mean direction
// and a decaying spectrum (face embeddings are far from isotropic), unit norm.
//
// Measures, through the public FaceStore API on SQLite: index rebuild time at open (decrypt +
// HNSW build), resident memory per face, 1:N search latency p50/p99 and recall@1 against exact
// brute force, and registration throughput (duplicate check + encrypt + fsync'd commit).
// The N faces are bulk-loaded through the internal Db layer (one transaction) so that setting up
// 1M faces does not take hours of per-face fsyncs; that load time is reported separately.
//
// With --snapshot the store keeps index snapshots in <dir>/index: after the search phase one is
// written (timed), and a later run with --reuse on the same --dir loads it instead of rebuilding
// (then "index_source" is "snapshot" and "open_s" is the load + replay time).
//
// Usage: store_bench --n 100000 --dim 192 [--queries 1000] [--brute 1000] [--register 300]
//                    [--threads 0] [--m 48] [--ef 512] [--efc 200] [--dir /tmp/x] [--keep]
//                    [--reuse] [--snapshot] [--log]
//   --threads 0 = one per core; --reuse keeps an existing <dir>/ekyc.db (no bulk load; implies
//   --keep); --log prints the store's progress log lines on stderr.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_time.h"
#include "core/ids.h"
#include "core/log.h"
#include "store/crypto.h"
#include "store/db.h"
#include "store/snapshot.h"
#include "store/store.h"

using namespace ekyc;
using namespace ekyc::store;
using Clock = std::chrono::steady_clock;

namespace {

double Secs(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

long StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(n));
  }
  return 0;
}
long RssKb() {
  return StatusKb("VmRSS:");
}
long PeakRssKb() {
  return StatusKb("VmHWM:");
}

struct Gen {
  size_t dim;
  std::vector<float> mean, spectrum;
  explicit Gen(size_t d) : dim(d), mean(d), spectrum(d) {
    std::mt19937 rng(12345);
    std::normal_distribution<float> g(0, 1);
    double n = 0;
    for (auto& x : mean) {
      x = g(rng);
      n += x * x;
    }
    for (auto& x : mean) x = static_cast<float>(x / std::sqrt(n));
    for (size_t k = 0; k < d; ++k)
      spectrum[k] = static_cast<float>(1.0 / std::sqrt(1.0 + k / 12.0));
  }
  static void Normalize(float* v, size_t d) {
    double n = 0;
    for (size_t i = 0; i < d; ++i) n += static_cast<double>(v[i]) * v[i];
    auto inv = static_cast<float>(1.0 / std::sqrt(n));
    for (size_t i = 0; i < d; ++i) v[i] *= inv;
  }
  // Identity centre: shared mean + anisotropic random part.
  void Centre(uint64_t id, float* out) const {
    std::mt19937_64 rng(id * 2654435761ULL + 1);
    std::normal_distribution<float> g(0, 1);
    std::vector<float> z(dim);
    double n = 0;
    for (size_t k = 0; k < dim; ++k) {
      z[k] = g(rng) * spectrum[k];
      n += z[k] * z[k];
    }
    for (size_t k = 0; k < dim; ++k)
      out[k] = 0.35F * mean[k] + static_cast<float>(z[k] / std::sqrt(n));
    Normalize(out, dim);
  }
  // A capture: centre + isotropic noise (genuine cosine ~0.7, like a selfie vs enrolment).
  void Capture(uint64_t id, uint64_t capture, float* out) const {
    Centre(id, out);
    std::mt19937_64 rng(id * 1000003ULL + capture * 7919ULL + 17);
    std::normal_distribution<float> g(0, 1);
    float s = 0.75F / std::sqrt(static_cast<float>(dim));
    for (size_t k = 0; k < dim; ++k) out[k] += s * g(rng);
    Normalize(out, dim);
  }
};

double Pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 100000, dim = 192, queries = 1000, brute = 1000, reg = 300;
  int threads = 0;
  size_t m = 48, ef = 512, efc = 200;
  bool keep = false, reuse = false, snapshot = false, log = false;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
    if (a == "--n")
      n = std::stoul(next());
    else if (a == "--dim")
      dim = std::stoul(next());
    else if (a == "--queries")
      queries = std::stoul(next());
    else if (a == "--brute")
      brute = std::stoul(next());
    else if (a == "--register")
      reg = std::stoul(next());
    else if (a == "--threads")
      threads = std::stoi(next());
    else if (a == "--m")
      m = std::stoul(next());
    else if (a == "--ef")
      ef = std::stoul(next());
    else if (a == "--efc")
      efc = std::stoul(next());
    else if (a == "--dir")
      dir = next();
    else if (a == "--keep")
      keep = true;
    else if (a == "--reuse")
      reuse = keep = true;
    else if (a == "--snapshot")
      snapshot = true;
    else if (a == "--log")
      log = true;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (dir.empty()) dir = "/tmp/ekyc-store-bench-" + std::to_string(getpid());
  bool load = !(reuse && std::filesystem::exists(dir + "/ekyc.db"));
  if (load) std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::optional<Logger> logger;
  if (log) logger = Logger::Stderr("info");
  StoreOptions o;
  o.sqlite_path = dir + "/ekyc.db";
  o.key_file = dir + "/data.key";
  o.audit_reads = false;
  o.hnsw_m = m;
  o.hnsw_ef_construction = efc;
  o.hnsw_ef_search = ef;
  o.rebuild_threads = threads;
  if (snapshot) {
    o.snapshot_dir = dir + "/index";
    o.snapshot_interval_s = 1 << 30;  // only the timed SnapshotNow below
    o.snapshot_after_changes = INT64_MAX;
    o.snapshot_on_close = false;
  }
  std::printf(
      "{\"n\": %zu, \"dim\": %zu, \"m\": %zu, \"ef_construction\": %zu, \"ef_search\": %zu, "
      "\"threads\": %d,\n",
      n, dim, m, efc, ef, threads);

  Gen gen(dim);
  // Create the store (schema + key), then bulk-load.
  auto t0 = Clock::now();
  if (load) {
    auto s = OpenFaceStore(o);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
      return 1;
    }
    s->reset();
    auto key = DataKey::Load(o.key_file);
    auto db = OpenSqliteDb(o.sqlite_path);
    if (!key.ok() || !db.ok()) return 1;
    std::vector<float> v(dim);
    Status st = (*db)->Write([&](Tx& tx) -> Status {
      for (size_t i = 0; i < n; ++i) {
        std::string user = "u" + std::to_string(i);
        std::string face = "f" + std::to_string(i);
        gen.Capture(i, 0, v.data());
        EKYC_ASSIGN_OR_RETURN(int64_t upk, tx.InsertUser(kDefaultCollection, user, 0));
        EKYC_ASSIGN_OR_RETURN(int64_t fpk, tx.InsertFace(upk, face, 1.0, "", std::nullopt, 0));
        std::string bytes(reinterpret_cast<const char*>(v.data()), dim * sizeof(float));
        EKYC_ASSIGN_OR_RETURN(
            std::string sealed,
            key->Seal(bytes, EmbeddingAad(kDefaultCollection, user, face, o.active_model)));
        EKYC_ASSIGN_OR_RETURN(
            int64_t epk, tx.InsertEmbedding(fpk, o.active_model, static_cast<int>(dim), sealed, 0));
        EKYC_RETURN_IF_ERROR(tx.AppendChange(kDefaultCollection, o.active_model, 'a', epk));
      }
      return Status::Ok();
    });
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
  }
  if (load) std::printf(" \"bulk_load_s\": %.1f,\n", Secs(t0));
  std::fflush(stdout);

  long rss0 = RssKb();
  t0 = Clock::now();
  double cpu0 = ProcessCpuSeconds();
  auto opened = OpenFaceStore(o, logger ? &*logger : nullptr);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& store = *opened;
  double rebuild = Secs(t0);
  double rebuild_cpu = ProcessCpuSeconds() - cpu0;
  long rss1 = RssKb();
  auto stats = store->Stats();
  std::printf(" \"index_source\": \"%s\", \"open_cpu_s\": %.1f,",
              stats.ok() ? stats->index_source.c_str() : "?", rebuild_cpu);
  std::printf(
      " \"open_s\": %.1f, \"rss_delta_mb\": %.0f, \"bytes_per_face\": %.0f, \"rss_mb\": %.0f,"
      " \"peak_rss_mb\": %.0f,\n",
      rebuild, (rss1 - rss0) / 1024.0, (rss1 - rss0) * 1024.0 / n, rss1 / 1024.0,
      PeakRssKb() / 1024.0);
  std::fflush(stdout);

  // Search latency and recall@1 against brute force over the enrolled vectors.
  std::vector<float> all;
  if (brute > 0) {
    all.resize(n * dim);
    for (size_t i = 0; i < n; ++i) gen.Capture(i, 0, all.data() + i * dim);
  }
  std::mt19937_64 rng(99);
  std::vector<double> lat, cpu;
  size_t agree = 0, checked = 0, genuine_top1 = 0;
  // Timed searches first, back to back; the brute-force check runs afterwards so that its 1M-row
  // scans (which flush every cache) do not land between timed searches.
  std::vector<std::vector<float>> probes(queries, std::vector<float>(dim));
  std::vector<std::optional<SearchMatch>> top(queries);
  for (size_t k = 0; k < queries; ++k) {
    uint64_t id = rng() % n;
    gen.Capture(id, 1 + k, probes[k].data());
    auto t = Clock::now();
    double c0 = ThreadCpuMs();
    auto r = store->Search({"bench"}, kDefaultCollection, probes[k], 1, -1.0);
    cpu.push_back(ThreadCpuMs() - c0);
    lat.push_back(Secs(t) * 1000);
    if (!r.ok() || r->matches.empty()) continue;
    top[k] = r->matches[0];
    if (r->matches[0].user_id == "u" + std::to_string(id)) ++genuine_top1;
  }
  for (size_t k = 0; k < std::min(brute, queries); ++k) {
    if (!top[k]) continue;
    const auto& q = probes[k];
    size_t best = 0;
    double bs = -2;
    for (size_t i = 0; i < n; ++i) {
      const float* v = all.data() + i * dim;
      double d = 0;
      for (size_t j = 0; j < dim; ++j) d += static_cast<double>(q[j]) * v[j];
      if (d > bs) {
        bs = d;
        best = i;
      }
    }
    ++checked;
    if (top[k]->face_id == "f" + std::to_string(best) || std::abs(top[k]->cosine - bs) < 1e-6) {
      ++agree;
    }
  }
  std::printf(" \"search_cpu_p50_ms\": %.3f, \"search_cpu_p99_ms\": %.3f,\n", Pct(cpu, 0.5),
              Pct(cpu, 0.99));
  std::printf(
      " \"search_p50_ms\": %.3f, \"search_p99_ms\": %.3f, \"recall_at_1_vs_brute\": %.4f, "
      "\"brute_checked\": %zu, \"genuine_top1_rate\": %.4f,\n",
      Pct(lat, 0.5), Pct(lat, 0.99), checked ? static_cast<double>(agree) / checked : 0.0, checked,
      static_cast<double>(genuine_top1) / queries);
  std::fflush(stdout);
  if (snapshot) {
    t0 = Clock::now();
    double c0 = ProcessCpuSeconds();
    Status st = store->SnapshotNow();
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    std::error_code ec;
    auto bytes = std::filesystem::file_size(SnapshotPath(o.snapshot_dir, o.active_model), ec);
    std::printf(
        " \"snapshot_write_s\": %.1f, \"snapshot_write_cpu_s\": %.1f, \"snapshot_mb\": %.0f, "
        "\"peak_rss_mb_after_snapshot\": %.0f,\n",
        Secs(t0), ProcessCpuSeconds() - c0, bytes / 1048576.0, PeakRssKb() / 1024.0);
    std::fflush(stdout);
  }

  // Registration through the full path (duplicate check, encryption, fsync'd commit, index add).
  t0 = Clock::now();
  size_t ok = 0;
  for (size_t k = 0; k < reg; ++k) {
    RegisterRequest req;
    req.user_id = "new" + std::to_string(k);
    req.model_id = o.active_model;
    FaceInput f;
    f.embedding.resize(dim);
    gen.Capture(n + 10 + k, 0, f.embedding.data());
    req.faces.push_back(std::move(f));
    if (store->Register({"bench"}, req).ok()) ++ok;
  }
  double reg_s = Secs(t0);
  std::printf(" \"registered\": %zu, \"register_per_s\": %.1f, \"rss_total_mb\": %.0f}\n", ok,
              reg ? ok / reg_s : 0.0, RssKb() / 1024.0);
  store.reset();
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
