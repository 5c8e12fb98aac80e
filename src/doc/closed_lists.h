// Values printed from closed official lists: the ethnic group ("Dân tộc", the 54 groups of the
// statistics office's list and their common printed variants) and the religion ("Tôn giáo", the
// religions the state recognises, and "Không"). A value whose letters (after folding case, marks,
// hyphens, apostrophes and spaces) are an entry's but whose marks differ, or that is one letter off
// exactly one entry of four letters or more, was misread and takes the entry's spelling ("Tỉn ành"
// → "Tin lành"); a value spelled as an entry, or matching none or several, stays as read.
//
// Thread-safety: pure functions over immutable tables; safe from any thread.
#pragma once

#include <string>

namespace ekyc::doc {

std::string RespellEthnicGroup(const std::string& value);
std::string RespellReligion(const std::string& value);

}  // namespace ekyc::doc
