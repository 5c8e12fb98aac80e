#include <gtest/gtest.h>

#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "input/input.h"
#include "input/test_util.h"

namespace ekyc::input {
namespace {

using test::Base64Encode;
using test::Encode;
using test::TestImage;

InputPolicy DefaultPolicy() {
  return InputPolicy{};
}

void ExpectReason(const Status& s, const std::string& reason) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), reason) << s.ToString();
  EXPECT_FALSE(s.message().empty());
}

uint32_t Crc32(const unsigned char* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

void PutBe32(std::string& s, size_t at, uint32_t v) {
  s[at] = static_cast<char>(v >> 24);
  s[at + 1] = static_cast<char>(v >> 16);
  s[at + 2] = static_cast<char>(v >> 8);
  s[at + 3] = static_cast<char>(v);
}

TEST(InputImage, EmptyInput) {
  ExpectReason(DecodeImageBytes("", DefaultPolicy()).status(), "image.empty");
  ExpectReason(LoadImage("", DefaultPolicy()).status(), "image.empty");
  ExpectReason(LoadImage(" \r\n ", DefaultPolicy()).status(), "image.empty");
  ExpectReason(LoadImage("data:image/png;base64,", DefaultPolicy()).status(), "image.empty");
}

TEST(InputImage, RandomBytesAreNotAnImage) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 20; ++trial) {
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    if (static_cast<unsigned char>(bytes[0]) == 0xFF) bytes[0] = 0x00;  // keep clear of magics
    ExpectReason(DecodeImageBytes(bytes, DefaultPolicy()).status(), "image.not_an_image");
    ExpectReason(LoadImage(bytes, DefaultPolicy()).status(), "image.not_an_image");
  }
}

