// Place names of an address spelled as the official list of administrative units spells them:
// once the address normaliser (vn/vn.h) has matched a part of the value to a unit, a part whose
// letters are that unit's name exactly but whose marks or apostrophes differ ("Huyện Đất Đồ" for
// "Đất Đỏ", "Tỉnh Vinh Long", "Đắk NDung") was misread, and takes the unit's spelling; so does
// a name of five letters or more that is one letter off the unit's ("Cao Phonq", "Plei Kẩần"):
// the normaliser found no closer unit. Its type words ("Phuông") take their spelling too. A part
// further off stays as read; a part that differs only in where the tone of "oa", "oe", "uy" sits
// ("Hòa"/"Hoà") is printed correctly either way and is kept.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "vn/vn.h"

namespace ekyc::doc {

// The official names (NFC, without the type word: "Đất Đỏ") of the units `address` matched, in an
// address's order, narrowest first (commune, district, province; commune, province after the 2025
// merger); "" for a level not matched.
std::vector<std::string> MatchedUnitNames(const vn::AdminIndex& index,
                                          const vn::NormalizedAddress& address);

// `value` with the name of each of its last comma-separated parts (after its type words: "Thị xã",
// "Tỉnh") respelled as its own level's unit of `units` (MatchedUnitNames, aligned from the end),
// in the part's case (capitals stay capitals).
std::string RespellUnits(const std::string& value, const std::vector<std::string>& units);

// `text` (one name, no commas: a passport's place of birth) respelled as the one of `names` with
// its letters; as read when it spells one of them, or when none or several have its letters.
std::string RespellAsOneOf(const std::string& text, const std::vector<std::string>& names);

}  // namespace ekyc::doc
