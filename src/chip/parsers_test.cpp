// Every parser on good input (built by the testkit) and on bad input: empty, truncated at every
// length, wrong tags, oversize, lengths that run past the end, random bytes. A parser must return
// an error and never crash or read outside its input (run under ASan by `make lint` users).
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <random>
#include <set>

#include "chip/chip.h"
#include "chip/testkit.h"

namespace ekyc::chip {
namespace {

using testkit::MakePerson;

template <typename F>
void ExpectAllTruncationsFail(const std::string& good, F parse) {
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = parse(std::string_view(good).substr(0, n));
    EXPECT_FALSE(r.ok()) << "a prefix of " << n << " of " << good.size() << " bytes parsed";
  }
}

template <typename F>
void ExpectRandomBytesDoNotCrash(F parse, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 300; ++i) {
    std::string s(rng() % 300, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    (void)parse(s);
  }
}

// Flips every byte of `good` in turn: the parser returns a value or an error, never crashes.
template <typename F>
void ExpectEveryByteFlipIsHandled(const std::string& good, F parse) {
  for (size_t i = 0; i < good.size(); ++i) {
    std::string s = good;
    s[i] = static_cast<char>(s[i] ^ 0xFF);
    (void)parse(s);
  }
}

TEST(ChipParsers, Dg1ReadsTd1) {
  const auto p = MakePerson(3);
  auto d = ParseDg1(testkit::Dg1For(p));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->lines.size(), 3u);
  EXPECT_EQ(d->lines[0].substr(0, 5), "IDVNM");
  EXPECT_EQ(d->lines[0].substr(15, 12), p.id);
}

TEST(ChipParsers, Dg1BadInput) {
  const std::string good = testkit::Dg1For(MakePerson(3));
  auto parse = [](std::string_view b) { return ParseDg1(b); };
  ExpectAllTruncationsFail(good, parse);
  ExpectEveryByteFlipIsHandled(good, parse);
  ExpectRandomBytesDoNotCrash(parse, 1);
  EXPECT_EQ(ParseDg1("").status().reason(), "chip.dg1_malformed");
  std::string wrong_tag = good;
  wrong_tag[0] = 0x62;
  EXPECT_EQ(ParseDg1(wrong_tag).status().reason(), "chip.dg1_malformed");
  EXPECT_EQ(ParseDg1(good + "x").status().reason(), "chip.dg1_malformed");  // trailing byte
  std::string lower = good;
  lower[10] = 'a';
  EXPECT_EQ(ParseDg1(lower).status().reason(), "chip.dg1_malformed");
  EXPECT_EQ(ParseDg1(std::string(2000, 'A')).status().reason(), "chip.dg1_too_large");
  // A length that claims more than the file holds.
  std::string longer = good;
  longer[1] = static_cast<char>(0x7F);
  EXPECT_FALSE(ParseDg1(longer).ok());
  // Indefinite length.
  std::string indefinite = "\x61\x80" + good.substr(2) + std::string(2, '\0');
  EXPECT_FALSE(ParseDg1(indefinite).ok());
}

TEST(ChipParsers, Dg2ReadsJpegAndJpeg2000) {
  for (ImageKind kind : {ImageKind::kJpeg, ImageKind::kJpeg2000, ImageKind::kJpeg2000Codestream}) {
    const std::string img = testkit::DrawnTestPortrait(5, kind);
    auto d = ParseDg2(testkit::Dg2For(img, kind, 300, 400));
    ASSERT_TRUE(d.ok()) << ImageKindName(kind) << ": " << d.status().ToString();
    EXPECT_EQ(d->kind, kind);
    EXPECT_EQ(d->image, img);
    EXPECT_EQ(d->declared_width, 300);
    auto m = DecodePortrait(*d);
    ASSERT_TRUE(m.ok()) << ImageKindName(kind) << ": " << m.status().ToString();
    EXPECT_EQ(m->cols, 300);
    EXPECT_EQ(m->rows, 400);
  }
}