TEST(InputImage, TextIsNamedAsTextNotAsBrokenBase64) {
  // A text file sent as the image (e.g. notes.txt renamed card.jpg): the message says it is text.
  const std::string text = "Hello, this is a sentence and not a picture.\n";
  auto r = LoadImage(text, DefaultPolicy());
  ExpectReason(r.status(), "image.not_an_image");
  EXPECT_NE(r.status().message().find("is text, not an image"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find("base64-decoded"), std::string::npos);
  ExpectReason(DecodeImageBytes(text, DefaultPolicy()).status(), "image.not_an_image");
  // Text made only of base64 letters decodes, but the result is no image: still named as text.
  auto words = LoadImage("notanimagejustwords", DefaultPolicy());
  ExpectReason(words.status(), "image.not_an_image");
  EXPECT_NE(words.status().message().find("decoded as base64 it is not an image either"),
            std::string::npos)
      << words.status().message();
  // Valid base64 of text: decodes, but the result is no image.
  ExpectReason(LoadImage(Base64Encode("just some words"), DefaultPolicy()).status(),
               "image.not_an_image");
  // Text that happens to start like a file magic made of base64 letters is still base64.
  for (const std::string s :
       {"OggSAAAA", "GIF89aAA",
        "MZAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    ExpectReason(LoadImage(s, DefaultPolicy()).status(), "image.not_an_image");
  }
}

TEST(InputImage, RoundTripEveryFormat) {
  const cv::Mat src = TestImage(64, 48);
  for (const std::string ext : {".jpg", ".png", ".webp", ".bmp"}) {
    SCOPED_TRACE(ext);
    const std::string bytes = Encode(src, ext);
    auto img = LoadImage(bytes, DefaultPolicy());
    ASSERT_TRUE(img.ok()) << img.status().ToString();
    EXPECT_EQ(img->bgr.type(), CV_8UC3);
    EXPECT_EQ(img->bgr.cols, 64);
    EXPECT_EQ(img->bgr.rows, 48);
    EXPECT_EQ(img->info.width, 64);
    EXPECT_EQ(img->info.height, 48);
    EXPECT_EQ(img->info.encoded_bytes, static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(img->info.source, SourceKind::kBytes);
    const ImageFormat expected = ext == ".jpg"    ? ImageFormat::kJpeg
                                 : ext == ".png"  ? ImageFormat::kPng
                                 : ext == ".webp" ? ImageFormat::kWebp
                                                  : ImageFormat::kBmp;
    EXPECT_EQ(img->info.format, expected);
    const double diff = cv::norm(img->bgr, src, cv::NORM_L1) / (64.0 * 48 * 3);
    if (ext == ".png" || ext == ".bmp") {
      EXPECT_EQ(diff, 0.0);
    } else {
      EXPECT_LT(diff, 12.0);  // lossy codecs
    }
  }
}

TEST(InputImage, LosslessWebpAndGrayAnd16BitAndAlpha) {
  const cv::Mat src = TestImage(32, 16);
  auto webp =
      DecodeImageBytes(Encode(src, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}), DefaultPolicy());
  ASSERT_TRUE(webp.ok()) << webp.status().ToString();
  EXPECT_EQ(cv::norm(webp->bgr, src, cv::NORM_INF), 0.0);  // VP8L lossless

  cv::Mat gray;
  cv::cvtColor(src, gray, cv::COLOR_BGR2GRAY);
  auto g = DecodeImageBytes(Encode(gray, ".png"), DefaultPolicy());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->bgr.type(), CV_8UC3);
  EXPECT_EQ(g->bgr.at<cv::Vec3b>(5, 7)[0], gray.at<uchar>(5, 7));
  EXPECT_EQ(g->bgr.at<cv::Vec3b>(5, 7)[2], gray.at<uchar>(5, 7));

  cv::Mat deep;
  src.convertTo(deep, CV_16UC3, 257.0);
  auto d = DecodeImageBytes(Encode(deep, ".png"), DefaultPolicy());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->bgr.type(), CV_8UC3);
  EXPECT_EQ(cv::norm(d->bgr, src, cv::NORM_INF), 0.0);

  cv::Mat rgba(10, 10, CV_8UC4, cv::Scalar(0, 0, 0, 0));          // fully transparent black
  rgba(cv::Rect(0, 0, 5, 10)).setTo(cv::Scalar(255, 0, 0, 255));  // opaque blue left half
  auto a = DecodeImageBytes(Encode(rgba, ".png"), DefaultPolicy());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->bgr.at<cv::Vec3b>(5, 8), cv::Vec3b(255, 255, 255));  // over white
  EXPECT_EQ(a->bgr.at<cv::Vec3b>(5, 1), cv::Vec3b(255, 0, 0));
}

TEST(InputImage, TruncatedJpeg) {
  const std::string jpg = Encode(TestImage(200, 150), ".jpg");
  ExpectReason(DecodeImageBytes(jpg.substr(0, jpg.size() * 6 / 10), DefaultPolicy()).status(),
               "image.truncated");
  ExpectReason(DecodeImageBytes(jpg.substr(0, jpg.size() - 2), DefaultPolicy()).status(),
               "image.truncated");  // only the EOI marker missing
  ExpectReason(DecodeImageBytes(jpg.substr(0, 40), DefaultPolicy()).status(), "image.truncated");
  ExpectReason(LoadImage(Base64Encode(jpg.substr(0, jpg.size() / 2)), DefaultPolicy()).status(),
               "image.truncated");
}

TEST(InputImage, TruncatedPng) {
  const std::string png = Encode(TestImage(200, 150), ".png");
  ExpectReason(DecodeImageBytes(png.substr(0, png.size() / 2), DefaultPolicy()).status(),
               "image.truncated");
  ExpectReason(DecodeImageBytes(png.substr(0, png.size() - 12), DefaultPolicy()).status(),
               "image.truncated");  // IEND missing
  ExpectReason(DecodeImageBytes(png.substr(0, 20), DefaultPolicy()).status(), "image.truncated");
}

