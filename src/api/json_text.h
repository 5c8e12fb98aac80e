// JSON text of a response body, with numbers as the vendor's clients read them.
//
// nlohmann::json prints the shortest text that round-trips a double, so arithmetic noise shows
// (`0.36010000000000003` for 1 - 0.6399) and small values switch to exponent form (`2.2533e-05`).
// Here every floating-point number is first rounded to 15 significant digits (below double
// precision, so the noise of a few operations disappears while any meaningful digit stays), or,
// when it is exactly a single-precision value (OpenCV points, network outputs), to the shortest
// text of that float (123.9, not 123.90000152587891); then it is printed in plain decimal
// notation, always with a decimal point (`1.0`, `0.000022533`), as Python's json module prints
// the vendor's floats. Integers, strings, booleans and null are
// printed as nlohmann::json prints them; object keys keep nlohmann's (sorted) order.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ekyc::api {

// Compact JSON text of `value` (invalid UTF-8 in strings is replaced, never rejected).
std::string DumpJson(const nlohmann::json& value);

// The text one floating-point number is printed as ("0.3601", "1.0", "0.000022533"; non-finite
// values print as "null", as nlohmann::json prints them).
std::string FormatDouble(double v);

}  // namespace ekyc::api
