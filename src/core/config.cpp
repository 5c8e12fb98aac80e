#include "core/config.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <thread>
#include <tuple>

namespace ekyc {
namespace {

Status BadVar(const std::string& name, const std::string& value, const std::string& expected) {
  return InvalidArgument("config.invalid", "environment variable " + name + "='" + value +
                                               "' is not valid: expected " + expected);
}

std::optional<std::string> NonEmpty(const EnvSource& env, const std::string& name) {
  auto v = env(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

std::string ExecutableDir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return p.parent_path().string();
}

}  // namespace

EnvSource ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v =
        std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read at start-up only
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

EnvSource MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Result<std::string> EnvString(const EnvSource& env, const std::string& name, std::string fallback) {
  auto v = NonEmpty(env, name);
  return v ? *v : std::move(fallback);
}

Result<int64_t> EnvInt(const EnvSource& env, const std::string& name, int64_t fallback, int64_t min,
                       int64_t max) {
  auto v = NonEmpty(env, name);
  if (!v) return fallback;
  int64_t out = 0;
  const char* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, out);
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (ec != std::errc() || ptr != end || out < min || out > max) return BadVar(name, *v, range);
  return out;
}

Result<double> EnvDouble(const EnvSource& env, const std::string& name, double fallback, double min,
                         double max) {
  auto v = NonEmpty(env, name);
  if (!v) return fallback;
  char* end = nullptr;
  errno = 0;
  double out = std::strtod(v->c_str(), &end);
  if (errno != 0 || end != v->c_str() + v->size() || !(out >= min && out <= max)) {
    return BadVar(name, *v, "a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return out;
}

Result<bool> EnvBool(const EnvSource& env, const std::string& name, bool fallback) {
  auto v = NonEmpty(env, name);
  if (!v) return fallback;
  const std::string& s = *v;
  if (s == "1" || s == "true" || s == "TRUE" || s == "True" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "FALSE" || s == "False" || s == "no" || s == "off")
    return false;
  return BadVar(name, s, "true or false (also 1/0, yes/no, on/off)");
}

Result<Config> Config::Load(const EnvSource& env) {
  Config c;
  EKYC_ASSIGN_OR_RETURN(c.host, EnvString(env, "EKYC_HOST", c.host));
  EKYC_ASSIGN_OR_RETURN(int64_t port, EnvInt(env, "EKYC_PORT", c.port, 0, 65535));
  c.port = static_cast<int>(port);
  EKYC_ASSIGN_OR_RETURN(c.data_dir, EnvString(env, "EKYC_DATA_DIR", c.data_dir));
  EKYC_ASSIGN_OR_RETURN(c.api_keys_file,
                        EnvString(env, "EKYC_API_KEYS_FILE", c.data_dir + "/api-keys.json"));
  EKYC_ASSIGN_OR_RETURN(c.tls_cert, EnvString(env, "EKYC_TLS_CERT", ""));
  EKYC_ASSIGN_OR_RETURN(c.tls_key, EnvString(env, "EKYC_TLS_KEY", ""));
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return InvalidArgument(
        "config.invalid",
        "EKYC_TLS_CERT and EKYC_TLS_KEY must be set together (or both left unset "
        "for a generated self-signed certificate)");
  }
  EKYC_ASSIGN_OR_RETURN(int64_t workers, EnvInt(env, "EKYC_WORKERS", 0, 0, 256));
  c.workers = workers > 0 ? static_cast<int>(workers)
                          : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::string home = env("HOME").value_or("/tmp");
  EKYC_ASSIGN_OR_RETURN(c.cache_dir, EnvString(env, "EKYC_CACHE", home + "/.cache/ekyc"));
  EKYC_ASSIGN_OR_RETURN(c.model_dir, EnvString(env, "EKYC_MODEL_DIR", ExecutableDir() + "/models"));
  for (auto [name, field] : {std::pair{"EKYC_DOC_LINES", &c.doc_lines},
                             std::pair{"EKYC_DOC_PAGE", &c.doc_page},
                             std::pair{"EKYC_DOC_MRZ", &c.doc_mrz},
                             std::pair{"EKYC_DOC_DATE_LINES", &c.doc_date_lines}}) {
    EKYC_ASSIGN_OR_RETURN(*field, EnvString(env, name, *field));
    if (*field != "tesseract" && *field != "trained")
      return BadVar(name, *field, "one of tesseract, trained");
  }
  EKYC_ASSIGN_OR_RETURN(c.log_level, EnvString(env, "EKYC_LOG_LEVEL", c.log_level));
  if (c.log_level != "trace" && c.log_level != "debug" && c.log_level != "info" &&
      c.log_level != "warn" && c.log_level != "error") {
    return BadVar("EKYC_LOG_LEVEL", c.log_level, "one of trace, debug, info, warn, error");
  }
  EKYC_ASSIGN_OR_RETURN(c.allow_plain_http, EnvBool(env, "EKYC_ALLOW_PLAIN_HTTP", false));
  EKYC_ASSIGN_OR_RETURN(c.max_image_bytes,
                        EnvInt(env, "EKYC_MAX_IMAGE_BYTES", c.max_image_bytes, 1024, 1LL << 30));
  EKYC_ASSIGN_OR_RETURN(c.max_image_pixels, EnvInt(env, "EKYC_MAX_IMAGE_PIXELS", c.max_image_pixels,
                                                   10'000, 400'000'000));
  EKYC_ASSIGN_OR_RETURN(int64_t url_ms,
                        EnvInt(env, "EKYC_URL_TIMEOUT_MS", c.url_timeout_ms, 100, 120'000));
  c.url_timeout_ms = static_cast<int>(url_ms);
  EKYC_ASSIGN_OR_RETURN(c.allow_private_urls, EnvBool(env, "EKYC_ALLOW_PRIVATE_URLS", false));
  EKYC_ASSIGN_OR_RETURN(c.max_video_bytes,
                        EnvInt(env, "EKYC_MAX_VIDEO_BYTES", c.max_video_bytes, 1024, 1LL << 30));
  EKYC_ASSIGN_OR_RETURN(c.max_video_seconds,
                        EnvDouble(env, "EKYC_MAX_VIDEO_SECONDS", c.max_video_seconds, 1.0, 600.0));
  // Liveness needs at least 5 frames; above ~120 the checker's all-pairs work grows quadratically.
  EKYC_ASSIGN_OR_RETURN(int64_t vframes, EnvInt(env, "EKYC_VIDEO_FRAMES", c.video_frames, 5, 120));
  c.video_frames = static_cast<int>(vframes);
  EKYC_ASSIGN_OR_RETURN(c.card_liveness, EnvBool(env, "EKYC_CARD_LIVENESS", true));
  EKYC_ASSIGN_OR_RETURN(int64_t queue, EnvInt(env, "EKYC_QUEUE", 0, 0, 100'000));
  c.queue = queue > 0 ? static_cast<int>(queue) : 2 * c.workers;
  EKYC_ASSIGN_OR_RETURN(int64_t http_threads, EnvInt(env, "EKYC_HTTP_THREADS", 0, 0, 4096));
  c.http_threads = static_cast<int>(http_threads);
  EKYC_ASSIGN_OR_RETURN(c.max_body_bytes,
                        EnvInt(env, "EKYC_MAX_BODY_BYTES", c.max_body_bytes, 1024, 1LL << 31));
  EKYC_ASSIGN_OR_RETURN(int64_t read_s,
                        EnvInt(env, "EKYC_READ_TIMEOUT_S", c.read_timeout_s, 1, 3600));
  c.read_timeout_s = static_cast<int>(read_s);
  EKYC_ASSIGN_OR_RETURN(int64_t write_s,
                        EnvInt(env, "EKYC_WRITE_TIMEOUT_S", c.write_timeout_s, 1, 3600));
  c.write_timeout_s = static_cast<int>(write_s);
  EKYC_ASSIGN_OR_RETURN(
      int64_t req_ms, EnvInt(env, "EKYC_REQUEST_TIMEOUT_MS", c.request_timeout_ms, 100, 3'600'000));
  c.request_timeout_ms = static_cast<int>(req_ms);
  EKYC_ASSIGN_OR_RETURN(c.rate_limit_rps,
                        EnvDouble(env, "EKYC_RATE_LIMIT_RPS", c.rate_limit_rps, 0, 1e6));
  EKYC_ASSIGN_OR_RETURN(int64_t burst,
                        EnvInt(env, "EKYC_RATE_LIMIT_BURST", c.rate_limit_burst, 1, 1'000'000));
  c.rate_limit_burst = static_cast<int>(burst);
  for (auto [name, field, max] :
       {std::tuple{"EKYC_LIVENESS_FAIL_LIMIT_USER", &c.liveness_fail_limit_user, 1'000'000},
        std::tuple{"EKYC_LIVENESS_FAIL_LIMIT_KEY", &c.liveness_fail_limit_key, 1'000'000},
        std::tuple{"EKYC_LIVENESS_FAIL_WINDOW_S", &c.liveness_fail_window_s, 86'400},
        std::tuple{"EKYC_ENUMERATION_LIMIT_KEY", &c.enumeration_limit_key, 1'000'000},
        std::tuple{"EKYC_ENUMERATION_WINDOW_S", &c.enumeration_window_s, 86'400}}) {
    const bool window = std::string_view(name).ends_with("_S");
    EKYC_ASSIGN_OR_RETURN(int64_t v, EnvInt(env, name, *field, window ? 1 : 0, max));
    *field = static_cast<int>(v);
  }
  EKYC_ASSIGN_OR_RETURN(c.store_backend, EnvString(env, "EKYC_STORE", c.store_backend));
  if (c.store_backend != "sqlite" && c.store_backend != "postgres") {
    return BadVar("EKYC_STORE", c.store_backend, "sqlite or postgres");
  }
  EKYC_ASSIGN_OR_RETURN(c.pg_dsn, EnvString(env, "EKYC_PG_DSN", ""));
  if (c.store_backend == "postgres" && c.pg_dsn.empty()) {
    return InvalidArgument("config.invalid", "EKYC_STORE=postgres needs EKYC_PG_DSN");
  }
  EKYC_ASSIGN_OR_RETURN(c.data_key_file,
                        EnvString(env, "EKYC_DATA_KEY_FILE", c.data_dir + "/data.key"));
  EKYC_ASSIGN_OR_RETURN(c.csca_dir, EnvString(env, "EKYC_CSCA_DIR", c.data_dir + "/csca"));
  EKYC_ASSIGN_OR_RETURN(c.duplicate_threshold, EnvDouble(env, "EKYC_DUPLICATE_THRESHOLD",
                                                         c.duplicate_threshold, 0.0, 1.0));
  EKYC_ASSIGN_OR_RETURN(int64_t ef,
                        EnvInt(env, "EKYC_HNSW_EF_SEARCH", c.hnsw_ef_search, 16, 10000));
  c.hnsw_ef_search = static_cast<int>(ef);
  EKYC_ASSIGN_OR_RETURN(int64_t m, EnvInt(env, "EKYC_HNSW_M", c.hnsw_m, 8, 128));
  c.hnsw_m = static_cast<int>(m);
  return c;
}

}  // namespace ekyc
