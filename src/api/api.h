// The HTTP(S) API: server, vendor-compatible envelope and error codes, routes, auth, limits,
// admission control, metrics.
//
// Shape of a request: an HTTP thread authenticates (x-api-key), rate-limits, parses the body into
// an api::Request and enqueues it on a bounded pool of inference workers; a worker runs the route's
// handler with its own WorkerContext (per-worker sessions, no sharing) and the HTTP thread wraps
// the result in the vendor envelope. Other modules plug in by:
//   - RouteTable::Set("predict", handler)           (the ten vendor routes answer E501 until set)
//   - ServerOptions / Server::Create(..., checks)   (readiness checks, e.g. "models loaded")
//   - WorkerInit functions                          (per-worker objects stored in WorkerContext)
//   - ServerOptions::static_files                   (GET pages without data, e.g. the console)
//
// Business outcomes (vendor codes 0,1,2,4,E850,E855) are ekyc::Status values whose reason is one of
// the reasons listed in docs/errors.md (e.g. "face.match_failed"); the server maps them to HTTP 200
// with `error`/`code`. Use OutputWithOutcome() when an outcome also carries an `output`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "core/cpu_time.h"
#include "core/log.h"
#include "core/status.h"

namespace ekyc::api {

// ---------------------------------------------------------------------------------------------
// Request

// A multipart part that came with a filename (an uploaded file).
struct UploadedFile {
  std::string content;       // raw bytes
  std::string filename;      // as sent by the client; informational only
  std::string content_type;  // as sent by the client; not trusted
};

// One parsed /call/<name> request. Field contents are never logged.
// Thread-safety: a value; read-only once handed to a handler.
struct Request {
  std::string route;         // "predict", "search_face", ...
  std::string request_id;    // UUID v4, also in the X-Request-Id header and the envelope
  std::string api_key_name;  // the name of the key that authenticated the call (for audit logs)
  std::chrono::steady_clock::time_point deadline;  // handlers doing long work should check it
  // Text fields: multipart parts without a filename, and JSON members (strings as-is; numbers and
  // booleans as their JSON text, e.g. "0.5", "true"). Image fields sent as base64 strings in JSON
  // arrive here undecoded; decoding is the input module's job.
  std::map<std::string, std::string> fields;
  // Multipart parts with a filename.
  std::map<std::string, UploadedFile> files;

  // The bytes of `name`, whether sent as a file or as a text field; nullptr when absent.
  const std::string* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  bool DeadlinePassed() const { return std::chrono::steady_clock::now() >= deadline; }
};

// ---------------------------------------------------------------------------------------------
// Workers

class Metrics;

// Everything one inference worker owns. Created once per worker at start-up (WorkerInit functions
// fill it), then used by that worker's thread only.
// Thread-safety: not thread-safe; confined to its worker thread (RecordStage is safe: it forwards
// to the thread-safe Metrics).
class WorkerContext {
 public:
  WorkerContext(int index, Metrics* metrics) : index_(index), metrics_(metrics) {}
  WorkerContext(const WorkerContext&) = delete;
  WorkerContext& operator=(const WorkerContext&) = delete;

  int index() const { return index_; }

  // Per-worker objects (inference sessions, OCR engines...), one per type.
  template <typename T, typename... Args>
  T& Emplace(Args&&... args) {
    auto p = std::make_shared<T>(std::forward<Args>(args)...);
    T& ref = *p;
    slots_[std::type_index(typeid(T))] = std::move(p);
    return ref;
  }
  template <typename T>
  T* Find() {
    auto it = slots_.find(std::type_index(typeid(T)));
    if (it == slots_.end()) return nullptr;
    return static_cast<T*>(it->second.get());
  }

  // Records how long one stage of the current request took (ekyc_stage_duration_seconds) and,
  // when cpu_seconds >= 0, this thread's CPU time in it (ekyc_stage_cpu_seconds_total).
  void RecordStage(std::string_view stage, double seconds, double cpu_seconds = -1);
  // The route being served by this worker right now (set by the pool).
  void set_current_route(std::string route) { current_route_ = std::move(route); }
  const std::string& current_route() const { return current_route_; }

 private:
  int index_;
  Metrics* metrics_;
  std::string current_route_;
  std::unordered_map<std::type_index, std::shared_ptr<void>> slots_;
};

// Times a scope (wall and this thread's CPU) and records it as a stage of the current request.
class StageTimer {
 public:
  StageTimer(WorkerContext& ctx, std::string stage)
      : ctx_(ctx),
        stage_(std::move(stage)),
        start_(std::chrono::steady_clock::now()),
        cpu_start_(ThreadCpuSeconds()) {}
  ~StageTimer() {
    ctx_.RecordStage(
        stage_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(),
        ThreadCpuSeconds() - cpu_start_);
  }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  WorkerContext& ctx_;
  std::string stage_;
  std::chrono::steady_clock::time_point start_;
  double cpu_start_;
};

// Prepares one worker's context (e.g. loads that worker's inference sessions). Called once per
// worker, on that worker's thread, before the server starts accepting requests.
using WorkerInit = std::function<Status(WorkerContext&)>;

// ---------------------------------------------------------------------------------------------
// Routes

// Returns the envelope's `output` on success; a non-OK Status maps to error/code/HTTP status.
using Handler = std::function<Result<nlohmann::json>(const Request&, WorkerContext&)>;

// Wraps an `output` together with a business outcome (e.g. "face.match_failed"), so the envelope
// carries both the output and the vendor's error/code, as the vendor does for "Matching fail".
nlohmann::json OutputWithOutcome(nlohmann::json output, const Status& outcome);

// The ten vendor route names, in the vendor document's order.
const std::vector<std::string>& VendorRouteNames();

// Route name -> handler. Routes registered without a handler answer HTTP 501 / E501 ("not installed
// in this build"). Thread-safety: configure before Server::Create; read-only afterwards.
class RouteTable {
 public:
  // A table with every vendor route registered and none wired.
  static RouteTable WithVendorRoutes();