TEST(InputImage, TruncatedWebpAndBmp) {
  const std::string webp = Encode(TestImage(200, 150), ".webp");
  ExpectReason(DecodeImageBytes(webp.substr(0, webp.size() / 2), DefaultPolicy()).status(),
               "image.truncated");
  const std::string bmp = Encode(TestImage(200, 150), ".bmp");
  ExpectReason(DecodeImageBytes(bmp.substr(0, bmp.size() / 2), DefaultPolicy()).status(),
               "image.truncated");
}

TEST(InputImage, EveryPrefixIsRefused) {
  // No strict prefix of a valid file may decode "successfully" into a partial picture.
  for (const std::string ext : {".jpg", ".png", ".webp", ".bmp"}) {
    SCOPED_TRACE(ext);
    const std::string full = Encode(TestImage(24, 16), ext);
    ASSERT_TRUE(DecodeImageBytes(full, DefaultPolicy()).ok());
    for (size_t n = 0; n < full.size(); ++n) {
      auto r = DecodeImageBytes(full.substr(0, n), DefaultPolicy());
      ASSERT_FALSE(r.ok()) << "prefix of " << n << " of " << full.size() << " bytes decoded";
    }
  }
}

TEST(InputImage, MutatedFilesNeverCrash) {
  std::mt19937 rng(42);
  int decoded = 0, refused = 0;
  for (const std::string ext : {".jpg", ".png", ".webp", ".bmp"}) {
    const std::string full = Encode(TestImage(48, 32), ext);
    for (int trial = 0; trial < 150; ++trial) {
      std::string m = full;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < flips; ++k) m[rng() % m.size()] = static_cast<char>(rng() & 0xFF);
      auto r = LoadImage(m, DefaultPolicy());
      if (r.ok()) {
        ++decoded;
        EXPECT_EQ(r->bgr.type(), CV_8UC3);
      } else {
        ++refused;
        EXPECT_FALSE(r.status().reason().empty());
      }
    }
  }
  EXPECT_EQ(decoded + refused, 600);
}

TEST(InputImage, DecompressionBombPngRefusedFromHeader) {
  // A real small PNG whose IHDR is rewritten to claim 30000x30000 (900 MP); CRC fixed so only
  // the size gives it away.
  std::string png = Encode(TestImage(16, 16), ".png");
  PutBe32(png, 16, 30000);
  PutBe32(png, 20, 30000);
  PutBe32(png, 29, Crc32(reinterpret_cast<const unsigned char*>(png.data()) + 12, 17));
  auto r = DecodeImageBytes(png, DefaultPolicy());
  ExpectReason(r.status(), "image.too_many_pixels");
  EXPECT_NE(r.status().message().find("30000x30000"), std::string::npos) << r.status().message();
  auto header = ReadImageHeader(png);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->width, 30000);
}

TEST(InputImage, HugeJpegDimensionsRefusedFromHeader) {
  std::string jpg = Encode(TestImage(16, 16), ".jpg");
  const size_t sof = jpg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  jpg[sof + 5] = jpg[sof + 6] = jpg[sof + 7] = jpg[sof + 8] = static_cast<char>(0xEA);  // 60138
  ExpectReason(DecodeImageBytes(jpg, DefaultPolicy()).status(), "image.too_many_pixels");
  InputPolicy tight;
  tight.max_pixels = 100;
  ExpectReason(DecodeImageBytes(Encode(TestImage(16, 16), ".webp"), tight).status(),
               "image.too_many_pixels");
  ExpectReason(DecodeImageBytes(Encode(TestImage(16, 16), ".bmp"), tight).status(),
               "image.too_many_pixels");
}

TEST(InputImage, TooManyBytes) {
  InputPolicy policy;
  policy.max_bytes = 1000;
  const std::string png = Encode(TestImage(100, 100), ".png");
  ASSERT_GT(png.size(), 1000u);
  ExpectReason(DecodeImageBytes(png, policy).status(), "image.too_large");
  ExpectReason(LoadImage(png, policy).status(), "image.too_large");
  ExpectReason(LoadImage(Base64Encode(png), policy).status(), "image.too_large");
  auto decoded = DecodeBase64(Base64Encode(png), 1000);
  ExpectReason(decoded.status(), "image.too_large");
}

