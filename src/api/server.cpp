#include <arpa/inet.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <regex>
#include <thread>
#include <type_traits>

#include "api/api.h"
#include "api/errors.h"
#include "api/json_text.h"
#include "api/metrics.h"
#include "api/parse.h"
#include "api/rate_limit.h"
#include "api/static_files.h"
#include "api/tls.h"
#include "api/worker_pool.h"
#include "core/ids.h"

namespace ekyc::api {
namespace {

using Clock = std::chrono::steady_clock;

// Per-request values handed from the pre-routing hook to the route handler travel as response
// headers with this prefix (httplib offers no per-request context); all are removed before sending.
constexpr const char* kHdrStart = "X-Ekyc-Internal-Start";
constexpr const char* kHdrKey = "X-Ekyc-Internal-Key";
constexpr const char* kHdrRoute = "X-Ekyc-Internal-Route";
constexpr const char* kHdrRefusal = "X-Ekyc-Internal-Refusal";
constexpr const char* kInternalHeaders[] = {kHdrStart, kHdrKey, kHdrRoute, kHdrRefusal};

bool HasBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  return std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > 0;
}

// Request methods are logged only when they are real methods: a desynchronised stream must not
// put body bytes into the log.
std::string LoggableMethod(const std::string& m) {
  for (const char* known : {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}) {
    if (m == known) return m;
  }
  return "?";
}

const std::regex& CallPath() {
  static const std::regex kRe("^/call/([A-Za-z0-9_]+)/?$");
  return kRe;
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// State shared by the HTTP thread waiting for a job and the worker running it; either may outlive
// the other (a timed-out request leaves the job to finish or be skipped).
struct JobState {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool abandoned = false;
  Result<nlohmann::json> result{Internal("server.no_result", "the job did not produce a result")};
  Request request;
};

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

ServerOptions ServerOptions::FromConfig(const Config& c) {
  ServerOptions o;
  o.host = c.host;
  o.port = c.port;
  o.data_dir = c.data_dir;
  o.tls_cert = c.tls_cert;
  o.tls_key = c.tls_key;
  o.allow_plain_http = c.allow_plain_http;
  o.api_keys_file = c.api_keys_file;
  o.workers = c.workers;
  o.queue = c.queue;
  o.http_threads = c.http_threads;
  o.max_body_bytes = c.max_body_bytes;
  o.read_timeout_s = c.read_timeout_s;
  o.write_timeout_s = c.write_timeout_s;
  o.request_timeout_ms = c.request_timeout_ms;
  o.rate_limit_rps = c.rate_limit_rps;
  o.rate_limit_burst = c.rate_limit_burst;
  return o;
}

struct Server::Impl {
  Impl(ServerOptions o, RouteTable r, std::vector<ReadinessCheck> c, Logger l)
      : opt(std::move(o)),
        routes(std::move(r)),
        checks(std::move(c)),
        log(std::move(l)),
        metrics(opt.workers),
        keys(opt.api_keys_file),
        limiter(opt.rate_limit_rps, opt.rate_limit_burst),
        pool(opt.workers, opt.queue, &metrics) {}

  ServerOptions opt;
  RouteTable routes;
  std::vector<ReadinessCheck> checks;
  Logger log;
  Metrics metrics;
  ApiKeyStore keys;
  RateLimiter limiter;
  WorkerPool pool;
  TlsFiles tls;
  bool use_tls = true;
  std::unique_ptr<httplib::Server> http;
  std::thread listener;
  int port = 0;
  bool started = false;
  std::atomic<bool> stopped{false};
  std::atomic<bool> listener_done{false};

  Status Init(const std::vector<WorkerInit>& inits);
  void Install();

  // Writes the envelope, records metrics and the request's log line.
  void Finish(const httplib::Request& req, httplib::Response& res, const std::string& route,
              const nlohmann::json& output, const ErrorInfo* error);
  void Fail(const httplib::Request& req, httplib::Response& res, const std::string& route,
            const Status& status) {
    ErrorInfo e = MapStatus(status);
    Finish(req, res, route, nullptr, &e);
  }
  // The route name for metrics and logs; unknown names collapse to "_unknown" so clients cannot
  // create unbounded metric labels.
  std::string RouteLabel(const std::string& path) const {
    std::smatch m;
    if (std::regex_match(path, m, CallPath()) && routes.Has(m[1].str())) return m[1].str();
    return "_unknown";
  }
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res);
  void HandleCall(const httplib::Request& req, httplib::Response& res);
  void HandleReady(httplib::Response& res);
};

Status Server::Impl::Init(const std::vector<WorkerInit>& inits) {
  if (opt.workers < 1) return InvalidArgument("config.invalid", "at least one worker is needed");
  if (opt.max_body_bytes < 1)
    return InvalidArgument("config.invalid", "max body size must be positive");
  if (opt.allow_plain_http) {
    if (!IsLoopbackHost(opt.host)) {
      return FailedPrecondition(
          "config.plain_http_not_loopback",
          "refusing to serve plain HTTP on '" + opt.host +
              "': EKYC_ALLOW_PLAIN_HTTP=true is only allowed with a loopback EKYC_HOST (127.0.0.1 "
              "or ::1), "
              "for a TLS-terminating reverse proxy on the same machine. Unset it to serve HTTPS.");
    }
    use_tls = false;
  }
  if (use_tls) {
    if (opt.tls_cert.empty() != opt.tls_key.empty()) {
      return InvalidArgument("config.invalid",
                             "EKYC_TLS_CERT and EKYC_TLS_KEY must be set together");
    }
    if (opt.tls_cert.empty()) {
      EKYC_ASSIGN_OR_RETURN(tls, EnsureSelfSignedCert(opt.data_dir + "/tls"));
    } else {
      tls = {opt.tls_cert, opt.tls_key, false};
    }
    Status ctx_status;
    auto ssl = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
      ctx_status = ConfigureServerContext(ctx, tls.cert, tls.key);
      return ctx_status.ok();
    });
    if (!ctx_status.ok()) return ctx_status;
    if (!ssl->is_valid())
      return Internal("tls.setup_failed", "the HTTPS server could not be initialised");
    http = std::move(ssl);
  } else {
    http = std::make_unique<httplib::Server>();
  }
  // Keys file problems (bad permissions, corrupt JSON) stop start-up rather than 401 every call.
  if (auto listed = keys.List(); !listed.ok()) return listed.status();
  EKYC_RETURN_IF_ERROR(pool.Start(inits));
  Install();
  return Status::Ok();
}