  // Registers (or replaces) a handler; also adds a new route name.
  void Set(const std::string& name, Handler handler);
  // Declares a route that exists but whose capability is not available in this build.
  void Declare(const std::string& name);

  bool Has(const std::string& name) const { return routes_.count(name) != 0; }
  // nullptr when the route is declared but not wired (or unknown).
  const Handler* Find(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, Handler> routes_;  // empty std::function = declared, not available
};

// ---------------------------------------------------------------------------------------------
// Readiness

struct ReadinessCheck {
  std::string name;               // e.g. "models_loaded", "storage_open"
  std::function<Status()> check;  // OK when ready; must be thread-safe and fast
};

// ---------------------------------------------------------------------------------------------
// API keys

struct ApiKeyInfo {
  std::string name;
  std::string id;
  std::string created;  // ISO 8601 UTC
};

// Named API keys kept in a JSON file (mode 0600), each stored only as a salted SHA-256.
// Verify() reloads the file when it changed on disk, so `ekyc keys revoke` takes effect without a
// restart. Thread-safety: all methods are safe to call concurrently (internal mutex); writers in
// other processes are serialised with an advisory lock file.
class ApiKeyStore {
 public:
  explicit ApiKeyStore(std::string path);
  ~ApiKeyStore();
  ApiKeyStore(const ApiKeyStore&) = delete;
  ApiKeyStore& operator=(const ApiKeyStore&) = delete;

  const std::string& path() const { return path_; }

  // Creates a key named `name`; returns the key (the only time it exists in clear).
  Result<std::string> Add(const std::string& name);
  Status Revoke(const std::string& name);
  Result<std::vector<ApiKeyInfo>> List() const;
  // The name of the key matching `presented`, or an Unauthenticated status.
  Result<std::string> Verify(std::string_view presented) const;

 private:
  struct Impl;
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Static files

// A file answered as-is to GET (and HEAD) at `path`, WITHOUT an API key: only for files that carry
// no data of their own, such as the operator console's HTML/JS/CSS, which then calls /call/ with a
// key the operator types. Answers carry `headers` (e.g. Content-Security-Policy), an ETag and
// `Cache-Control: no-cache`; a path ending in '/' ("/console/") also answers its form without the
// slash with a redirect to it. `body` is not copied: it must outlive the server (compiled-in
// bytes).
struct StaticFile {
  std::string path;          // absolute, e.g. "/console/app.js"
  std::string content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// ---------------------------------------------------------------------------------------------
// Server

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: pick a free port (see Server::port())
  std::string data_dir = "./var";
  std::string tls_cert;  // both empty: self-signed certificate in <data_dir>/tls/
  std::string tls_key;
  bool allow_plain_http = false;  // only honoured on a loopback host
  std::string api_keys_file;
  int workers = 1;
  int queue = 2;         // jobs waiting for a worker beyond those running
  int http_threads = 0;  // 0: workers + queue + 4
  int64_t max_body_bytes = 20LL << 20;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  int request_timeout_ms = 30'000;  // per-request deadline, from arrival
  double rate_limit_rps = 0;        // per API key; 0 disables
  int rate_limit_burst = 1;
  std::string api_version = "0.2";       // envelope api_version (app/version.h kApiVersion)
  std::string server_version;            // envelope mlchain_version (ekyc build version)
  std::vector<StaticFile> static_files;  // not from Config: registered by `ekyc serve`

  static ServerOptions FromConfig(const Config& config);
};

// Thread-safety: Start/Stop/Wait from one controlling thread; the server's own threads handle
// requests; metrics and readiness are safe to query from any thread.
class Server {
 public:
  // Validates options, opens the key store, prepares TLS material (generating a self-signed
  // certificate if needed) and runs every WorkerInit on each worker. Does not bind yet.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options, RouteTable routes,
                                                std::vector<ReadinessCheck> checks,
                                                std::vector<WorkerInit> worker_inits,
                                                Logger logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving on a background thread.
  Status Start();
  // Stops accepting, finishes in-flight requests, joins threads. Idempotent.
  void Stop();

  int port() const;
  bool tls() const;
  std::string url() const;  // e.g. https://127.0.0.1:8443 (the bound address)
  // The URL a client on this machine uses: a wildcard bind (0.0.0.0, ::) shows as localhost,
  // the name the self-signed certificate is made for; other hosts as bound.
  std::string local_url() const;
  const std::string& cert_path() const;  // empty for plain HTTP
  std::string MetricsText() const;       // what GET /metrics returns
  int64_t queue_depth() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

}  // namespace ekyc::api
