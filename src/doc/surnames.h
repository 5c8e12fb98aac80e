// Vietnamese surnames: a closed list, to put back the marks of a surname the recogniser read
// with a mark lost or wrong ("HỌ" for "HỒ", "NGUYẾN" for "NGUYỄN") or that only the accent-free
// machine-readable zone spelled ("DANG" for "ĐẶNG").
//
// The list (surnames.cpp) holds the surnames most Vietnamese carry and the rarer ones that share
// their letters once accents are folded, so that a rare surname read right is never "corrected"
// into a common one: a folded spelling shared by two listed surnames ("LA": La, Lã) is left alone.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace ekyc::doc {

// `word` (one surname, upper case, NFC) unchanged when it is a listed surname or its letters match
// none or several; else the one listed surname with its letters.
std::string RestoreSurname(const std::string& word);

// A full name (surname first, as Vietnamese documents print it) with its first word restored.
std::string RestoreFullNameSurname(const std::string& name);

}  // namespace ekyc::doc