void Server::Impl::Finish(const httplib::Request& req, httplib::Response& res,
                          const std::string& route, const nlohmann::json& output,
                          const ErrorInfo* error) {
  double secs = 0;
  if (res.has_header(kHdrStart)) {
    secs = static_cast<double>(NowNs() - std::stoll(res.get_header_value(kHdrStart))) / 1e9;
  }
  std::string key_name = res.get_header_value(kHdrKey);
  std::string rid = res.get_header_value("X-Request-Id");
  if (rid.empty()) {
    rid = NewUuid();
    res.set_header("X-Request-Id", rid);
  }
  for (const char* h : kInternalHeaders) res.headers.erase(h);

  int http_status = error != nullptr ? error->http_status : 200;
  std::string code = error != nullptr ? error->code : "";
  nlohmann::json env = Envelope(output, secs, opt.api_version, opt.server_version, rid, error);
  res.status = http_status;
  if (error != nullptr && error->retry_after_s > 0) {
    res.set_header("Retry-After", std::to_string(error->retry_after_s));
  }
  res.set_content(DumpJson(env), "application/json");
  metrics.RecordRequest(route, http_status, code, secs);
  // Never field contents: ids, route, outcome and timing only.
  log.Info("request", {{"request_id", rid},
                       {"route", route},
                       {"method", LoggableMethod(req.method)},
                       {"status", http_status},
                       {"code", code},
                       {"ms", std::round(secs * 1e6) / 1e3},
                       {"api_key", key_name}});
}

