#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api.h"

namespace ekyc::api {
namespace {

class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ekyc-keys-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "sub" / "api-keys.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string ReadFile() {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(KeysTest, AddVerifyListRevoke) {
  ApiKeyStore store(path_);
  auto k1 = store.Add("alice");
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  auto k2 = store.Add("bob");
  ASSERT_TRUE(k2.ok());
  EXPECT_NE(*k1, *k2);
  EXPECT_EQ(k1->rfind("ek_", 0), 0U);
  EXPECT_EQ(k1->size(), 3U + 64U);

  auto who = store.Verify(*k1);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(*who, "alice");
  EXPECT_EQ(*store.Verify(*k2), "bob");
  EXPECT_EQ(store.Verify("ek_wrong").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(store.Verify("").status().code(), StatusCode::kUnauthenticated);
  // A prefix of a valid key is not valid.
  EXPECT_FALSE(store.Verify(k1->substr(0, k1->size() - 1)).ok());

  auto list = store.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].name, "alice");
  EXPECT_EQ((*list)[0].id.size(), 8U);
  EXPECT_FALSE((*list)[0].created.empty());

  // The file holds hashes only, and is private.
  std::string text = ReadFile();
  EXPECT_EQ(text.find(*k1), std::string::npos);
  EXPECT_EQ(text.find(k1->substr(3)), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  // Revocation is seen by an existing store instance (reload on change).
  ApiKeyStore other(path_);
  ASSERT_TRUE(other.Revoke("alice").ok());
  EXPECT_FALSE(store.Verify(*k1).ok());
  EXPECT_TRUE(store.Verify(*k2).ok());
  EXPECT_EQ(other.Revoke("alice").code(), StatusCode::kNotFound);
}

TEST_F(KeysTest, RejectsDuplicateAndBadNames) {
  ApiKeyStore store(path_);
  ASSERT_TRUE(store.Add("a").ok());
  EXPECT_EQ(store.Add("a").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store.Add("has space").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Add("").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KeysTest, MissingFileIsEmpty) {
  ApiKeyStore store(path_);
  auto list = store.List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_FALSE(store.Verify("ek_anything").ok());
}

TEST_F(KeysTest, RefusesWorldReadableFile) {
  ApiKeyStore store(path_);
  ASSERT_TRUE(store.Add("a").ok());
  ::chmod(path_.c_str(), 0644);
  auto list = store.List();
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(KeysTest, CorruptFileIsAnError) {
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  { std::ofstream(path_) << "{not json"; }
  ::chmod(path_.c_str(), 0600);
  ApiKeyStore store(path_);
  EXPECT_EQ(store.List().status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(store.Verify("x").status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ekyc::api
