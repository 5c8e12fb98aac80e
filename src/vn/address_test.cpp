// Address normalization against the index built from the pinned packages (build product).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "vn/vn.h"

namespace ekyc::vn {
namespace {

class VnAddress : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto index = AdminIndex::Load(std::string(EKYC_BINARY_DIR) + "/data/vn-admin.tsv");
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    auto text = TextTools::Create();
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    normalizer_ = std::make_unique<AddressNormalizer>(
        *index, std::shared_ptr<const TextTools>(std::move(*text)));
  }
  static void TearDownTestSuite() { normalizer_.reset(); }
  static NormalizedAddress N(const std::string& s) { return normalizer_->Normalize(s); }
  // Shared by the suite: loading the index and ICU once keeps the tests fast.
  static std::unique_ptr<AddressNormalizer> normalizer_;
};
std::unique_ptr<AddressNormalizer> VnAddress::normalizer_;

TEST_F(VnAddress, IndexCounts) {
  const AdminIndex& ix = normalizer_->index();
  EXPECT_EQ(ix.old_provinces.size(), 63u);
  EXPECT_EQ(ix.new_provinces.size(), 34u);
  EXPECT_EQ(ix.new_communes.size(), 3321u);
  EXPECT_GE(ix.old_districts.size(), 705u);
  EXPECT_GT(ix.old_communes.size(), 10000u);
  EXPECT_GT(ix.old_to_new.size(), 10000u);
}

TEST_F(VnAddress, VendorSampleShape) {
  NormalizedAddress a = N("XUÂN LA, TÂY HỒ, HÀ NỘI");
  EXPECT_EQ(a.scheme, AddressScheme::kOld3Level);
  EXPECT_EQ(a.value, "PHƯỜNG XUÂN LA, QUẬN TÂY HỒ, TP HÀ NỘI");
  EXPECT_EQ(a.tinh.code, 1);
  EXPECT_EQ(a.huyen.code, 3);
  EXPECT_EQ(a.xa.code, 103);
  nlohmann::json j = normalizer_->ToJson(a);
  EXPECT_EQ(j["value_unidecode"], "PHUONG XUAN LA, QUAN TAY HO, TP HA NOI");
  EXPECT_EQ(j["tinh"]["value"], "TP HÀ NỘI");
  EXPECT_EQ(j["tinh"]["value_unidecode"], "TP HA NOI");
  EXPECT_EQ(j["huyen"]["value"], "QUẬN TÂY HỒ");
  EXPECT_EQ(j["xa"]["code"], 103);
  // Post-2025 equivalent through the mapping: Xuân La is now part of Phường Tây Hồ.
  EXPECT_EQ(j["tinh_moi"]["code"], 1);
  EXPECT_EQ(j["xa_moi"]["value"], "PHƯỜNG TÂY HỒ");
  EXPECT_FALSE(j["split"].get<bool>());
}

TEST_F(VnAddress, NoisyForms) {
  for (const char* s :
       {"Số 12 ngõ 34 Phường Xuân La Quận Tây Hồ TP.Hà Nội",  // street part, no commas
        "P. Xuân La, Q. Tây Hồ, T.P Hà Nội", "p.xuan la,q.tay ho,tp ha noi",
        "PHUONG XUAN LA, QUAN TAY HO, HA NOI", "Xuan La - Tay Ho - Ha Noi",
        "Phư\xC6\xA1\xCC\x80ng Xuân La, Tây Hồ, Hà Nội",  // NFD ờ
        "Phường Xuân Lá, Quận Tây Hô, Hà Nọi",            // wrong tones
        "Phường Xuan Lq, Quận Tây Hồ, Hà Nội"}) {         // OCR slip
    NormalizedAddress a = N(s);
    EXPECT_EQ(a.xa.code, 103) << s;
    EXPECT_EQ(a.tinh.code, 1) << s;
  }
}

