// Loading the CSCA trust store: PEM (several per file) and DER certificates, CRLs, link
// certificates, bad files, and reloading when the directory changes.
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "chip/chip.h"
#include "chip/testkit.h"

namespace ekyc::chip {
namespace {

namespace fs = std::filesystem;

class TrustStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("ekyc-chip-trust-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << bytes;
  }
  std::string dir_;
};

TEST_F(TrustStoreTest, LoadsPemBundlesDerAndCrls) {
  auto a = testkit::MakePki(), b = testkit::MakePki(), c = testkit::MakePki();
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  Write("bundle.pem", testkit::Pem(a->csca.get()) + testkit::Pem(b->csca.get()));
  Write("c.der", ossl::CertDer(c->csca.get()));
  const int64_t now = std::time(nullptr);
  auto crl = testkit::MakeCrl(a->csca.get(), a->csca_key.get(), {a->ds.get()}, now, now + 86400);
  ASSERT_TRUE(crl.ok());
  Write("a.crl", *crl);
  Write("README.txt", "ignored");
  auto t = TrustStore::Load(dir_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->anchors(), 3);
  EXPECT_EQ((*t)->crls().size(), 1u);
  EXPECT_EQ((*t)->crls()[0].revoked, 1);
  const auto summary = (*t)->Summary();
  EXPECT_EQ(summary["anchors"], 3);
  EXPECT_EQ(summary["certificates"][0]["role"], "csca");
  // The same certificate twice is loaded once.
  Write("again.pem", testkit::Pem(a->csca.get()));
  auto t2 = TrustStore::Load(dir_);
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ((*t2)->anchors(), 3);
}

TEST_F(TrustStoreTest, BadFilesAreNamed) {
  Write("broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
  auto t = TrustStore::Load(dir_);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().reason(), "chip.trust_store_bad_file");
  EXPECT_NE(t.status().message().find("broken.pem"), std::string::npos);
  fs::remove(dir_ + "/broken.pem");
  Write("junk.der", std::string(100, '\x30'));
  EXPECT_EQ(TrustStore::Load(dir_).status().reason(), "chip.trust_store_bad_file");
  fs::remove(dir_ + "/junk.der");
  // A document signer certificate is not a CSCA: refused.
  auto p = testkit::MakePki();
  ASSERT_TRUE(p.ok());
  Write("ds.pem", testkit::Pem(p->ds.get()));
  auto t3 = TrustStore::Load(dir_);
  EXPECT_EQ(t3.status().reason(), "chip.trust_store_bad_file");
  EXPECT_EQ(TrustStore::Load(dir_ + "/missing").status().reason(), "chip.trust_store_unreadable");
}

TEST_F(TrustStoreTest, EmptyDirectoryLoadsWithNoAnchors) {
  auto t = TrustStore::Load(dir_);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->anchors(), 0);
}

TEST_F(TrustStoreTest, AnchorsReloadWhenTheDirectoryChanges) {
  auto a = testkit::MakePki(), b = testkit::MakePki();
  ASSERT_TRUE(a.ok() && b.ok());
  Write("a.pem", testkit::Pem(a->csca.get()));
  auto anchors = TrustAnchors::Open(dir_, std::chrono::seconds(0));
  ASSERT_TRUE(anchors.ok());
  EXPECT_EQ((*anchors)->Current()->anchors(), 1);
  Write("b.pem", testkit::Pem(b->csca.get()));
  EXPECT_EQ((*anchors)->Current()->anchors(), 2);
  // A bad file keeps the last good store and says why.
  Write("c.pem", "-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n");
  EXPECT_EQ((*anchors)->Current()->anchors(), 2);
  EXPECT_NE((*anchors)->last_error().find("c.pem"), std::string::npos);
  fs::remove(dir_ + "/c.pem");
  fs::remove(dir_ + "/a.pem");
  EXPECT_EQ((*anchors)->Current()->anchors(), 1);
  EXPECT_EQ((*anchors)->last_error(), "");
}

}  // namespace
}  // namespace ekyc::chip
