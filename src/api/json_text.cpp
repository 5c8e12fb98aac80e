#include "api/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ekyc::api {
namespace {

void Append(const nlohmann::json& v, std::string& out) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::object: {
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        out +=
            nlohmann::json(it.key()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out += ':';
        Append(it.value(), out);
      }
      out += '}';
      return;
    }
    case T::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        Append(e, out);
      }
      out += ']';
      return;
    }
    case T::number_float:
      out += FormatDouble(v.get<double>());
      return;
    default:
      out += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
  }
}

}  // namespace

std::string FormatDouble(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == 0) v = 0;  // -0.0 prints as 0.0
  char buf[512];      // fixed notation of the largest double needs 309 digits
  std::to_chars_result res;
  const auto f = static_cast<float>(v);
  if (std::isfinite(f) && static_cast<double>(f) == v) {
    // A value computed in single precision (image coordinates, network scores) is printed as the
    // float it is: 123.9f widened to double would print as 123.90000152587891.
    res = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::fixed);
  } else {
    // 15 significant digits: every double prints back as the decimal it was meant to be.
    char rounded[32];
    std::snprintf(rounded, sizeof rounded, "%.15g", v);
    res = std::to_chars(buf, buf + sizeof buf, std::strtod(rounded, nullptr),
                        std::chars_format::fixed);
  }
  if (res.ec != std::errc()) return nlohmann::json(v).dump();
  std::string s(buf, res.ptr);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::string DumpJson(const nlohmann::json& value) {
  std::string out;
  Append(value, out);
  return out;
}

}  // namespace ekyc::api
