// The one place where an ekyc::Status becomes an HTTP status and a vendor/project error code, and
// where the vendor envelope is built. docs/errors.md is the human-readable copy of this table.
//
// Thread-safety: free functions over values.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"

namespace ekyc::api {

// Reasons the api module itself produces.
inline constexpr const char* kReasonMalformed = "request.malformed";
inline constexpr const char* kReasonUnauthenticated = "auth.invalid_key";
inline constexpr const char* kReasonTooLarge = "request.too_large";
inline constexpr const char* kReasonUnsupportedMedia = "request.unsupported_media_type";
inline constexpr const char* kReasonRateLimited = "request.rate_limited";
inline constexpr const char* kReasonOverloaded = "server.overloaded";
inline constexpr const char* kReasonNotAvailable = "route.not_available";
inline constexpr const char* kReasonUnknownRoute = "route.unknown";
inline constexpr const char* kReasonDeadline = "request.deadline_exceeded";

struct ErrorInfo {
  int http_status = 500;
  std::string code;       // "4", "E850", "E401", ...
  std::string message;    // the envelope's `error`
  int retry_after_s = 0;  // > 0: send Retry-After
};

ErrorInfo MapStatus(const Status& status);

// The vendor envelope. `error`/`code` are omitted when `error` is empty, as in the vendor's sample.
nlohmann::json Envelope(const nlohmann::json& output, double seconds,
                        const std::string& api_version, const std::string& mlchain_version,
                        const std::string& request_id, const ErrorInfo* error);

// Splits a handler's result made by OutputWithOutcome() back into output and outcome.
// Returns std::nullopt when `value` is a plain output.
struct SplitOutcome {
  nlohmann::json output;
  Status outcome;
};
std::optional<SplitOutcome> TakeOutcome(const nlohmann::json& value);

}  // namespace ekyc::api
