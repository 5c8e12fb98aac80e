// QR codes on Vietnamese ID cards: decoding from an image (zxing-cpp) and parsing the
// `|`-separated payload of the chip CCCD (7 fields) and the 2024 Căn cước (more fields, format
// not published: parsed defensively by position with format checks).
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ekyc::doc {

struct QrPayload {
  std::string raw;          // NFC text as decoded
  std::string id;           // 12-digit personal ID
  std::string old_id;       // old 9-digit CMND, empty when absent
  std::string name;         // NFC, as printed in the payload (usually title case)
  std::string birth_date;   // dd/mm/yyyy
  std::string sex;          // "Nam" / "Nữ" (NFC)
  std::string address;      // residence
  std::string issue_date;   // dd/mm/yyyy
  std::string expiry_date;  // dd/mm/yyyy, only when an extra field holds a second date after issue
  std::vector<std::string> extra;  // fields after the 7th, verbatim
  int field_count = 0;
};

// Parses a chip-CCCD / Căn cước payload. Errors (reason "qr.payload") when the text does not have
// the expected shape (fewer than 7 fields, non-numeric ID, impossible dates).
Result<QrPayload> ParseQrPayload(std::string_view text);

struct QrDecode {
  std::string text;                  // UTF-8
  std::vector<cv::Point2f> corners;  // in the input image's coordinates
};

// Decodes the first QR code: whole image first, then (if `region` is non-empty) the region
// upscaled ×3 and sharpened. Returns NotFound when nothing decodes.
Result<QrDecode> DecodeQr(const cv::Mat& image, const cv::Rect& region = {});

}  // namespace ekyc::doc
