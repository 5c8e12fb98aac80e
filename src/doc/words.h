// Word grouping: the recogniser's words regrouped into segments, runs of words on one text line
// with no large horizontal gap. Our own grouping, because a page recogniser merges the portrait
// column and the field column into one line, and splits a label whose last word is taller.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "doc/recognizer.h"

namespace ekyc::doc {

struct Token {
  std::string key;  // folded, alphanumeric only
  int word = 0;     // index into Segment::words
};

struct Segment {
  std::vector<Word> words;  // left to right
  std::vector<Token> tokens;
  cv::Rect box;
  std::string key;  // tokens joined by spaces
};

// Words of a segment [from_word, to_word): a value or a label within a line.
struct Span {
  int seg, from_word, to_word;
};

// Segments of a page reading, top to bottom then left to right; segments without any letter or
// digit are dropped.
std::vector<Segment> BuildSegments(std::vector<Word> words);

// Splits the segments that cross a column edge at `column_x` below `below_y` (the portrait's
// right edge and top on a card side with a portrait): a page recogniser reads the text under the
// portrait (the expiry) and the field column beside it as one line when they share a height. A
// segment is cut between two words when the left one is centred left of the edge, the right one
// starts no more than a word space before it, and the gap between them is wider than a word
// space; a line that merely runs across the edge with ordinary spacing is left whole.
void SplitAtColumn(std::vector<Segment>* segs, int column_x, int below_y);

// Recomputes box, tokens and key from the words.
void Finalize(Segment* s);

// Text of words [from_word, to_word) joined by spaces.
std::string WordsText(const Segment& s, int from_word, int to_word);
// The segment's key from word `from_word` on.
std::string KeyFrom(const Segment& s, int from_word);
bool HasAlnum(const std::string& text);
// Number of space-separated words with a letter or digit.
int AlnumWords(const std::string& text);
// Mean confidence of words [from_word, to_word), [0, 1].
double WordsConf(const Segment& s, int from_word, int to_word);
// Mean confidence and number of the words with letters or digits in [from_word, to_word).
double AlnumConf(const Segment& s, int from_word, int to_word, int* count);
// Mean confidence ([0, 1]) of the words with letters or digits of a page, and their count.
double ReadingConfidence(const std::vector<Segment>& segs, int* words);
// Bounding box of a span's words.
cv::Rect SpanBox(const std::vector<Segment>& segs, const Span& sp);
// The start of a span on one text line: its words, from the first, while their vertical centre
// lies in the band of the word before the span (the label's last word, when the value follows its
// label on the segment) or else of the span's first word, and no word box is half as tall again
// as the band (it would span two lines); empty when the first word is off the band. A page pass
// can merge a small one-line value with the line below it or with the next column; this is the
// value's own line.
cv::Rect SpanLineBox(const std::vector<Segment>& segs, const Span& sp);

}  // namespace ekyc::doc
