// The reader's named thresholds, one struct per stage, each with the reason it has its value.
// Lengths in "line heights" scale with the text; pixel values are at the rectified card's width
// (DocReaderOptions::card_width, 1000 px). The figures they were tuned on are in docs/doc.md
// (tools/cardgen sets, `ekyc read --eval`).
//
// Thread-safety: constants.
#pragma once

namespace ekyc::doc {

struct TesseractParams {
  int source_dpi = 300;                 // rectified cards are about 300 dpi (1000 px for 85.6 mm)
  double min_symbol_word_conf = 0.60;   // punctuation-only words below this are specks/guilloche
  int min_words_for_height_filter = 5;  // a median height needs a few words
  double max_word_height_ratio = 2.5;   // taller than this × median: emblem, photo, chip, not text
  int border_px = 12;                   // white margin: glyphs touching the crop edge are lost
  double line_height_px = 52.0;         // LSTM reads diacritics best at about this crop height
  double line_min_scale = 1.0;          // never shrink a line
  double line_max_scale = 4.0;          // more blows up JPEG blocks into strokes
};
inline constexpr TesseractParams kTesseract{};

struct LocateParams {
  // Width (share of the image's long side) of the disc that opens a card outline joined by a
  // finger or strap across its edge: wider than a finger held over a card that fills a third to
  // two thirds of the photo, far narrower than the card.
  double protrusion_width = 0.064;
  // A card's outline lies along its quad's sides: at least this share of its length within
  // side_tolerance (share of the long side) of them. Corners rounded by the card's cut and by
  // the edge map's dilation stay well inside that.
  double min_outline_on_sides = 0.85;
  double side_tolerance = 0.015;
  // The background's colour is taken from a frame this share of the image's short side wide: a
  // card photographed whole leaves that much room around it.
  double border_share = 0.03;
  // An opened outline's sides are fitted to its points within this share of the image's long
  // side of the simplified quad's side, leaving out this share of the side at each end (corners).
  double side_fit_band = 0.03;
  double side_fit_margin = 0.15;
  // A card whose corner touches or just leaves the frame reaches the image border with two sides
  // a few pixels apart, and the edge map has no edge along the border to close its outline there:
  // gaps up to this share of the long side between edges on the border's outermost
  // `border_bridge_px` rows and columns are bridged (only when no outline was found without).
  double border_bridge_gap = 0.02;
  int border_bridge_px = 3;
};
inline constexpr LocateParams kLocate{};

struct GroupingParams {
  double same_line_centre = 0.6;   // centres closer than this × the smaller height: one text line
  double line_search_depth = 3.0;  // lines further up than this × height are not searched
  double segment_gap = 2.2;        // a gap wider than this × line height splits a segment
  double tail_overlap_x = 0.5;     // a label's colon word may start this × height left of the gap
  double tail_min_overlap = 0.5;   // ...and must overlap its segment vertically by half a line
  double gap_word_slack = 0.5;     // a lone word fits a gap between two words with this slack
  double gap_word_min_overlap = 0.6;  // ...at the segment's height
  // Two segments side by side one word space apart (word spaces are about a third of the height)
  // that overlap vertically by half a line are one line that the clustering by centres split
  // (a neighbouring column's line between them pulled words apart).
  double adjacent_join_gap = 0.5;
  double adjacent_min_overlap = 0.5;
  // A gap at the portrait column's edge wider than this × line height is a column break (word
  // spaces are about a third of the height), and the word after it may start this far left of
  // the edge, the layout table's portrait slot being approximate.
  double column_gap = 0.6;
  double column_edge_slack = 0.6;
  // A narrower gap at the edge is a column break too when it is clearly wider than the line's own
  // word spaces (this × their median, measured on at least `column_spaces_min` other gaps) and
  // wider than `column_gap_min` × height: a tall word box inflates the height, not the spaces.
  double column_gap_vs_spaces = 1.6;
  double column_gap_min = 0.4;
  size_t column_spaces_min = 2;
};
inline constexpr GroupingParams kGrouping{};

struct LabelParams {
  unsigned exact_below_chars = 6;   // short labels ("SO", "HO TEN") must be read exactly
  unsigned chars_per_edit = 6;      // one OCR edit allowed per this many label characters
  int extra_tokens = 2;             // a label may be split into this many more tokens
  unsigned extra_chars = 4;         // joined tokens longer than the label by this stop the search
  int glued_cost = 1;               // words read glued together match one edit dearer
  unsigned short_label_chars = 12;  // inside a line, shorter labels must be exact (no false hits)
  int min_line_height_px = 12;      // floor for heights used as units
  double column_tolerance = 2.0;    // an inferred label line starts within this × height of x
  double max_line_gap = 2.0;        // ...and lies no further than this × height above the next
  double english_part_tolerance = 0.3;  // edits per character of a label's small English part
  // A label read in part (its first or last words, at the start of a line): the part is at least
  // this long, so that it is a label's words and not a value's.
  unsigned partial_label_chars = 8;
  // A shorter first part is still the label when the words after it close the label exactly as
  // it is printed: as many words as the label has left, the last ending at its colon.
  unsigned partial_head_closed_chars = 4;
};
inline constexpr LabelParams kLabels{};

struct ClassifyParams {
  double strong_conf = 0.95;  // titles, QR, labels in both languages
  double mrz_conf = 0.99;     // an MRZ that parsed
  double weak_conf = 0.5;     // a few labels common to several types
  int cancuoc_back_labels = 2;  // Căn cước 2024 back labels that identify it in one language
};
inline constexpr ClassifyParams kClassify{};

struct ExtractParams {
  int min_line_height_px = 12;          // floor for heights used as units
  double below_max_gap = 1.6;           // a value line below its label starts within this × height
  double below_column_tolerance = 3.0;  // ...and within this × height of the label's x
  int overlap_slack_px = 4;             // boxes may overlap by this much (rounding, italics)
  double same_line_centre = 0.5;        // a continuation segment's centre within half a line
  double beside_centre = 0.6;           // a larger value beside its label: centres within this
  // ...and at least this × the label's height: a fragment lower than that on the label's line is a
  // tone mark read apart from the line below or a speck, not a value.
  double beside_min_height = 0.5;
  double same_line_max_gap = 6.0;       // continuation segments are no further than this × height
  int date_lines_below = 3;             // a date may sit under a sub-label or two (bilingual)
  // A field's value is printed in one type size; its English sub-label, smaller. A further line (or,
  // in an address, leading words of it) below this share of the value's first line is small print
  // of the layout, not the value: capitals with tone marks stand about twice a sub-label's height.
  double small_print_ratio = 0.5;
  // The portrait slot of a layout table is approximate: its column reaches this share of the
  // card's width beyond it on either side.
  double portrait_column_slack = 0.03;
  double issue_date_line_rise = 0.75;   // a slanted "Ngày .. năm .." line's next part: centre
                                        // within this × height of the part before it
  double words_date_conf = 0.85;  // "Ngày .. tháng .. năm ..": a grammar, no confidence to use
  double no_expiry_on_page_conf = 0.7;  // "Không thời hạn" found on the page, not by its label
  // A passport name found by the MRZ's spelling (ValueExtractor::Spelled): a misread letter per
  // this many characters, at most mrz_name_max_edits; a short name ("ĐỖ") must be exact, or any
  // two-letter word would do.
  int mrz_name_chars_per_edit = 5;
  int mrz_name_max_edits = 2;
};
inline constexpr ExtractParams kExtract{};

struct IssuerParams {
  int title_line_edits = 2;  // "GIÁM ĐỐC CÔNG AN" read alone on its line (province on the next)
  // A province's name read with a misread letter per this many letters of it, plus one edit for
  // the title and unit words, and always fewer edits than half its letters: "HUẾ" is not found in
  // a title that names no province.
  int province_chars_per_edit = 5;
  // The next line of a two-line title (CMND 12): its top within this × the title's height below
  // the title's bottom, overlapping the title's span widened by this × height on either side.
  double next_line_depth = 1.6;
  double next_line_reach = 2.0;
  double conf = 0.9;           // an issuer of the closed vocabulary read on the page
  double document_conf = 0.8;  // the authority every card of the type names, print not read
};
inline constexpr IssuerParams kIssuer{};

struct CleaningParams {
  double english_label_tolerance = 0.35;   // edits per character of a garbled English label
  unsigned label_colon_max_prefix = 32;    // a garbled label before a colon is this short
  unsigned address_colon_max_prefix = 24;  // ...shorter before an address (a colon can be in it)
  int no_expiry_edits = 2;                 // "Không thời hạn" read with up to this many edits
};
inline constexpr CleaningParams kCleaning{};

struct RereadParams {
  double pad_default = 0.25;         // room above a value box: small text under a label line reads
                                     // worse with more of that line in the crop
  double pad_name = 0.45;            // names: word boxes exclude stacked tone marks (Ễ, Ổ)
  double pad_name_low = 0.3;         // a third name crop, between the two
  double pad_template = 0.15;        // fixed value boxes are tight: the label line sits above
  double pad_bottom = 0.25;          // room below a value box, × its height
  double pad_side = 0.5;             // room left and right, × its height
  int min_pad_px = 3;                // ...at least this many pixels above and below
  int min_side_pad_px = 4;           // ...and on the sides
  double reread_wins_margin = 0.03;  // a re-read replaces the page value unless clearly less sure
  double date_reread_conf = 0.9;     // a date re-read alone is a little less sure than the page
  double padded_date_conf = 0.6;     // a date with a lost digit, zero-padded, when nothing better
  // A date "dd/mm/yyyy" is about 6-7 times as wide as its line is tall (bold digits); a re-read box
  // is widened to this many heights when the page pass found less of it.
  double date_min_width_heights = 7.5;
  // A passport name line the page pass read only the start of (the MRZ spells more): read on by the
  // missing letters' width and this fraction more (wider letters, the space before them).
  double read_on_slack = 0.3;
  // A passport surname missed by the page pass: the box right of its label, on its baseline.
  // (Integer fractions of the label height h.)
  int surname_gap_div = 3;     // h / 3 right of the label
  int surname_height_num = 8;  // 8h / 5 tall: larger type than the label
  int surname_height_den = 5;
  int surname_below_div = 6;  // the value's baseline sits h / 6 below the label's
  int surname_width = 12;     // 12 h wide
  // A date label with no value found: the value may sit in the gap under the label that the page
  // pass did not read as a line. The gap runs down to the next line of the label's column, at
  // most this many label heights; the box is this many label widths wide.
  double under_label_max_heights = 1.5;
  double under_label_widths = 2.0;
  // A passport name is printed about twice the height of its label: its gap runs deeper.
  double name_under_label_max_heights = 3.5;
  // "Ngày .. năm 201", "...tháng 09 năm 2014": the re-read line gets this many heights more on
  // either side.
  int issue_date_extra_heights = 3;
  // The whole line "Ngày 27 tháng 07 năm 2014" is about this many of its text heights wide (25
  // characters); a part of it the page pass read alone is re-read widened to it, towards the side
  // the missing words are on.
  int issue_date_line_heights = 16;
  // A name reading respelled with the MRZ's letters (SpellWithMarks) is less sure of its marks.
  double respelled_name_conf = 0.8;
};
inline constexpr RereadParams kReread{};

struct IdParams {
  double settled_conf = 0.5;         // one valid reading this sure needs no more readings
  double unchecked_factor = 0.8;     // a number that fails the ID rules, or a line read loosely
  double window_factor = 0.9;        // a window of a longer digit run is weaker evidence
  double block_window_factor = 0.7;  // ...and weaker still in a block reading
  double short_factor = 0.5;         // a page value of the wrong length
  double sex_from_id_factor = 0.9;   // a sex unread, taken from the checked number's sex digit
};
inline constexpr IdParams kId{};

// The renewal law's expiry year (expiry_prior.h).
struct ExpiryPriorParams {
  // A read year is corrected only to a lawful year at most this many digits away (a bold digit
  // misread twice, 2028 as 2035, still leaves one lawful year that close), and only when one is.
  int max_year_digits = 2;
  double corrected_conf = 0.8;  // the corrected date's confidence, × the reading's
  double completed_conf = 0.6;  // a day taken from the law (month and year read), × the reading's
};
inline constexpr ExpiryPriorParams kExpiryPrior{};

struct CrossCheckParams {
  double agreement = 0.99;      // printed value and error-checked machine value agree
  double machine_alone = 0.95;  // the machine value replaces or fills the printed one
  // Agreement with an accent-free MRZ name checks letters, not tone marks: of the passport names
  // whose letters agreed with the MRZ, about 89 % were exact on the generated sets.
  double accent_free_agreement = 0.85;
  double accent_free_alone = 0.3;  // an accent-free name is the printed one only without marks
  double accent_free_disagreement = 0.5;  // letters differ: the printed value is in doubt
};
inline constexpr CrossCheckParams kCrossCheck{};

struct PageParams {
  double passport_aspect_below = 1.5;  // outlines flatter than ID-1 are passport pages
  int confident_labels = 4;            // this many known labels: no 180° reading needed
  int doubtful_labels = 3;             // fewer: the outline may be wrong, try the whole image
  // Upside-down text is still read as words, but with low confidence (mean 0.35-0.57 on the
  // generated sets against 0.78-0.96 upright).
  int upright_min_words = 8;
  double upright_min_conf = 0.70;
  double inner_box_conf = 0.88;     // below this an inner box of a crop is doubted
  double edge_margin = 0.02;        // × image side: an outline corner this close is on the edge
  // An outline with background on every side is a card photographed whole; the whole image, a
  // scene in perspective, reads one label more or less than it by chance (the label count of a
  // back is 2-4), so it replaces such an outline only when it reads this many labels more.
  int framed_outline_label_margin = 2;
  int background_kernel_px = 31;    // closing kernel that removes text to estimate the background
  double background_blur_px = 8.0;  // its blur
};
inline constexpr PageParams kPage{};

struct MissedLineParams {
  // A detected line whose box the page pass's words cover less than this share of was missed
  // (not read at all, or only a word or two of it): small light print such as a label in grey or
  // the issue date in words. More, and lines the page pass read are read twice.
  double max_covered = 0.5;
  // ...or whose words the page pass read with a mean confidence below this (a small label
  // beside a large value confuses its layout analysis): the line recogniser reads it again.
  double min_page_conf = 0.75;
  // A recovered reading is kept when its letters and digits reach this mean confidence: below
  // it, the detector's box is guilloche, a seal or the portrait's edge rather than text.
  double min_conf = 0.6;
  int min_height = 10;  // px; lower boxes are specks and hairlines
};
inline constexpr MissedLineParams kMissedLine{};

struct MrzReadParams {
  double td1_band_top = 0.62;  // the MRZ is the bottom third of an ID-1 card
  double td3_band_top = 0.72;  // ...and the bottom quarter of a passport page
  double reread_scale = 1.5;   // a larger reading drops fewer fillers from long runs
};
inline constexpr MrzReadParams kMrzRead{};

}  // namespace ekyc::doc
