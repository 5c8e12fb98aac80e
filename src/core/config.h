// Process configuration from environment variables.
//
// Every variable is documented in the README's configuration table. Invalid values stop start-up
// with a message naming the variable. The environment is read through an EnvSource so tests can
// supply their own without touching the process environment.
//
// Thread-safety: Config is a plain value, immutable after Load(); share it read-only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/status.h"

namespace ekyc {

// Looks up one variable; std::nullopt when unset.
using EnvSource = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the real process environment.
EnvSource ProcessEnv();
// A fixed map, for tests.
EnvSource MapEnv(std::map<std::string, std::string> vars);

// Typed readers: unset or empty -> fallback; malformed or out of range -> error naming the
// variable.
Result<std::string> EnvString(const EnvSource& env, const std::string& name, std::string fallback);
Result<int64_t> EnvInt(const EnvSource& env, const std::string& name, int64_t fallback, int64_t min,
                       int64_t max);
Result<double> EnvDouble(const EnvSource& env, const std::string& name, double fallback, double min,
                         double max);
Result<bool> EnvBool(const EnvSource& env, const std::string& name, bool fallback);

struct Config {
  std::string host = "0.0.0.0";    // EKYC_HOST
  int port = 8443;                 // EKYC_PORT
  std::string data_dir = "./var";  // EKYC_DATA_DIR: SQLite file, images, keys, TLS material
  std::string api_keys_file;       // EKYC_API_KEYS_FILE (default <data_dir>/api-keys.json)
  std::string tls_cert;            // EKYC_TLS_CERT (default: self-signed in <data_dir>/tls/)
  std::string tls_key;             // EKYC_TLS_KEY
  int workers = 0;                 // EKYC_WORKERS (0 -> number of cores)
  std::string cache_dir;           // EKYC_CACHE (default ~/.cache/ekyc): downloaded packages
  std::string model_dir;           // EKYC_MODEL_DIR (default <binary dir>/models)
  std::string log_level = "info";  // EKYC_LOG_LEVEL: trace|debug|info|warn|error
  bool allow_plain_http = false;   // EKYC_ALLOW_PLAIN_HTTP: only for a reverse proxy on loopback

  // Input limits (see src/input).
  int64_t max_image_bytes = 15LL << 20;   // EKYC_MAX_IMAGE_BYTES
  int64_t max_image_pixels = 40'000'000;  // EKYC_MAX_IMAGE_PIXELS
  int url_timeout_ms = 10'000;            // EKYC_URL_TIMEOUT_MS
  bool allow_private_urls = false;  // EKYC_ALLOW_PRIVATE_URLS: permit loopback/private URL fetches
  int64_t max_video_bytes = 20LL << 20;  // EKYC_MAX_VIDEO_BYTES: encoded selfie video size
  double max_video_seconds = 15.0;       // EKYC_MAX_VIDEO_SECONDS: selfie video duration
  int video_frames = 60;                 // EKYC_VIDEO_FRAMES: frames sampled for liveness
  // EKYC_CARD_LIVENESS: on = the card liveness check answers each side's `liveness`; off = the
  // vendor's behaviour ("True", not checked), for clients that expect it (docs/card-liveness.md).
  bool card_liveness = true;

  // Server limits and admission control (see src/api, docs/api.md).
  int queue = 0;                        // EKYC_QUEUE: jobs waiting for a worker (0 -> 2 x workers)
  int http_threads = 0;                 // EKYC_HTTP_THREADS (0 -> workers + queue + 4)
  int64_t max_body_bytes = 20LL << 20;  // EKYC_MAX_BODY_BYTES: larger requests get 413
  int read_timeout_s = 30;          // EKYC_READ_TIMEOUT_S: per socket read, against slow clients
  int write_timeout_s = 30;         // EKYC_WRITE_TIMEOUT_S
  int request_timeout_ms = 30'000;  // EKYC_REQUEST_TIMEOUT_MS: per-request deadline
  double rate_limit_rps = 10;       // EKYC_RATE_LIMIT_RPS: per API key (0 disables)
  int rate_limit_burst = 20;        // EKYC_RATE_LIMIT_BURST
  // Abuse limits (docs/api.md "Abuse limits"); 0 disables each.
  int liveness_fail_limit_user = 5;  // EKYC_LIVENESS_FAIL_LIMIT_USER: failed liveness per user_id
  int liveness_fail_limit_key = 20;  // EKYC_LIVENESS_FAIL_LIMIT_KEY: failed liveness per API key
  int liveness_fail_window_s = 180;  // EKYC_LIVENESS_FAIL_WINDOW_S: their sliding window
  int enumeration_limit_key = 100;   // EKYC_ENUMERATION_LIMIT_KEY: search/verify misses per key
  int enumeration_window_s = 600;    // EKYC_ENUMERATION_WINDOW_S: its sliding window

  // Document reader's text engines (see src/doc, docs/doc.md "Recognisers"): tesseract|trained.
  // Each role uses the engine that read more fields right on the development cards: the
  // project's recogniser for the field re-reads and the MRZ, Tesseract for the page's layout.
  std::string doc_lines = "trained";    // EKYC_DOC_LINES: per-field line re-reads
  std::string doc_page = "tesseract";   // EKYC_DOC_PAGE: the whole page's reading
  std::string doc_mrz = "trained";      // EKYC_DOC_MRZ: the machine-readable zone
  std::string doc_date_lines = "tesseract";  // EKYC_DOC_DATE_LINES: re-reads of date fields

  // Face database (see src/store, docs/store.md).
  std::string store_backend = "sqlite";  // EKYC_STORE: sqlite|postgres
  std::string pg_dsn;                    // EKYC_PG_DSN: libpq connection string (postgres backend)
  std::string data_key_file;             // EKYC_DATA_KEY_FILE (default <data_dir>/data.key)
  double duplicate_threshold = 0.95;  // EKYC_DUPLICATE_THRESHOLD: same face, another user -> E850
  // EKYC_HNSW_EF_SEARCH: HNSW search breadth; recall vs latency at large sizes (docs/store.md).
  int hnsw_ef_search = 512;
  // EKYC_HNSW_M: HNSW graph degree; a change rebuilds the index from the tables at next start.
  int hnsw_m = 48;

  // Chip data verification (see src/chip, docs/chip.md).
  std::string csca_dir;  // EKYC_CSCA_DIR (default <data_dir>/csca): CSCA certificates and CRLs

  // Fills every field from the environment, resolving defaults that depend on other fields.
  static Result<Config> Load(const EnvSource& env);
};

}  // namespace ekyc
