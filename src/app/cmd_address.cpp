// `ekyc address`: normalize Vietnamese addresses against the admin-unit index (src/vn).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "core/config.h"
#include "vn/vn.h"

namespace ekyc::app {

namespace {

struct AddressOptions {
  std::string text;
  bool from_stdin = false;
  std::string index_path;
  bool timing = false;
};

int RunAddress(const AddressOptions& o) {
  using Clock = std::chrono::steady_clock;
  std::string override_path = o.index_path;
  if (override_path.empty()) {
    auto env = EnvString(ProcessEnv(), "EKYC_VN_INDEX", "");
    if (!env.ok()) {
      std::cerr << env.status().ToString() << "\n";
      return 2;
    }
    override_path = *env;
  }
  std::error_code ec;
  std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  std::string path = vn::DefaultIndexPath(exe, override_path);

  auto t0 = Clock::now();
  auto index = vn::AdminIndex::Load(path);
  auto t1 = Clock::now();
  if (!index.ok()) {
    std::cerr << index.status().ToString() << "\n";
    return 1;
  }
  auto text = vn::TextTools::Create();
  if (!text.ok()) {
    std::cerr << text.status().ToString() << "\n";
    return 1;
  }
  std::shared_ptr<const vn::TextTools> tools(std::move(*text));
  auto t2 = Clock::now();
  vn::AddressNormalizer normalizer(*index, tools);

  std::vector<double> per_address_us;
  auto run_one = [&](const std::string& line) {
    auto a = Clock::now();
    vn::NormalizedAddress n = normalizer.Normalize(line);
    auto b = Clock::now();
    per_address_us.push_back(std::chrono::duration<double, std::micro>(b - a).count());
    std::cout << normalizer.ToJson(n).dump() << "\n";
  };
  if (o.from_stdin) {
    std::string line;
    while (std::getline(std::cin, line)) run_one(line);
  } else {
    if (o.text.empty()) {
      std::cerr << "address: give the address TEXT or --stdin\n";
      return 2;
    }
    run_one(o.text);
  }
  if (o.timing && !per_address_us.empty()) {
    std::vector<double> v = per_address_us;
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) {
      return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
    };
    std::cerr << "{\"index_load_ms\": "
              << std::chrono::duration<double, std::milli>(t1 - t0).count()
              << ", \"icu_transliterator_ms\": "
              << std::chrono::duration<double, std::milli>(t2 - t1).count()
              << ", \"addresses\": " << v.size() << ", \"normalize_median_us\": " << pct(0.5)
              << ", \"normalize_p95_us\": " << pct(0.95) << ", \"normalize_max_us\": " << v.back()
              << "}\n";
  }
  return 0;
}

}  // namespace

void AddAddressCommand(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<AddressOptions>();
  auto* cmd = app.add_subcommand(
      "address",
      "Normalize a Vietnamese address (old 3-level or post-2025 2-level) to the vendor JSON shape");
  cmd->add_option("text", opts->text, "The address text (quote it)");
  cmd->add_flag("--stdin", opts->from_stdin,
                "Read one address per line from stdin; print one JSON object per line");
  cmd->add_option(
      "--index", opts->index_path,
      "Admin-unit index file (default: $EKYC_VN_INDEX, else <exe dir>/data/vn-admin.tsv)");
  cmd->add_flag("--timing", opts->timing,
                "Print index load time and per-address latency (JSON) to stderr");
  cmd->callback([opts, exit_code] { *exit_code = RunAddress(*opts); });
}

}  // namespace ekyc::app
