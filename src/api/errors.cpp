#include "api/errors.h"

#include <map>
#include <string_view>

#include "api/api.h"

namespace ekyc::api {
namespace {

constexpr const char* kOutcomeKey = "__ekyc_outcome__";
constexpr const char* kOutputKey = "__ekyc_output__";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

struct Fixed {
  int http;
  const char* code;
  const char* vendor_message;  // the vendor's exact text for its own codes; nullptr: Status message
  int retry_after_s;
};

// Reasons with a fixed mapping. The vendor's business outcomes keep the vendor's messages verbatim
// so clients matching on them keep working.
const std::map<std::string, Fixed, std::less<>>& ByReason() {
  static const std::map<std::string, Fixed, std::less<>> kTable = {
      {"face.no_face_on_capture_and_card",
       {200, "0", "There's no face on capture and card image", 0}},
      {"face.no_face_on_capture", {200, "1", "There's no face on capture image", 0}},
      {"face.no_face_on_card", {200, "2", "There's no face on card image", 0}},
      {"face.match_failed", {200, "4", "Matching fail", 0}},
      {"face.already_registered",
       {200, "E850", "User face is already existing, can not registered", 0}},
      // The store module's duplicate check (EKYC_DUPLICATE_THRESHOLD) is the same outcome.
      {"store.duplicate_face",
       {200, "E850", "User face is already existing, can not registered", 0}},
      {"face.id_not_found", {200, "E855", "Face id is not exists", 0}},
      // Project code for a selfie video judged not live (the vendor documents no code for it).
      {"live.spoof_detected", {200, "E460", "Liveness check failed", 0}},
      // Project code for a selfie video that shows no attack but not enough of a live face
      // (docs/liveness.md): the client should record again with a blink or a slow head turn.
      {"live.not_enough_evidence",
       {200, "E461", "Liveness not confirmed: record again with a blink or a slow head turn", 0}},
      // Project code: chip (NFC) data whose passive/active authentication did not pass
      // (docs/chip.md); `output.chip` says which check failed.
      {"chip.not_verified", {200, "E470", "Chip data not verified", 0}},
      {kReasonMalformed, {400, "E400", nullptr, 0}},
      {kReasonUnauthenticated, {401, "E401", nullptr, 0}},
      {kReasonUnknownRoute, {404, "E404", nullptr, 0}},
      {kReasonTooLarge, {413, "E413", nullptr, 0}},
      {kReasonUnsupportedMedia, {415, "E415", nullptr, 0}},
      {kReasonRateLimited, {429, "E429", nullptr, 1}},
      {kReasonNotAvailable, {501, "E501", nullptr, 0}},
      {kReasonOverloaded, {503, "E503", nullptr, 1}},
      {kReasonDeadline, {504, "E504", nullptr, 0}},
  };
  return kTable;
}

// Every code the server answers with. Vendor codes come first (HTTP 200: the request was
// processed and the answer is "no"), then the project's request and server errors.
const std::vector<CodeInfo>& Catalogue() {
  static const std::vector<CodeInfo> kCodes = {
      {200, "0"},    {200, "1"},    {200, "2"},    {200, "4"},    {200, "E850"}, {200, "E855"},
      {200, "E460"}, {200, "E461"}, {200, "E470"}, {400, "E400"}, {401, "E401"}, {403, "E403"},
      {404, "E404"}, {405, "E405"}, {409, "E409"}, {411, "E411"}, {413, "E413"}, {414, "E414"},
      {415, "E415"}, {422, "E422"}, {429, "E429"}, {429, "E462"}, {429, "E463"}, {500, "E500"},
      {501, "E501"}, {503, "E503"}, {504, "E504"},
  };
  return kCodes;
}

}  // namespace

const std::vector<CodeInfo>& ErrorCodes() {
  return Catalogue();
}

ErrorInfo CodeError(std::string_view code, std::string message, int retry_after_s) {
  for (const CodeInfo& c : Catalogue()) {
    if (code == c.code) return {c.http_status, c.code, std::move(message), retry_after_s};
  }
  return {500, "E500", "internal error: unknown error code " + std::string(code), 0};
}

ErrorInfo HttpLibError(int http_status, const std::string& message) {
  for (const CodeInfo& c : Catalogue()) {
    if (c.http_status == http_status && c.http_status != 200) return CodeError(c.code, message);
  }
  return CodeError(http_status >= 400 && http_status < 500 ? "E400" : "E500", message);
}

ErrorInfo MapStatus(const Status& status) {
  const std::string& reason = status.reason();
  const std::string& msg = status.message();
  if (auto it = ByReason().find(reason); it != ByReason().end()) {
    const Fixed& f = it->second;
    return {f.http, f.code, f.vendor_message != nullptr ? f.vendor_message : msg, f.retry_after_s};
  }
  switch (status.code()) {
    case StatusCode::kOk:
      return {200, "", "", 0};
    case StatusCode::kInvalidArgument:
      // Syntax problems of the request itself are 400; a well-formed request whose image or field
      // value is unusable is 422.
      if (StartsWith(reason, "request.")) return CodeError("E400", msg);
      return CodeError("E422", msg);
    case StatusCode::kUnauthenticated:
      return CodeError("E401", msg);
    case StatusCode::kPermissionDenied:
      return CodeError("E403", msg);
    case StatusCode::kNotFound:
      // A module's "not found" (no card in the image, no readable text) is a problem of the
      // request's content; 404 is only for unknown routes and endpoints (route.unknown above).
      return CodeError("E422", msg);
    case StatusCode::kAlreadyExists:
      return CodeError("E409", msg);
    case StatusCode::kResourceExhausted:
      // The request's own size (body, image bytes or pixels, video bytes or duration) is 413;
      // only the server's capacity is 503.
      if (EndsWith(reason, "too_large") || EndsWith(reason, "too_many_pixels") ||
          EndsWith(reason, "too_long")) {
        return CodeError("E413", msg);
      }
      if (EndsWith(reason, "rate_limited")) return CodeError("E429", msg, 1);
      return CodeError("E503", msg, 1);
    case StatusCode::kUnsupported:
      return CodeError("E415", msg);
    case StatusCode::kFailedPrecondition:
    case StatusCode::kUnavailable:
      return CodeError("E503", msg, 5);
    case StatusCode::kDeadlineExceeded:
      return CodeError("E504", msg);
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return CodeError("E500", msg);
  }
  return CodeError("E500", msg);
}

nlohmann::json Envelope(const nlohmann::json& output, double seconds,
                        const std::string& api_version, const std::string& mlchain_version,
                        const std::string& request_id, const ErrorInfo* error) {
  nlohmann::json e = nlohmann::json::object();
  e["output"] = output;
  e["time"] = seconds;
  e["api_version"] = api_version;
  e["mlchain_version"] = mlchain_version;
  e["request_id"] = request_id;
  if (error != nullptr && !error->code.empty()) {
    e["error"] = error->message;
    e["code"] = error->code;
  }
  return e;
}

nlohmann::json OutputWithOutcome(nlohmann::json output, const Status& outcome) {
  return nlohmann::json{{kOutputKey, std::move(output)},
                        {kOutcomeKey,
                         {{"category", static_cast<int>(outcome.code())},
                          {"reason", outcome.reason()},
                          {"message", outcome.message()}}}};
}

std::optional<SplitOutcome> TakeOutcome(const nlohmann::json& value) {
  if (!value.is_object() || value.size() != 2 || !value.contains(kOutcomeKey) ||
      !value.contains(kOutputKey)) {
    return std::nullopt;
  }
  const auto& o = value[kOutcomeKey];
  Status s(static_cast<StatusCode>(o.value("category", static_cast<int>(StatusCode::kInternal))),
           o.value("reason", ""), o.value("message", ""));
  if (s.ok()) return SplitOutcome{value[kOutputKey], Status::Ok()};
  return SplitOutcome{value[kOutputKey], s};
}

}  // namespace ekyc::api
