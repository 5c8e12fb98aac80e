// Internal helpers of the vn module (not part of the public interface).
#pragma once

#include <string>
#include <string_view>

namespace ekyc::vn {

// Matching key of a unit name or of a run of input tokens: folded (no tones, đ->d, lower case),
// letters and digits only, no spaces, numbers without leading zeros ("Phường 01" -> "1").
std::string MatchKey(std::string_view utf8);
// Same for text that is already folded ASCII.
std::string MatchKeyFolded(std::string_view folded);

// Optimal-string-alignment distance (adjacent transposition = 1 edit), or max_d + 1 when it is
// larger than max_d (early exit).
int BoundedEditDistance(std::string_view a, std::string_view b, int max_d);

}  // namespace ekyc::vn