httplib::Server::HandlerResponse Server::Impl::PreRoute(const httplib::Request& req,
                                                        httplib::Response& res) {
  using HR = httplib::Server::HandlerResponse;
  // The API answers whole JSON documents: a Range header must not turn a response into a 206
  // fragment of one.
  const_cast<httplib::Request&>(req).ranges.clear();
  res.set_header(kHdrStart, std::to_string(NowNs()));
  res.set_header("X-Request-Id", NewUuid());
  std::smatch m;
  std::string body_route = RouteLabel(req.path);
  // Bodies whose size is not known up front are refused before they are read: httplib 0.11's
  // body limit applies to Content-Length only, so chunked or compressed (decompressed by
  // httplib) bodies could otherwise grow without bound. The connection is closed afterwards so
  // the unread body is never parsed as a request.
  // Applies to every path: httplib reads a POST body before it knows whether a handler matches.
  bool chunked = req.has_header("Transfer-Encoding");
  std::string encoding = req.get_header_value("Content-Encoding");
  if (chunked || (!encoding.empty() && encoding != "identity")) {
    const_cast<httplib::Request&>(req).set_header("Connection",
                                                  "close");  // read by httplib after routing
    ErrorInfo e =
        chunked
            ? CodeError("E411",
                        "send the body with a Content-Length (chunked uploads are not accepted)")
            : MapStatus(Status(StatusCode::kUnsupported, kReasonUnsupportedMedia,
                               "Content-Encoding '" + encoding +
                                   "' is not accepted; send the body uncompressed"));
    Finish(req, res, body_route, nullptr, &e);
    return HR::Handled;
  }
  if (req.path.rfind("/call", 0) != 0) return HR::Unhandled;
  // A refusal is answered here only when there is no body. httplib reads a POST body only after
  // this hook, and answering first would leave the body on a keep-alive connection to be parsed
  // as the next request; so with a body the refusal is carried to HandleCall, after the (size
  // limited) body was read.
  auto refuse_info = [&](const std::string& route, const ErrorInfo& e) {
    if (!HasBody(req)) {
      Finish(req, res, route, nullptr, &e);
      return HR::Handled;
    }
    res.set_header(kHdrRoute, route);
    res.set_header(kHdrRefusal, nlohmann::json{{"http", e.http_status},
                                               {"code", e.code},
                                               {"message", e.message},
                                               {"retry", e.retry_after_s}}
                                    .dump());
    return HR::Unhandled;
  };
  auto refuse = [&](const std::string& route, const Status& s) {
    return refuse_info(route, MapStatus(s));
  };
  if (!std::regex_match(req.path, m, CallPath()) || !routes.Has(m[1].str())) {
    return refuse("_unknown",
                  Status(StatusCode::kNotFound, kReasonUnknownRoute,
                         "no route " + req.path + "; routes are /call/<name>, see docs/api.md"));
  }
  std::string route = m[1].str();
  if (req.method != "POST") {
    ErrorInfo e = CodeError("E405", "/call/" + route + " accepts POST only");
    res.set_header("Allow", "POST");
    Finish(req, res, route, nullptr, &e);
    return HR::Handled;
  }
  auto key_name = keys.Verify(req.get_header_value("x-api-key"));
  if (!key_name.ok()) {
    if (key_name.status().code() != StatusCode::kUnauthenticated) {
      log.Error("api_keys_unavailable", {{"error", key_name.status().ToString()}});
      return refuse(
          route, Internal("auth.unavailable", "the server cannot read its API keys; see its log"));
    }
    metrics.RecordRejected("auth");
    return refuse(route, key_name.status());
  }
  res.set_header(kHdrKey, *key_name);
  if (routes.Find(route) == nullptr) {
    return refuse(route, Status(StatusCode::kUnsupported, kReasonNotAvailable,
                                "route '" + route +
                                    "' is not available: its capability is not installed in "
                                    "this build"));
  }
  int retry = 0;
  if (!limiter.Allow(*key_name, Clock::now(), &retry)) {
    metrics.RecordRejected("rate_limit");
    ErrorInfo e =
        MapStatus(Status(StatusCode::kResourceExhausted, kReasonRateLimited,
                         "rate limit exceeded for API key '" + *key_name + "'; retry later"));
    e.retry_after_s = retry;
    return refuse_info(route, e);
  }
  std::string media = MediaType(req.get_header_value("Content-Type"));
  if (!SupportedMediaType(media)) {
    return refuse(route,
                  Status(StatusCode::kUnsupported, kReasonUnsupportedMedia,
                         "Content-Type '" + media +
                             "' is not supported; use multipart/form-data or application/json"));
  }
  res.set_header(kHdrRoute, route);
  return HR::Unhandled;
}

