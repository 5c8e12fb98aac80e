// Words of an identifying-marks description ("Đặc điểm nhận dạng": "Sẹo chấm C:2cm dưới trước
// cánh mũi phải") from their closed vocabulary: the kinds of mark, the parts of the face and body
// they are measured from, and positions. A word that is not in it but has the letters of words
// that are ("dầu", "trền", "phái") was misread in its marks and takes the one of them it differs
// from in fewest characters ("đầu", "trên", "phải"); a tie, or a word with other letters, stays as
// read.
//
// Thread-safety: pure functions over an immutable table; safe from any thread.
#pragma once

#include <string>

namespace ekyc::doc {

std::string RespellMarkWords(const std::string& marks);

}  // namespace ekyc::doc
