#include "doc/qr.h"

// Text as UTF-8 std::string (zxing-cpp 1.4 transition switch).
#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <cctype>
#include <opencv2/imgproc.hpp>

#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// ddmmyyyy → dd/mm/yyyy, empty when not a valid date.
std::string QrDate(std::string_view s) {
  if (s.size() != 8 || !AllDigits(s)) return {};
  std::string d = std::string(s.substr(0, 2)) + "/" + std::string(s.substr(2, 2)) + "/" +
                  std::string(s.substr(4, 4));
  return IsValidDmy(d) ? d : "";
}

Result<QrDecode> ReadOnce(const cv::Mat& gray, double scale, cv::Point2f offset) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(gray.step));
  ZXing::Result r = ZXing::ReadBarcode(view, hints);
  if (!r.isValid()) return NotFound("qr.not_found", "no QR code could be decoded");
  QrDecode out;
  out.text = r.text();
  const auto& p = r.position();
  for (int i = 0; i < 4; ++i) {
    out.corners.emplace_back(static_cast<float>(p[i].x / scale + offset.x),
                             static_cast<float>(p[i].y / scale + offset.y));
  }
  return out;
}

}  // namespace

Result<QrPayload> ParseQrPayload(std::string_view text) {
  std::string t = Trim(vn::TextTools::Nfc(text));
  if (t.rfind("\xEF\xBB\xBF", 0) == 0) t = t.substr(3);
  std::vector<std::string> f = Split(t, '|');
  for (auto& s : f) s = Trim(s);
  if (f.size() < 7) {
    return InvalidArgument("qr.payload",
                           "the QR text is not an ID-card payload (expected at least "
                           "7 fields separated by '|', got " +
                               std::to_string(f.size()) + ")");
  }
  QrPayload p;
  p.raw = t;
  p.field_count = static_cast<int>(f.size());
  if (!AllDigits(f[0]) || (f[0].size() != 12 && f[0].size() != 9)) {
    return InvalidArgument("qr.payload", "the QR's first field is not a 12-digit ID number");
  }
  p.id = f[0];
  if (!f[1].empty() && !AllDigits(f[1])) {
    return InvalidArgument("qr.payload", "the QR's old ID field is not numeric");
  }
  p.old_id = f[1];
  p.name = CollapseSpaces(f[2]);
  p.birth_date = QrDate(f[3]);
  if (p.birth_date.empty()) {
    return InvalidArgument("qr.payload", "the QR's date of birth is not a valid ddmmyyyy date");
  }
  std::string sex = FoldKey(f[4]);
  if (sex == "NAM") {
    p.sex = "Nam";
  } else if (sex == "NU") {
    p.sex = "Nữ";
  } else {
    return InvalidArgument("qr.payload", "the QR's sex field is neither Nam nor Nữ");
  }
  p.address = CollapseSpaces(f[5]);
  p.issue_date = QrDate(f[6]);
  if (p.issue_date.empty()) {
    return InvalidArgument("qr.payload", "the QR's issue date is not a valid ddmmyyyy date");
  }
  for (size_t i = 7; i < f.size(); ++i) {
    p.extra.push_back(f[i]);
    if (p.expiry_date.empty()) {
      std::string d = QrDate(f[i]);
      if (!d.empty()) p.expiry_date = d;
    }
  }
  return p;
}

Result<QrDecode> DecodeQr(const cv::Mat& image, const cv::Rect& region) {
  if (image.empty()) return InvalidArgument("image.empty", "the image is empty");
  cv::Mat gray;
  if (image.channels() == 3)
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else if (image.channels() == 4)
    cv::cvtColor(image, gray, cv::COLOR_BGRA2GRAY);
  else
    gray = image;
  if (!gray.isContinuous()) gray = gray.clone();
  auto whole = ReadOnce(gray, 1.0, {0, 0});
  if (whole.ok() || region.empty()) return whole;
  cv::Rect r = region & cv::Rect(0, 0, gray.cols, gray.rows);
  if (r.width < 8 || r.height < 8) return whole;
  cv::Mat up, blurred, sharp;
  cv::resize(gray(r), up, {}, 3.0, 3.0, cv::INTER_CUBIC);
  cv::GaussianBlur(up, blurred, {0, 0}, 3.0);
  cv::addWeighted(up, 1.8, blurred, -0.8, 0, sharp);
  auto res = ReadOnce(sharp, 3.0, cv::Point2f(static_cast<float>(r.x), static_cast<float>(r.y)));
  if (res.ok()) return res;
  // Binarised copy helps with low contrast phone photos.
  cv::Mat bin;
  cv::threshold(sharp, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  return ReadOnce(bin, 3.0, cv::Point2f(static_cast<float>(r.x), static_cast<float>(r.y)));
}

}  // namespace ekyc::doc