void Server::Impl::HandleCall(const httplib::Request& req, httplib::Response& res) {
  std::string route = res.get_header_value(kHdrRoute);
  if (res.has_header(kHdrRefusal)) {
    auto j = nlohmann::json::parse(res.get_header_value(kHdrRefusal));
    ErrorInfo e{j["http"].get<int>(), j["code"].get<std::string>(), j["message"].get<std::string>(),
                j["retry"].get<int>()};
    Finish(req, res, route, nullptr, &e);
    return;
  }
  const Handler* handler = routes.Find(route);
  if (handler == nullptr) {  // pre-routing guarantees this; keep the invariant explicit
    Fail(req, res, route, Internal("route.missing", "no handler for route '" + route + "'"));
    return;
  }
  auto state = std::make_shared<JobState>();
  Request& r = state->request;
  r.route = route;
  r.request_id = res.get_header_value("X-Request-Id");
  r.api_key_name = res.get_header_value(kHdrKey);
  auto start =
      Clock::time_point(std::chrono::nanoseconds(std::stoll(res.get_header_value(kHdrStart))));
  r.deadline = start + std::chrono::milliseconds(opt.request_timeout_ms);
  if (Status s = ParseBody(req, r); !s.ok()) {
    Fail(req, res, route, s);
    return;
  }
  bool queued = pool.Submit([state, handler](WorkerContext& ctx, bool cancelled) {
    Result<nlohmann::json> result{Internal("server.no_result", "no result")};
    bool skip;
    {
      std::lock_guard lock(state->mu);
      skip = cancelled || state->abandoned;
    }
    if (cancelled) {
      result = Status(StatusCode::kUnavailable, kReasonOverloaded, "the server is shutting down");
    } else if (skip || state->request.DeadlinePassed()) {
      result = Status(StatusCode::kDeadlineExceeded, kReasonDeadline,
                      "the request waited for a worker past its deadline; retry later");
    } else {
      ctx.set_current_route(state->request.route);
      try {
        result = (*handler)(state->request, ctx);
      } catch (const std::exception& e) {
        result = Internal("handler.exception", std::string("the handler failed: ") + e.what());
      }
    }
    {
      std::lock_guard lock(state->mu);
      state->result = std::move(result);
      state->done = true;
    }
    state->cv.notify_all();
  });
  if (!queued) {
    metrics.RecordRejected("overloaded");
    // Ask the client to close the connection with the 503: it waits Retry-After anyway, and its
    // idle keep-alive connection would pin one of the HTTP threads, so that connections queued
    // behind it were neither refused nor served for many seconds (20 clients, 10 threads: 503s
    // took 40-60 s). Set on the response: httplib 0.11 ignores a request header set in a handler.
    res.set_header("Connection", "close");
    Fail(req, res, route,
         Status(StatusCode::kResourceExhausted, kReasonOverloaded,
                "the server is at capacity (all workers busy and the queue full); retry shortly"));
    return;
  }
  Result<nlohmann::json> result{Internal("server.no_result", "no result")};
  {
    std::unique_lock lock(state->mu);
    if (!state->cv.wait_until(lock, r.deadline, [&] { return state->done; })) {
      state->abandoned = true;
      lock.unlock();
      Fail(req, res, route,
           Status(StatusCode::kDeadlineExceeded, kReasonDeadline,
                  "the request did not finish within " + std::to_string(opt.request_timeout_ms) +
                      " ms"));
      return;
    }
    result = std::move(state->result);
  }
  if (!result.ok()) {
    Fail(req, res, route, result.status());
    return;
  }
  if (auto split = TakeOutcome(*result)) {
    if (split->outcome.ok()) {
      Finish(req, res, route, split->output, nullptr);
    } else {
      ErrorInfo e = MapStatus(split->outcome);
      Finish(req, res, route, split->output, &e);
    }
    return;
  }
  Finish(req, res, route, *result, nullptr);
}