TEST(InputImage, Base64Variants) {
  const cv::Mat src = TestImage(40, 30);
  const std::string png = Encode(src, ".png");
  const std::string b64 = Base64Encode(png);

  auto plain = LoadImage(b64, DefaultPolicy());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->info.source, SourceKind::kBase64);
  EXPECT_EQ(cv::norm(plain->bgr, src, cv::NORM_INF), 0.0);

  auto data_url = LoadImage("data:image/png;base64," + b64, DefaultPolicy());
  ASSERT_TRUE(data_url.ok()) << data_url.status().ToString();
  EXPECT_EQ(data_url->info.source, SourceKind::kDataUrl);
  // The declared type is ignored: the bytes decide.
  auto lying = LoadImage("DATA:image/gif;BASE64," + b64, DefaultPolicy());
  ASSERT_TRUE(lying.ok()) << lying.status().ToString();
  EXPECT_EQ(lying->info.format, ImageFormat::kPng);

  std::string wrapped;
  for (size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\r\n";
  auto lines = LoadImage("  \n" + wrapped + "\n", DefaultPolicy());
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();

  std::string url_safe = b64;
  for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!url_safe.empty() && url_safe.back() == '=') url_safe.pop_back();
  auto safe = LoadImage(url_safe, DefaultPolicy());
  ASSERT_TRUE(safe.ok()) << safe.status().ToString();
  EXPECT_EQ(cv::norm(safe->bgr, src, cv::NORM_INF), 0.0);

  // Exact decoder behaviour, including every padding length.
  for (const std::string s : {"a", "ab", "abc", "abcd", "abcde"}) {
    auto d = DecodeBase64(Base64Encode(s), 100);
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(*d, s);
  }
}

TEST(InputImage, InvalidBase64) {
  const std::string b64 = Base64Encode(Encode(TestImage(20, 20), ".png"));
  ExpectReason(LoadImage(b64.substr(0, 10) + "!" + b64.substr(10), DefaultPolicy()).status(),
               "image.bad_base64");
  ExpectReason(LoadImage("data:image/png;base64,@@@@", DefaultPolicy()).status(),
               "image.bad_base64");
  ExpectReason(LoadImage("data:image/png," + b64, DefaultPolicy()).status(), "image.bad_base64");
  ExpectReason(LoadImage("data:image/png;base64", DefaultPolicy()).status(), "image.bad_base64");
  ExpectReason(DecodeBase64("abcde", 100).status(), "image.bad_base64");   // 5 digits
  ExpectReason(DecodeBase64("ab=c", 100).status(), "image.bad_base64");    // data after pad
  ExpectReason(DecodeBase64("abc===", 100).status(), "image.bad_base64");  // too much pad
  ExpectReason(DecodeBase64("ab=", 100).status(), "image.bad_base64");     // wrong pad
  auto msg = DecodeBase64("abc$", 100).status().message();
  EXPECT_NE(msg.find("'$' at position 3"), std::string::npos) << msg;
}