TEST_F(VnAddress, NewTwoLevelScheme) {
  NormalizedAddress a = N("Phường Tây Hồ, Thành phố Hà Nội");
  EXPECT_EQ(a.scheme, AddressScheme::kNew2Level);
  EXPECT_EQ(a.xa.code, 103);
  EXPECT_EQ(a.huyen.code, -1);
  EXPECT_EQ(a.huyen.value, "N/A");
  EXPECT_EQ(a.xa_moi.code, 103);
  EXPECT_EQ(a.value, "PHƯỜNG TÂY HỒ, TP HÀ NỘI");
  NormalizedAddress b = N("Đặc khu Côn Đảo, TP Hồ Chí Minh");
  EXPECT_EQ(b.scheme, AddressScheme::kNew2Level);
  EXPECT_EQ(b.xa.code, 26732);
  EXPECT_EQ(b.tinh.code, 79);
}

TEST_F(VnAddress, NumberedUnits) {
  NormalizedAddress a = N("Phường 12, Quận Gò Vấp, TP. Hồ Chí Minh");
  EXPECT_EQ(a.xa.code, 26881);
  EXPECT_EQ(a.xa.value, "PHƯỜNG 12");
  NormalizedAddress b = N("Phường Bến Thành, Quận 1, TP.HCM");
  EXPECT_EQ(b.huyen.code, 760);
  EXPECT_EQ(b.huyen.value, "QUẬN 1");
  EXPECT_EQ(b.xa.code, 26743);
  NormalizedAddress c = N("P.2, Q.3, TP HCM");
  EXPECT_EQ(c.huyen.code, 770);
  EXPECT_EQ(c.xa.value, "PHƯỜNG 2");
  NormalizedAddress d = N("P2 Q3 HCM");
  EXPECT_EQ(d.huyen.code, 770);
  EXPECT_EQ(d.xa.code, c.xa.code);
}

TEST_F(VnAddress, ProvinceAliases) {
  for (const char* s : {"Quận 1, TP.HCM", "Quận 1, TP HCM", "Quận 1, HCM", "Quận 1, Sài Gòn",
                        "Quận 1, Tp. Hồ Chí Minh", "Quận 1, Thành phố Hồ Chí Minh"}) {
    NormalizedAddress a = N(s);
    EXPECT_EQ(a.tinh.code, 79) << s;
    EXPECT_EQ(a.huyen.code, 760) << s;
  }
  for (const char* s :
       {"Huyện Côn Đảo, BR-VT", "Côn Đảo, Bà Rịa - Vũng Tàu", "H. Côn Đảo, T. Bà Rịa Vũng Tàu"}) {
    NormalizedAddress a = N(s);
    EXPECT_EQ(a.tinh.code, 77) << s;
    EXPECT_EQ(a.huyen.code, 755) << s;  // island district: no communes
    EXPECT_EQ(a.xa.code, -1) << s;
    EXPECT_EQ(a.xa.value, "N/A") << s;
    EXPECT_EQ(a.tinh_moi.code, 79) << s;  // BR-VT merged into TP. Hồ Chí Minh
  }
  // "TT. Huế" is Thừa Thiên Huế, not a thị trấn.
  for (const char* s : {"Phú Lộc, TT. Huế", "Phú Lộc, T.T.Huế", "Phú Lộc, TT Huế",
                        "Huyện Phú Lộc, Tỉnh Thừa Thiên Huế"}) {
    NormalizedAddress a = N(s);
    EXPECT_EQ(a.tinh.code, 46) << s;
    EXPECT_EQ(a.huyen.value, "HUYỆN PHÚ LỘC") << s;
  }
}

TEST_F(VnAddress, ToneConventions) {
  NormalizedAddress a = N("Thanh Hóa");
  NormalizedAddress b = N("Thanh Hoá");
  EXPECT_EQ(a.tinh.code, 38);
  EXPECT_EQ(b.tinh.code, 38);
  EXPECT_EQ(N("Khánh Hoà").tinh.code, 56);
  EXPECT_EQ(N("Phường Thuỷ Xuân, Thành phố Huế, Thừa Thiên Huế").xa.code,
            N("Phường Thủy Xuân, Thành phố Huế, Thừa Thiên Huế").xa.code);
}