TEST(ChipParsers, Dg2BadInput) {
  const std::string img = testkit::DrawnTestPortrait(5, ImageKind::kJpeg);
  const std::string good = testkit::Dg2For(img, ImageKind::kJpeg, 300, 400);
  auto parse = [](std::string_view b) { return ParseDg2(b); };
  // Truncating inside the image keeps the structure valid only when lengths shrink too: every
  // prefix of the file must fail.
  ExpectAllTruncationsFail(good.substr(0, 200), parse);
  ExpectAllTruncationsFail(good, parse);
  ExpectRandomBytesDoNotCrash(parse, 2);
  // Flips in the headers (the first 120 bytes) only: flips inside the JPEG keep a valid DG2.
  ExpectEveryByteFlipIsHandled(good.substr(0, 120) + good.substr(120), parse);
  // The image data type says JPEG 2000 but the bytes are JPEG.
  const std::string mislabeled = testkit::Dg2For(img, ImageKind::kJpeg2000, 300, 400);
  EXPECT_EQ(ParseDg2(mislabeled).status().reason(), "chip.dg2_malformed");
  // Not an image at all.
  EXPECT_EQ(
      ParseDg2(testkit::Dg2For(std::string(100, 'x'), ImageKind::kJpeg, 1, 1)).status().reason(),
      "chip.dg2_malformed");
}

TEST(ChipParsers, PortraitPixelLimitIsCheckedBeforeDecoding) {
  for (ImageKind kind : {ImageKind::kJpeg, ImageKind::kJpeg2000}) {
    auto d = ParseDg2(testkit::Dg2For(testkit::DrawnTestPortrait(1, kind), kind, 300, 400));
    ASSERT_TRUE(d.ok());
    Limits small;
    small.max_portrait_pixels = 1000;
    EXPECT_EQ(DecodePortrait(*d, small).status().reason(), "chip.dg2_too_many_pixels")
        << ImageKindName(kind);
  }
  // A JPEG 2000 codestream whose SIZ claims 60000 x 60000 pixels.
  std::string cs = testkit::DrawnTestPortrait(1, ImageKind::kJpeg2000Codestream);
  for (int off : {8, 12}) {
    cs[off] = 0;
    cs[off + 1] = 0;
    cs[off + 2] = static_cast<char>(0xEA);
    cs[off + 3] = 0x60;
  }
  Dg2 forged;
  forged.kind = ImageKind::kJpeg2000Codestream;
  forged.image = cs;
  EXPECT_EQ(DecodePortrait(forged).status().reason(), "chip.dg2_too_many_pixels");
  Dg2 garbage;
  garbage.kind = ImageKind::kJpeg2000;
  garbage.image =
      std::string("\x00\x00\x00\x0C\x6A\x50\x20\x20\x0D\x0A\x87\x0A", 12) + std::string(50, '\x01');
  EXPECT_EQ(DecodePortrait(garbage).status().reason(), "chip.dg2_undecodable");
}

// cv::imdecode picks its decoder by signature: the portrait's bytes must reach the decoder of the
// declared format and no other (a JPEG 2000 file with "DICM" at offset 128 would go to OpenCV's
// DICOM reader, which allocates whatever length the data claim: found by the fuzz target).
TEST(ChipParsers, PortraitBytesReachOnlyTheirDeclaredDecoder) {
  for (ImageKind kind : {ImageKind::kJpeg2000, ImageKind::kJpeg2000Codestream}) {
    Dg2 d;
    d.kind = kind;
    d.image = testkit::DrawnTestPortrait(1, kind);
    ASSERT_GT(d.image.size(), 132u);
    ASSERT_TRUE(DecodePortrait(d).ok()) << ImageKindName(kind);
    d.image.replace(128, 4, "DICM");
    EXPECT_EQ(DecodePortrait(d).status().reason(), "chip.dg2_undecodable") << ImageKindName(kind);
  }
  // A JP2 file must open with its signature box.
  Dg2 unsigned_jp2;
  unsigned_jp2.kind = ImageKind::kJpeg2000;
  unsigned_jp2.image = testkit::DrawnTestPortrait(1, ImageKind::kJpeg2000);
  unsigned_jp2.image[4] = 'x';
  EXPECT_EQ(DecodePortrait(unsigned_jp2).status().reason(), "chip.dg2_undecodable");
  // A PNG declared as JPEG.
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", cv::Mat(40, 30, CV_8UC3, cv::Scalar(90, 120, 200)), png));
  Dg2 mislabeled;
  mislabeled.kind = ImageKind::kJpeg;
  mislabeled.image.assign(png.begin(), png.end());
  EXPECT_EQ(DecodePortrait(mislabeled).status().reason(), "chip.dg2_undecodable");
}

