// The one place where an ekyc::Status becomes an HTTP status and a vendor/project error code, and
// where the vendor envelope is built. docs/errors.md is the human-readable copy of this table.
//
// Thread-safety: free functions over values.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// One code the server can answer with, and the HTTP status it always comes with.
struct CodeInfo {
  int http_status;
  const char* code;
};
// Every code the server can return, in the order of docs/errors.md. MapStatus(), CodeError() and
// HttpLibError() only ever produce these; the errors_doc test checks the document against it.
const std::vector<CodeInfo>& ErrorCodes();

// The error for a code of ErrorCodes() with its HTTP status (an unknown code is a bug: E500).
ErrorInfo CodeError(std::string_view code, std::string message, int retry_after_s = 0);

ErrorInfo MapStatus(const Status& status);

// An error status httplib set itself (bad request line, body over the limit, no such path, bad
// Range header, ...), as one of ErrorCodes(): the status is kept when it has a code of its own,
// otherwise it becomes 400 / E400 (client errors) or 500 / E500.
ErrorInfo HttpLibError(int http_status, const std::string& message);

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
