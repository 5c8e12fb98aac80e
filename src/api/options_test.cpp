// The server's configuration: the Config fields src/api added and ServerOptions::FromConfig.
#include <gtest/gtest.h>

#include "api/api.h"

namespace ekyc::api {
namespace {

TEST(ServerOptionsTest, DefaultsFromConfig) {
  auto c = Config::Load(MapEnv({{"EKYC_WORKERS", "3"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->queue, 6);  // 2 x workers
  EXPECT_EQ(c->max_body_bytes, 20LL << 20);
  EXPECT_EQ(c->request_timeout_ms, 30'000);
  ServerOptions o = ServerOptions::FromConfig(*c);
  EXPECT_EQ(o.workers, 3);
  EXPECT_EQ(o.queue, 6);
  EXPECT_EQ(o.api_keys_file, "./var/api-keys.json");
  EXPECT_DOUBLE_EQ(o.rate_limit_rps, 10);
  EXPECT_EQ(o.rate_limit_burst, 20);
}

TEST(ServerOptionsTest, ReadsServerVariables) {
  auto c = Config::Load(MapEnv({{"EKYC_QUEUE", "9"},
                                {"EKYC_MAX_BODY_BYTES", "1048576"},
                                {"EKYC_RATE_LIMIT_RPS", "0"},
                                {"EKYC_RATE_LIMIT_BURST", "3"},
                                {"EKYC_READ_TIMEOUT_S", "5"},
                                {"EKYC_WRITE_TIMEOUT_S", "6"},
                                {"EKYC_REQUEST_TIMEOUT_MS", "1500"},
                                {"EKYC_HTTP_THREADS", "32"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ServerOptions o = ServerOptions::FromConfig(*c);
  EXPECT_EQ(o.queue, 9);
  EXPECT_EQ(o.max_body_bytes, 1048576);
  EXPECT_DOUBLE_EQ(o.rate_limit_rps, 0);
  EXPECT_EQ(o.rate_limit_burst, 3);
  EXPECT_EQ(o.read_timeout_s, 5);
  EXPECT_EQ(o.write_timeout_s, 6);
  EXPECT_EQ(o.request_timeout_ms, 1500);
  EXPECT_EQ(o.http_threads, 32);
}

TEST(ServerOptionsTest, InvalidValuesNameTheVariable) {
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"EKYC_QUEUE", "-1"},
                                                        {"EKYC_MAX_BODY_BYTES", "10"},
                                                        {"EKYC_RATE_LIMIT_RPS", "fast"},
                                                        {"EKYC_RATE_LIMIT_BURST", "0"},
                                                        {"EKYC_REQUEST_TIMEOUT_MS", "5"}}) {
    auto c = Config::Load(MapEnv({{name, value}}));
    ASSERT_FALSE(c.ok()) << name << "=" << value;
    EXPECT_NE(c.status().message().find(name), std::string::npos) << c.status().message();
  }
}

TEST(ServerOptionsTest, LoopbackHosts) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("example.com"));
}

}  // namespace
}  // namespace ekyc::api