TEST(ChipParsers, Dg13ReadsEveryLayoutField) {
  const auto p = MakePerson(7);
  auto d = ParseDg13(testkit::Dg13For(p));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->unknown_tags.empty());
  EXPECT_EQ(d->skipped_elements, 1);
  EXPECT_EQ(*d->Get("id"), p.id);
  EXPECT_EQ(*d->Get("ho_ten"), p.name);
  EXPECT_EQ(*d->Get("ngay_sinh"), p.dob);
  EXPECT_EQ(*d->Get("gioi_tinh"), p.sex);
  EXPECT_EQ(*d->Get("quoc_tich"), "Việt Nam");
  EXPECT_EQ(*d->Get("nguyen_quan"), p.origin);
  EXPECT_EQ(*d->Get("ho_khau_thuong_tru"), p.residence);
  EXPECT_EQ(*d->Get("ngay_cap"), p.issued);
  EXPECT_EQ(*d->Get("ngay_het_han"), p.expiry);
  EXPECT_EQ(*d->Get("ho_ten_cha"), p.father);
  EXPECT_EQ(*d->Get("ho_ten_me"), p.mother);
  EXPECT_EQ(*d->Get("so_cmnd_cu"), p.old_id);
}

TEST(ChipParsers, Dg13UnknownTagsAreListedNotExposed) {
  auto d = ParseDg13(testkit::Dg13For(MakePerson(7), {{21, "secret"}, {40, "x"}}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->unknown_tags, (std::vector<int>{21, 40}));
  EXPECT_EQ(d->Get("id") != nullptr, true);
  for (const auto& f : d->fields) {
    if (f.tag == 21) {
      EXPECT_TRUE(f.names.empty());
    }
  }
}

TEST(ChipParsers, Dg13BadInput) {
  const std::string good = testkit::Dg13For(MakePerson(7));
  auto parse = [](std::string_view b) { return ParseDg13(b); };
  ExpectAllTruncationsFail(good, parse);
  ExpectEveryByteFlipIsHandled(good, parse);
  ExpectRandomBytesDoNotCrash(parse, 3);
  EXPECT_EQ(ParseDg13(std::string(20000, '\0')).status().reason(), "chip.dg13_too_large");
  // A field twice.
  auto twice = ParseDg13(testkit::Dg13For(MakePerson(7), {{2, "OTHER NAME"}}));
  EXPECT_EQ(twice.status().reason(), "chip.dg13_malformed");
  // Invalid UTF-8 and control characters in a value.
  EXPECT_EQ(ParseDg13(testkit::Dg13For(MakePerson(7), {{30, "\xC3\x28"}})).status().reason(),
            "chip.dg13_malformed");
  EXPECT_EQ(ParseDg13(testkit::Dg13For(MakePerson(7), {{30, "a\x01"}})).status().reason(),
            "chip.dg13_malformed");
  EXPECT_EQ(ParseDg13(testkit::Dg13For(MakePerson(7), {{30, "\xED\xA0\x80"}})).status().reason(),
            "chip.dg13_malformed");  // a surrogate
  // A value over the limit.
  EXPECT_EQ(
      ParseDg13(testkit::Dg13For(MakePerson(7), {{30, std::string(3000, 'a')}})).status().reason(),
      "chip.dg13_malformed");
  // Deep nesting: SEQUENCE in SEQUENCE ... beyond the depth limit.
  std::string nested("\x30\x03\x02\x01\x01", 5);
  for (int i = 0; i < 20; ++i) {
    std::string outer(1, '\x30');
    outer += static_cast<char>(nested.size());
    nested = outer + nested;
  }
  std::string deep(1, '\x6D');
  deep += static_cast<char>(nested.size());
  EXPECT_EQ(ParseDg13(deep + nested).status().reason(), "chip.dg13_malformed");
  // No fields at all.
  EXPECT_EQ(ParseDg13(std::string("\x6D\x03\x02\x01\x01", 5)).status().reason(),
            "chip.dg13_malformed");
}

TEST(ChipParsers, Dg14FindsActiveAuthenticationInfo) {
  auto d = ParseDg14(testkit::Dg14For());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->protocols.size(), 2u);
  ASSERT_TRUE(d->aa_signature_algorithm.has_value());
  EXPECT_EQ(*d->aa_signature_algorithm, "0.4.0.127.0.7.1.1.4.1.3");
}

