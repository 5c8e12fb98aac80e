// The expiry a card front can print, from the renewal law: a CCCD expires on the holder's birthday
// at the first renewal age (14, 25, 40, 60) more than two years after issue, and each card type was
// issued only within a known period. Given the birth date (checked against the ID number) the
// printed expiry is one of very few dates; a reading that agrees with the birth date's day and
// month but not with any lawful year is a misread year, corrected when one lawful year is close.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doc/doc.h"
#include "vn/vn.h"

namespace ekyc::doc {

// When a card type was issued (the law's dates, a little widened for cards issued late); nullopt
// for types whose front prints no expiry tied to the birth date (CMND, Căn cước 2024, passports).
struct IssuePeriod {
  vn::Date from, to;
};
std::optional<IssuePeriod> IssuePeriodOf(DocType type);

// Every expiry the renewal rule gives for an issue date in `period` at which the holder was at
// least 14; `*lifetime` when some issue date in it gives a card without expiry.
std::vector<vn::Date> LawfulExpiries(const vn::Date& dob, const IssuePeriod& period,
                                     bool* lifetime);

// `read` corrected to the one lawful expiry with the same day and month whose year differs from
// `read`'s in at most `max_year_digits` digits. nullopt when `read` is lawful, its day or month
// differ from every lawful date's (the birth date or the expiry is misread elsewhere: nothing to
// choose by), or no single lawful year is close enough.
std::optional<vn::Date> NearestLawfulExpiry(const vn::Date& read,
                                            const std::vector<vn::Date>& lawful,
                                            int max_year_digits);

// The front's expiry field corrected in place by NearestLawfulExpiry (kExpiryPrior), for a card
// type with an issue period and a birth date the caller trusts. False when left as read.
bool CorrectExpiryYear(DocType type, const vn::Date& dob, Field* expiry);

// The expiry of a reading that lost its day but kept its month and year at its end (`L01/2030`,
// two digits merged into one glyph): the one lawful expiry in that month and year, the law fixing
// the day. nullopt when the text ends in no month and year, or no lawful date or several have
// them. For a card type with an issue period and a birth date the caller trusts.
std::optional<vn::Date> LawfulExpiryInMonth(DocType type, const vn::Date& dob,
                                            const std::string& read);

}  // namespace ekyc::doc
