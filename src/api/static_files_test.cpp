// ServerOptions::static_files through the real server over HTTPS: the file with its headers and
// ETag, 304 on revalidation, HEAD, the redirect of the bare directory path, literal (not regex)
// paths, and that serving files leaves /call/ authentication as it was.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>

#include "api/api.h"

namespace ekyc::api {
namespace {

constexpr std::string_view kIndex = "<!doctype html><title>t</title>";
constexpr std::string_view kScript = "export const x = 1;\n";

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ekyc-static-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ServerOptions opt;
    opt.host = "127.0.0.1";
    opt.data_dir = dir_.string();
    opt.api_keys_file = (dir_ / "api-keys.json").string();
    opt.workers = 1;
    opt.queue = 1;
    ApiKeyStore keys(opt.api_keys_file);
    auto k = keys.Add("tester");
    ASSERT_TRUE(k.ok());
    key_ = *k;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
        {"X-Content-Type-Options", "nosniff"}};
    opt.static_files = {{"/console/", "text/html; charset=utf-8", kIndex, headers},
                        {"/console/a.js", "text/javascript; charset=utf-8", kScript, headers}};
    RouteTable routes = RouteTable::WithVendorRoutes();
    routes.Set("predict", [](const Request& r, WorkerContext&) -> Result<nlohmann::json> {
      return nlohmann::json{{"key", r.api_key_name}};
    });
    auto s = Server::Create(opt, routes, {}, {}, Logger::ToString(log_, "info"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<httplib::SSLClient> Client() {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    c->set_ca_cert_path(server_->cert_path().c_str());
    c->enable_server_certificate_verification(true);
    return c;
  }

  std::filesystem::path dir_;
  std::string key_;
  std::shared_ptr<std::string> log_ = std::make_shared<std::string>();
  std::unique_ptr<Server> server_;
};

TEST_F(StaticFilesTest, ServesTheFileWithItsHeaders) {
  auto res = Client()->Get("/console/a.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, kScript);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
  EXPECT_FALSE(res->get_header_value("ETag").empty());
  EXPECT_FALSE(res->has_header("X-Ekyc-Internal-Start"));  // internal headers never leak
  auto index = Client()->Get("/console/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, kIndex);
}

TEST_F(StaticFilesTest, RevalidationGets304) {
  auto first = Client()->Get("/console/a.js");
  ASSERT_TRUE(first);
  std::string etag = first->get_header_value("ETag");
  auto again = Client()->Get("/console/a.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  auto other = Client()->Get("/console/a.js", {{"If-None-Match", "\"other\""}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_F(StaticFilesTest, HeadHasNoBody) {
  auto res = Client()->Head("/console/a.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
}

TEST_F(StaticFilesTest, BareDirectoryRedirects) {
  auto res = Client()->Get("/console");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 308);
  EXPECT_EQ(res->get_header_value("Location"), "/console/");
}

TEST_F(StaticFilesTest, PathsAreLiteralAndOtherMethodsAreRefused) {
  auto res = Client()->Get("/console/aXjs");  // '.' is not a regex wildcard
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  auto post = Client()->Post("/console/a.js", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 404);
  auto missing = Client()->Get("/console/missing.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(StaticFilesTest, CallsStillNeedAKey) {
  auto none = Client()->Post("/call/predict", "{}", "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto wrong = Client()->Post("/call/predict", {{"x-api-key", "ek_" + std::string(64, '0')}}, "{}",
                              "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto ok = Client()->Post("/call/predict", {{"x-api-key", key_}}, "{}", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  // A static file is not a way into /call/: its path never reaches a handler with a key.
  auto res = Client()->Get("/console/", {{"x-api-key", key_}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, kIndex);
}

TEST_F(StaticFilesTest, CountedInMetricsUnderOneLabel) {
  (void)Client()->Get("/console/");
  (void)Client()->Get("/console/a.js");
  EXPECT_NE(server_->MetricsText().find("ekyc_requests_total{route=\"static\",status=\"200\""),
            std::string::npos)
      << server_->MetricsText();
}

}  // namespace
}  // namespace ekyc::api
