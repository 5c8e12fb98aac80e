// Words of an identifying-marks description ("Đặc điểm nhận dạng": "Sẹo chấm C:2cm dưới trước
// cánh mũi phải") from their closed vocabulary: the kinds of mark, the parts of the face and body
// they are measured from, and positions. A word that is not in it but has the letters of words
// that are ("dầu", "trền", "phái") was misread in its marks and takes the one of them it differs
// from in fewest characters ("đầu", "trên", "phải"). A word of three letters or more that is no
// Vietnamese syllable and is one letter off vocabulary words ("tvên", "dưei": a glyph misread,
// doubled or dropped) takes the nearest of them the same way. A syllable outside the vocabulary
// with the consonants of exactly one vocabulary word and one character other ("chốm", "su", "đìu":
// a vowel or its marks misread, which blur does far more often than a consonant) takes that word,
// unless the word stands only in a compound ("tàn" of "tàn nhang").
// A tie ("mát": "mắt" or "mặt"), a word further off, or a syllable outside the vocabulary that no
// vowel change makes a vocabulary word ("lớn", "nhỏ") stays as read.
//
// Thread-safety: pure functions over an immutable table; safe from any thread.
#pragma once

#include <string>

namespace ekyc::doc {

std::string RespellMarkWords(const std::string& marks);

// The description without words that cannot be part of it: a word of four letters or more none of
// whose letter runs is a Vietnamese syllable or a vocabulary word (a label in another language
// read into the value: "Personal identification" garbled), and a word that repeats the last
// letters of the one before it ("Sẹo ẹo", "mày y": glyphs read twice). Numbers, distances (also
// one whose number was misread: "Cacm") and short words stay.
std::string DropMarkNoise(const std::string& marks);

}  // namespace ekyc::doc