TEST(ChipParsers, Dg14BadInput) {
  const std::string good = testkit::Dg14For();
  auto parse = [](std::string_view b) { return ParseDg14(b); };
  ExpectAllTruncationsFail(good, parse);
  ExpectEveryByteFlipIsHandled(good, parse);
  ExpectRandomBytesDoNotCrash(parse, 4);
  EXPECT_EQ(ParseDg14(std::string("\x6E\x02\x30\x00", 4)).status().reason(), "chip.dg14_malformed");
}

TEST(ChipParsers, Dg15ReadsRsaAndEcKeys) {
  for (auto type : {testkit::KeyType::kRsa1024, testkit::KeyType::kEcP256}) {
    auto key = testkit::MakeKey(type);
    ASSERT_TRUE(key.ok());
    auto dg15 = testkit::Dg15For(key->get());
    ASSERT_TRUE(dg15.ok());
    auto d = ParseDg15(*dg15);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->key_type, type == testkit::KeyType::kEcP256 ? "EC" : "RSA");
    auto parse = [](std::string_view b) { return ParseDg15(b); };
    ExpectAllTruncationsFail(*dg15, parse);
    ExpectEveryByteFlipIsHandled(*dg15, parse);
  }
  ExpectRandomBytesDoNotCrash([](std::string_view b) { return ParseDg15(b); }, 5);
}

TEST(ChipParsers, ComListsDataGroups) {
  const std::string good = testkit::ComFor({1, 2, 13, 15});
  auto c = ParseCom(good);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_groups, (std::vector<int>{1, 2, 13, 15}));
  EXPECT_EQ(c->lds_version, "0107");
  auto parse = [](std::string_view b) { return ParseCom(b); };
  ExpectAllTruncationsFail(good, parse);
  ExpectEveryByteFlipIsHandled(good, parse);
  ExpectRandomBytesDoNotCrash(parse, 6);
}

TEST(ChipParsers, SodReadsHashesAndSigner) {
  auto pki = testkit::MakePki();
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  auto set = testkit::MakeChipSet(*pki);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto s = ParseSod(set->data.sod);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->hash_algorithm, "SHA256");
  EXPECT_EQ(s->dg_hashes.size(), 3u);
  ASSERT_TRUE(s->signer.has_value());
  EXPECT_NE(s->signer->subject.find("Test Document Signer"), std::string::npos);
}

TEST(ChipParsers, SodBadInput) {
  auto pki = testkit::MakePki();
  ASSERT_TRUE(pki.ok());
  auto set = testkit::MakeChipSet(*pki);
  ASSERT_TRUE(set.ok());
  const std::string good = set->data.sod;
  auto parse = [](std::string_view b) { return ParseSod(b); };
  ExpectAllTruncationsFail(good, parse);
  ExpectEveryByteFlipIsHandled(good, parse);
  ExpectRandomBytesDoNotCrash(parse, 7);
  EXPECT_EQ(ParseSod(std::string(200 << 10, '\x30')).status().reason(), "chip.sod_too_large");
  EXPECT_EQ(ParseSod(good.substr(0, good.size() / 2)).status().reason(), "chip.sod_malformed");
}

TEST(ChipParsers, Dg13LayoutTableIsConsistent) {
  std::set<int> tags;
  std::set<std::string> names;
  for (const auto& s : Dg13Layout()) {
    EXPECT_TRUE(tags.insert(s.tag).second) << s.tag;
    for (const auto& n : s.names) EXPECT_TRUE(names.insert(n).second) << n;
    EXPECT_NE(std::string(s.meaning), "");
    EXPECT_NE(std::string(s.evidence), "");
  }
}

}  // namespace
}  // namespace ekyc::chip