void Server::Impl::HandleReady(httplib::Response& res) {
  nlohmann::json list = nlohmann::json::array();
  bool ready = !stopped.load();
  list.push_back({{"name", "workers"}, {"ok", ready}, {"message", ready ? "running" : "stopping"}});
  for (const auto& c : checks) {
    Status s = c.check ? c.check() : Internal("readiness.no_check", "no check function");
    ready = ready && s.ok();
    list.push_back({{"name", c.name}, {"ok", s.ok()}, {"message", s.ok() ? "ok" : s.ToString()}});
  }
  res.status = ready ? 200 : 503;
  res.set_content(nlohmann::json{{"ready", ready}, {"checks", list}}.dump(), "application/json");
}

void Server::Impl::Install() {
  int threads = opt.http_threads > 0 ? opt.http_threads : opt.workers + opt.queue + 4;
  // httplib takes ownership of the returned queue (its API requires a raw pointer).
  http->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  http->set_payload_max_length(static_cast<size_t>(opt.max_body_bytes));
  http->set_read_timeout(opt.read_timeout_s, 0);
  http->set_write_timeout(opt.write_timeout_s, 0);
  // Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the client's
  // delayed ACK adds ~40 ms to every keep-alive response.
  http->set_tcp_nodelay(true);
  http->set_keep_alive_timeout(5);
  http->set_keep_alive_max_count(100);

  http->set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return PreRoute(req, res); });
  http->Post(R"(/call/([A-Za-z0-9_]+)/?)",
             [this](const httplib::Request& req, httplib::Response& res) { HandleCall(req, res); });
  auto simple = [this](const char* route, auto body) {
    return [this, route, body](const httplib::Request& req, httplib::Response& res) {
      if constexpr (std::is_invocable_v<decltype(body), const httplib::Request&,
                                        httplib::Response&>) {
        body(req, res);
      } else {
        body(res);
      }
      if (res.status == -1) res.status = 200;
      double secs =
          static_cast<double>(NowNs() - std::stoll(res.get_header_value(kHdrStart))) / 1e9;
      for (const char* h : kInternalHeaders) res.headers.erase(h);
      metrics.RecordRequest(route, res.status, "", secs);
      log.Debug("request", {{"request_id", res.get_header_value("X-Request-Id")},
                            {"route", route},
                            {"status", res.status}});
    };
  };
  http->Get("/healthz", simple("healthz", [](httplib::Response& res) {
              res.set_content(R"({"status":"ok"})", "application/json");
            }));
  http->Get("/readyz", simple("readyz", [this](httplib::Response& res) { HandleReady(res); }));
  http->Get("/metrics", simple("metrics", [this](httplib::Response& res) {
              res.set_content(metrics.Text(), "text/plain; version=0.0.4");
            }));
  for (const StaticFile& file : opt.static_files) {
    for (auto& [pattern, serve] : StaticRoutes(file)) http->Get(pattern, simple("static", serve));
  }
  // Errors httplib produces itself (400 malformed multipart or headers, 413 body too large, 404)
  // get the same envelope.
  http->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string route = RouteLabel(req.path);
        Status s;
        switch (res.status) {
          case 413:
            metrics.RecordRejected("too_large");
            s = Status(StatusCode::kResourceExhausted, kReasonTooLarge,
                       "request body is larger than the limit of " +
                           std::to_string(opt.max_body_bytes) + " bytes (EKYC_MAX_BODY_BYTES)");
            break;
          case 400:
            s = InvalidArgument(kReasonMalformed,
                                "malformed request (headers or multipart/form-data body)");
            break;
          case 404:
            s = Status(StatusCode::kNotFound, kReasonUnknownRoute, "no such endpoint: " + req.path);
            break;
          default: {
            // 414 (request target too long), 416 (malformed Range header), ...: one of the
            // documented codes (docs/errors.md), never an undocumented "E" + status.
            const int status = res.status;
            const_cast<httplib::Request&>(req).ranges.clear();
            ErrorInfo e = HttpLibError(
                status, status == 414 ? "the request target is longer than 8192 bytes"
                        : status == 416
                            ? "malformed Range header (the API answers whole JSON documents)"
                            : "malformed request (HTTP " + std::to_string(status) + ")");
            Finish(req, res, route, nullptr, &e);
            return httplib::Server::HandlerResponse::Handled;
          }
        }
        Fail(req, res, route, s);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http->set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        Fail(req, res, "_unknown", Internal("server.exception", "internal error"));
      });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Stop();
}

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options, RouteTable routes,
                                               std::vector<ReadinessCheck> checks,
                                               std::vector<WorkerInit> worker_inits,
                                               Logger logger) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(routes), std::move(checks),
                                     std::move(logger));
  EKYC_RETURN_IF_ERROR(impl->Init(worker_inits));
  return std::unique_ptr<Server>(new Server(std::move(impl)));  // private constructor
}

