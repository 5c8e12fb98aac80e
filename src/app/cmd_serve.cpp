// `ekyc serve`: the HTTPS API server. Configuration comes from EKYC_* environment variables
// (docs/api.md). Stops gracefully on SIGINT/SIGTERM: in-flight requests finish first.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "api/api.h"
#include "api/routes_common.h"
#include "app/commands.h"
#include "app/ocr_threads.h"
#include "app/version.h"
#include "console/console.h"
#include "core/config.h"
#include "core/log.h"

namespace ekyc::app {
namespace {

int RunServe() {
  LimitOcrThreads();
  auto config = Config::Load(ProcessEnv());
  if (!config.ok()) {
    std::cerr << "error: " << config.status().ToString() << "\n";
    return 2;
  }
  // From here on, whatever a library prints on stderr (Leptonica, Tesseract, FFmpeg) becomes a
  // JSON log line like the server's own; done before any thread starts.
  if (!RelayStderrAsJson(config->log_level))
    std::cerr << "warning: library output on stderr will not be JSON (no relay process)\n";
  Logger log = Logger::Stderr(config->log_level);
  api::ServerOptions options = api::ServerOptions::FromConfig(*config);
  options.attempt_limits = api::VendorAttemptLimits(*config);
  options.api_version = kApiVersion;
  options.server_version = kEkycVersion;

  // Shared immutable objects (models, vn index, face store) are loaded once; a capability that
  // fails to load leaves its routes answering 501 with the reason (and /readyz failing).
  std::error_code ec;
  const std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  const char* vn_override = std::getenv("EKYC_VN_INDEX");
  api::CapabilityPaths paths{vn::DefaultIndexPath(exe, vn_override ? vn_override : "")};
  std::shared_ptr<api::Capabilities> caps = api::LoadCapabilities(*config, paths, &log);
  auto warn = [](const char* what, const std::string& why) {
    if (!why.empty()) std::cerr << "warning: " << what << " unavailable: " << why << "\n";
  };
  warn("face matching", caps->face_error);
  warn("vn normalization", caps->vn_error);
  warn("face store", caps->store_error);
  api::RouteTable routes = api::RouteTable::WithVendorRoutes();
  api::InstallVendorRoutes(routes, caps);
  api::InstallOpsRoutes(routes, caps, {kEkycVersion, kApiVersion});
  // The operator console (docs/console.md): static files only; it calls /call/ with a key.
  auto console_on = EnvBool(ProcessEnv(), "EKYC_CONSOLE", true);
  if (!console_on.ok()) {
    std::cerr << "error: " << console_on.status().ToString() << "\n";
    return 2;
  }
  if (*console_on) options.static_files = console::StaticFiles("/console/");
  auto chip = api::LoadChipCapabilities(*config);
  warn("chip data verification", api::ChipCapabilitiesError(*chip));
  api::InstallChipRoutes(routes, caps, chip);

  auto keys = std::make_shared<api::ApiKeyStore>(options.api_keys_file);
  std::vector<api::ReadinessCheck> checks;
  checks.push_back({"api_keys", [keys]() -> Status {
                      auto list = keys->List();
                      if (!list.ok()) return list.status();
                      if (list->empty()) {
                        return FailedPrecondition("keys.none",
                                                  "no API keys in " + keys->path() +
                                                      "; create one with: ekyc keys add NAME");
                      }
                      return Status::Ok();
                    }});
  for (auto& c : api::CapabilityChecks(caps)) checks.push_back(std::move(c));

  // Block the stop signals in every thread (threads inherit the mask) and wait for them here,
  // so no signal handler or global flag is needed.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = api::Server::Create(options, std::move(routes), std::move(checks),
                                    {api::CapabilityWorkerInit(caps)}, log);
  if (!server.ok()) {
    std::cerr << "error: " << server.status().ToString() << "\n";
    return 1;
  }
  if (Status s = (*server)->Start(); !s.ok()) {
    std::cerr << "error: " << s.ToString() << "\n";
    return 1;
  }
  // The URL to copy (localhost for a wildcard bind: the self-signed certificate's name), and
  // where it listens when that differs.
  const std::string url = (*server)->local_url();
  std::cout << "ekyc " << kEkycVersion << " serving " << url << "  (workers " << options.workers
            << ", queue " << options.queue << ")\n";
  if (url != (*server)->url()) {
    std::cout << "  listening on " << options.host << ":" << (*server)->port()
              << " (all interfaces; EKYC_HOST)\n";
  }
  if ((*server)->tls()) {
    std::cout << "  TLS certificate: " << (*server)->cert_path()
              << (options.tls_cert.empty()
                      ? " (self-signed; clients can trust it with curl --cacert)"
                      : "")
              << "\n";
  }
  auto listed = keys->List();
  std::cout << "  API keys file:   " << options.api_keys_file << " ("
            << (listed.ok() ? std::to_string(listed->size()) : std::string("unreadable"))
            << " keys; add one with: "
            << "ekyc keys add NAME)\n"
            << "  Health: " << url << "/healthz  Ready: /readyz  Metrics: /metrics\n";
  if (*console_on) std::cout << "  Console: " << url << "/console/\n";
  std::cout << std::flush;

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cout << "ekyc: received " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n"
            << std::flush;
  (*server)->Stop();
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "serve", "Run the HTTPS API server (configured by EKYC_* variables; see docs/api.md)");
  cmd->callback([exit_code] { *exit_code = RunServe(); });
}

}  // namespace ekyc::app