TEST_F(VnAddress, SplitCommuneIsFlagged) {
  // Dịch Vọng (Cầu Giấy) was divided between Phường Nghĩa Đô and Phường Cầu Giấy.
  NormalizedAddress a = N("Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội");
  EXPECT_EQ(a.xa.code, 166);
  EXPECT_TRUE(a.split);
  EXPECT_EQ(a.xa_moi_candidates.size(), 2u);
  EXPECT_EQ(a.xa_moi.code, -1);  // not guessed without street-level data
  EXPECT_EQ(a.tinh_moi.code, 1);
  nlohmann::json j = normalizer_->ToJson(a);
  EXPECT_TRUE(j["split"].get<bool>());
  EXPECT_EQ(j["xa_moi_candidates"].size(), 2u);
  // Not split: a single successor.
  NormalizedAddress b = N("Phường Nghĩa Đô, Quận Cầu Giấy, Hà Nội");
  EXPECT_FALSE(b.split);
  EXPECT_EQ(b.xa_moi.code, 160);
}

TEST_F(VnAddress, NeverInventsUnits) {
  NormalizedAddress a = N("Phường Không Có Thật, Quận Tây Hồ, Hà Nội");
  EXPECT_EQ(a.huyen.code, 3);
  EXPECT_EQ(a.xa.code, -1);
  EXPECT_EQ(a.xa.value, "N/A");
  NormalizedAddress b = N("Lorem ipsum dolor sit amet");
  EXPECT_EQ(b.scheme, AddressScheme::kNone);
  EXPECT_EQ(b.value, "N/A");
  EXPECT_EQ(b.tinh.code, -1);
  nlohmann::json j = normalizer_->ToJson(b);
  EXPECT_EQ(j["tinh"]["value_unidecode"], "N/A");
  EXPECT_EQ(N("").value, "N/A");
  // A ward must belong to its district: Xuân La is not in Quận Ba Đình.
  NormalizedAddress c = N("Phường Xuân La, Quận Ba Đình, Hà Nội");
  EXPECT_EQ(c.huyen.code, 1);
  EXPECT_NE(c.xa.code, 103);
}

TEST_F(VnAddress, DistrictOmittedOldCommune) {
  NormalizedAddress a = N("Xã Bát Tràng, Hà Nội");  // still a commune name after 2025
  EXPECT_NE(a.xa.code, -1);
  EXPECT_EQ(a.tinh.code, 1);
}

TEST_F(VnAddress, TrailingCountry) {
  EXPECT_EQ(N("Phường Xuân La, Quận Tây Hồ, Hà Nội, Việt Nam").xa.code, 103);
}

TEST(VnIndex, PathAndErrors) {
  EXPECT_EQ(DefaultIndexPath("/opt/ekyc/bin/ekyc"), "/opt/ekyc/bin/data/vn-admin.tsv");
  EXPECT_EQ(DefaultIndexPath("/opt/ekyc/bin/ekyc", "/etc/vn.tsv"), "/etc/vn.tsv");
  auto missing = AdminIndex::Load("/nonexistent/vn-admin.tsv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().reason(), "vn.index_missing");
  const std::string bad = std::string(EKYC_BINARY_DIR) + "/vn_test_bad_index.tsv";
  {
    std::ofstream out(bad);
    out << "P\to\tnot-a-number\ttinh\tX\n";
  }
  auto corrupt = AdminIndex::Load(bad);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().reason(), "vn.index_corrupt");
  EXPECT_NE(corrupt.status().message().find("line 1"), std::string::npos);
  std::remove(bad.c_str());
  auto n = CreateAddressNormalizer(std::string(EKYC_BINARY_DIR) + "/data/vn-admin.tsv");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ((*n)->Normalize("Quận 1, TP.HCM").huyen.code, 760);
}

// One normalizer shared by several threads gives the same answers as one thread (ICU
// transliteration is guarded inside TextTools).
TEST_F(VnAddress, ConcurrentUseIsConsistent) {
  const std::vector<std::string> inputs = {"XUÂN LA, TÂY HỒ, HÀ NỘI", "P.2, Q.3, TP HCM",
                                           "Phú Lộc, TT. Huế", "Phường Tây Hồ, Thành phố Hà Nội"};
  std::vector<std::string> expected;
  for (const auto& s : inputs) expected.push_back(normalizer_->ToJson(N(s)).dump());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 50; ++k)
        for (size_t i = 0; i < inputs.size(); ++i)
          if (normalizer_->ToJson(N(inputs[i])).dump() != expected[i]) ++mismatches;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace ekyc::vn