Status Server::Start() {
  Impl& s = *impl_;
  if (s.started) return FailedPrecondition("server.started", "the server is already started");
  if (s.opt.port == 0) {
    s.port = s.http->bind_to_any_port(s.opt.host);
  } else {
    s.port = s.http->bind_to_port(s.opt.host, s.opt.port) ? s.opt.port : -1;
  }
  if (s.port <= 0) {
    return Status(StatusCode::kUnavailable, "server.bind_failed",
                  "cannot listen on " + s.opt.host + ":" + std::to_string(s.opt.port) +
                      " (address in use or not available; set EKYC_HOST/EKYC_PORT)");
  }
  s.started = true;
  s.listener = std::thread([&s] {
    s.http->listen_after_bind();
    s.listener_done = true;
  });
  // httplib's stop() is a no-op until its accept loop runs; wait for it so that a Stop() right
  // after Start() cannot leave the listener blocked in accept().
  while (!s.http->is_running() && !s.listener_done)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (s.listener_done) {
    s.listener.join();
    s.started = false;
    return Status(StatusCode::kUnavailable, "server.listen_failed",
                  "the server stopped right after starting");
  }
  s.log.Info(
      "server_started",
      {{"url", url()}, {"tls", s.use_tls}, {"workers", s.opt.workers}, {"queue", s.opt.queue}});
  return Status::Ok();
}

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  if (s.started) {
    s.http->stop();
    if (s.listener.joinable()) s.listener.join();
  }
  s.pool.Shutdown();
  if (s.started) s.log.Info("server_stopped", {});
}

int Server::port() const {
  return impl_->port;
}
bool Server::tls() const {
  return impl_->use_tls;
}
std::string Server::url() const {
  std::string host = impl_->opt.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(impl_->use_tls ? "https" : "http") + "://" + host + ":" +
         std::to_string(impl_->port);
}
std::string Server::local_url() const {
  const std::string& host = impl_->opt.host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
    return std::string(impl_->use_tls ? "https" : "http") +
           "://localhost:" + std::to_string(impl_->port);
  }
  return url();
}
const std::string& Server::cert_path() const {
  return impl_->tls.cert;
}
std::string Server::MetricsText() const {
  return impl_->metrics.Text();
}
int64_t Server::queue_depth() const {
  return impl_->pool.queue_depth();
}

}  // namespace ekyc::api