TEST(InputImage, ExifOrientationIsApplied) {
  // 40x20, left half red, right half green; orientation 6 means "rotate 90° clockwise to show",
  // so the displayed image is 20x40 with red on top.
  cv::Mat src(20, 40, CV_8UC3, cv::Scalar(0, 255, 0));
  src(cv::Rect(0, 0, 20, 20)).setTo(cv::Scalar(0, 0, 255));
  const std::string plain = Encode(src, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
  const std::string rotated = test::WithExifOrientation(plain, 6);

  auto base = DecodeImageBytes(plain, DefaultPolicy());
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(base->bgr.cols, 40);

  auto img = DecodeImageBytes(rotated, DefaultPolicy());
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  ASSERT_EQ(img->bgr.cols, 20);
  ASSERT_EQ(img->bgr.rows, 40);
  EXPECT_EQ(img->info.width, 40);  // as stored
  const cv::Vec3b top = img->bgr.at<cv::Vec3b>(5, 10);
  const cv::Vec3b bottom = img->bgr.at<cv::Vec3b>(35, 10);
  EXPECT_GT(top[2], 200);
  EXPECT_LT(top[1], 60);
  EXPECT_GT(bottom[1], 200);
  EXPECT_LT(bottom[2], 60);

  // Orientation 3 (180°): red moves to the right.
  auto flipped = DecodeImageBytes(test::WithExifOrientation(plain, 3), DefaultPolicy());
  ASSERT_TRUE(flipped.ok());
  ASSERT_EQ(flipped->bgr.cols, 40);
  EXPECT_GT(flipped->bgr.at<cv::Vec3b>(10, 35)[2], 200);
}

TEST(InputImage, UnsupportedFormatsAreNamed) {
  struct Case {
    std::string bytes;
    std::string name;
  };
  const std::vector<Case> cases = {
      {"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n", "PDF"},
      {std::string("GIF89a\x10\x00\x10\x00\x80\x00\x00", 13) + std::string(64, '\0'), "GIF"},
      {std::string("GIF87a\x01\x00\x01\x00", 10) + std::string(32, '\x01'), "GIF"},
      {std::string("\0\0\0\x18"
                   "ftypheic\0\0\0\0mif1heic",
                   24) +
           std::string(64, '\0'),
       "HEIC"},
      {std::string("II*\0\x08\0\0\0", 8) + std::string(64, '\0'), "TIFF"},
      {"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"},
      {"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "SVG"},
      {std::string("\0\0\0\x20"
                   "ftypisom\0\0\2\0",
                   16) +
           std::string(64, '\0'),
       "MP4"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = LoadImage(c.bytes, DefaultPolicy());
    ExpectReason(r.status(), "image.unsupported_format");
    EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
    EXPECT_NE(r.status().message().find(c.name), std::string::npos) << r.status().message();
    ExpectReason(DecodeImageBytes(c.bytes, DefaultPolicy()).status(), "image.unsupported_format");
  }
  // Also when it arrives as base64.
  auto b = LoadImage(Base64Encode(cases[0].bytes), DefaultPolicy());
  ExpectReason(b.status(), "image.unsupported_format");
  EXPECT_NE(b.status().message().find("PDF"), std::string::npos);
}

TEST(InputImage, CorruptButComplete) {
  // Right structure, garbage entropy data: the decoder itself must refuse, and we must not crash.
  std::string png = Encode(TestImage(64, 64), ".png");
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  for (size_t i = idat + 4; i < idat + 40; ++i) png[i] = static_cast<char>(0x5A);
  auto r = DecodeImageBytes(png, DefaultPolicy());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "image.corrupt") << r.status().ToString();
}

TEST(InputImage, OtherSchemesAreRefused) {
  for (const std::string url : {"file:///etc/passwd", "ftp://example.com/a.jpg",
                                "gopher://example.com/", "FILE:///tmp/x.png"}) {
    SCOPED_TRACE(url);
    ExpectReason(LoadImage(url, DefaultPolicy()).status(), "url.bad_scheme");
    ExpectReason(FetchUrl(url, DefaultPolicy()).status(), "url.bad_scheme");
  }
}

TEST(InputImage, PolicyFromConfig) {
  Config config;
  config.max_image_bytes = 1234;
  config.max_image_pixels = 5678;
  config.url_timeout_ms = 300;
  config.allow_private_urls = true;
  const InputPolicy p = InputPolicy::FromConfig(config);
  EXPECT_EQ(p.max_bytes, 1234);
  EXPECT_EQ(p.max_pixels, 5678);
  EXPECT_EQ(p.url_timeout_ms, 300);
  EXPECT_LE(p.url_connect_timeout_ms, 300);
  EXPECT_TRUE(p.allow_private_urls);
  EXPECT_STREQ(ImageFormatName(ImageFormat::kWebp), "webp");
  EXPECT_STREQ(SourceKindName(SourceKind::kDataUrl), "data_url");
}

}  // namespace
}  // namespace ekyc::input
