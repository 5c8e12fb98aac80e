// Errors as values at module boundaries.
//
// A Status carries a broad category (for HTTP mapping), a stable machine-readable reason
// (e.g. "image.too_large", for clients and the error-code table) and a message a user can act on.
// Result<T> holds either a value or a non-OK Status.
//
// Thread-safety: value types; safe to copy and share read-only across threads.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ekyc {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller sent something malformed or out of range
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // would create a duplicate
  kUnauthenticated,     // missing or invalid credentials
  kPermissionDenied,    // policy forbids (e.g. blocked URL address)
  kResourceExhausted,   // too large, too many, rate limited, queue full
  kFailedPrecondition,  // the system is not in a state to do this (e.g. models not loaded)
  kUnsupported,         // a format or feature we do not handle
  kUnavailable,         // a dependency (network, database) could not be reached; may succeed later
  kDeadlineExceeded,    // took too long
  kDataLoss,            // stored data is corrupt or cannot be decrypted
  kInternal,            // a bug or an unexpected library failure
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Stable dotted identifier, e.g. "image.truncated". Empty when ok().
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }

  // "reason: message" for logs and CLI output.
  std::string ToString() const;

  // Prepends context to the message, keeping code and reason.
  Status WithContext(const std::string& context) const {
    return {code_, reason_, context + ": " + message_};
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string reason_;
  std::string message_;
};

// Shorthands for the common categories.
inline Status InvalidArgument(std::string reason, std::string message) {
  return {StatusCode::kInvalidArgument, std::move(reason), std::move(message)};
}
inline Status NotFound(std::string reason, std::string message) {
  return {StatusCode::kNotFound, std::move(reason), std::move(message)};
}
inline Status Internal(std::string reason, std::string message) {
  return {StatusCode::kInternal, std::move(reason), std::move(message)};
}
inline Status Unsupported(std::string reason, std::string message) {
  return {StatusCode::kUnsupported, std::move(reason), std::move(message)};
}
inline Status ResourceExhausted(std::string reason, std::string message) {
  return {StatusCode::kResourceExhausted, std::move(reason), std::move(message)};
}
inline Status FailedPrecondition(std::string reason, std::string message) {
  return {StatusCode::kFailedPrecondition, std::move(reason), std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK status without a value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ekyc

// Propagates a non-OK Status from an expression returning Status.
#define EKYC_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::ekyc::Status ekyc_status_ = (expr);        \
    if (!ekyc_status_.ok()) return ekyc_status_; \
  } while (0)

#define EKYC_CONCAT_INNER_(a, b) a##b
#define EKYC_CONCAT_(a, b) EKYC_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result expression, or returns its Status.
#define EKYC_ASSIGN_OR_RETURN(lhs, expr) \
  EKYC_ASSIGN_OR_RETURN_IMPL_(EKYC_CONCAT_(ekyc_result_, __LINE__), lhs, expr)
// `lhs` may be a declaration and `tmp` a fresh name: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define EKYC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
