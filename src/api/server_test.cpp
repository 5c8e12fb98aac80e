// Integration tests: the real server in-process on 127.0.0.1 (free port, temp data dir), spoken to
// over HTTPS with httplib's client (trusting the generated certificate) and raw OpenSSL.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <latch>
#include <regex>
#include <sstream>
#include <thread>

#include "api/api.h"

namespace ekyc::api {
namespace {

using nlohmann::json;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Echoes field names and sizes (never contents) so tests can check parsing.
Handler EchoHandler() {
  return [](const Request& r, WorkerContext& ctx) -> Result<json> {
    StageTimer t(ctx, "echo");
    json fields = json::object();
    for (const auto& [k, v] : r.fields) fields[k] = v.size();
    json files = json::object();
    for (const auto& [k, v] : r.files)
      files[k] = {{"size", v.content.size()}, {"filename", v.filename}};
    return json{
        {"fields", fields}, {"files", files}, {"key", r.api_key_name}, {"worker", ctx.index()}};
  };
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ekyc-server-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    opt_.host = "127.0.0.1";
    opt_.port = 0;
    opt_.data_dir = dir_.string();
    opt_.api_keys_file = (dir_ / "api-keys.json").string();
    opt_.workers = 1;
    opt_.queue = 1;
    opt_.max_body_bytes = 64 * 1024;
    opt_.request_timeout_ms = 60'000;
    opt_.server_version = "test-1";
    ApiKeyStore store(opt_.api_keys_file);
    auto k = store.Add("tester");
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    key_ = *k;
    routes_ = RouteTable::WithVendorRoutes();
    routes_.Set("predict", EchoHandler());
    log_ = std::make_shared<std::string>();
  }
  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Start(std::vector<ReadinessCheck> checks = {}) {
    auto s = Server::Create(opt_, routes_, std::move(checks), {}, Logger::ToString(log_, "info"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Start().ok());
  }

  std::unique_ptr<httplib::SSLClient> Client() {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    c->set_ca_cert_path(server_->cert_path().c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(60, 0);
    c->set_write_timeout(60, 0);
    return c;
  }

  httplib::Result PostJson(const std::string& path, const json& body, const std::string& key) {
    httplib::Headers h;
    if (!key.empty()) h.emplace("x-api-key", key);
    return Client()->Post(path.c_str(), h, body.dump(), "application/json");
  }

  static void ExpectEnvelope(const httplib::Result& res, int http, const std::string& code) {
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, http) << res->body;
    json j = json::parse(res->body);
    for (const char* k : {"output", "time", "api_version", "mlchain_version", "request_id"}) {
      EXPECT_TRUE(j.contains(k)) << k << " missing in " << res->body;
    }
    EXPECT_EQ(j["api_version"], "0.2");
    EXPECT_EQ(j["mlchain_version"], "test-1");
    EXPECT_TRUE(j["time"].is_number_float());
    static const std::regex kUuid4(
        "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    EXPECT_TRUE(std::regex_match(j["request_id"].get<std::string>(), kUuid4)) << j["request_id"];
    EXPECT_EQ(res->get_header_value("X-Request-Id"), j["request_id"]);
    EXPECT_FALSE(res->has_header("X-Ekyc-Internal-Start"));
    if (code.empty()) {
      EXPECT_FALSE(j.contains("error"));
      EXPECT_FALSE(j.contains("code"));
    } else {
      EXPECT_EQ(j.value("code", ""), code) << res->body;
      EXPECT_FALSE(j.value("error", "").empty());
    }
  }

  std::filesystem::path dir_;
  ServerOptions opt_;
  RouteTable routes_;
  std::string key_;
  std::shared_ptr<std::string> log_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, HealthAndReady) {
  Start({{"storage_open", [] { return Status::Ok(); }}});
  auto c = Client();
  auto h = c->Get("/healthz");
  ASSERT_TRUE(h) << httplib::to_string(h.error());
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(json::parse(h->body)["status"], "ok");
  EXPECT_FALSE(h->get_header_value("X-Request-Id").empty());
  auto r = c->Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  json j = json::parse(r->body);
  EXPECT_TRUE(j["ready"].get<bool>());
  bool found = false;
  for (const auto& chk : j["checks"])
    found = found || (chk["name"] == "storage_open" && chk["ok"] == true);
  EXPECT_TRUE(found) << r->body;
}

TEST_F(ServerTest, NotReadyIs503) {
  Start(
      {{"storage_open", [] { return Status::Ok(); }},
       {"models_loaded", [] { return FailedPrecondition("models.missing", "run make models"); }}});
  auto r = Client()->Get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  json j = json::parse(r->body);
  EXPECT_FALSE(j["ready"].get<bool>());
  EXPECT_NE(r->body.find("run make models"), std::string::npos);
}

TEST_F(ServerTest, AuthMissingInvalidValid) {
  Start();
  ExpectEnvelope(PostJson("/call/predict", {{"a", "b"}}, ""), 401, "E401");
  ExpectEnvelope(PostJson("/call/predict", {{"a", "b"}}, "ek_" + std::string(64, '0')), 401,
                 "E401");
  auto ok =
      PostJson("/call/predict",
               {{"image_card1", "aGVsbG8="}, {"threshold", 0.5}, {"check_rotate", true}}, key_);
  ExpectEnvelope(ok, 200, "");
  json out = json::parse(ok->body)["output"];
  EXPECT_EQ(out["key"], "tester");
  EXPECT_EQ(out["fields"]["image_card1"], 8);
  EXPECT_EQ(out["fields"]["threshold"], 3);     // "0.5"
  EXPECT_EQ(out["fields"]["check_rotate"], 4);  // "true"
}

// A refused request's body must not be parsed as the next request on a keep-alive connection.
TEST_F(ServerTest, RefusalsKeepKeepAliveConnectionInSync) {
  Start();
  auto c = Client();
  c->set_keep_alive(true);
  httplib::MultipartFormDataItems items = {
      {"image_card1", std::string(5000, 'x'), "a.jpg", "image/jpeg"}};
  ExpectEnvelope(c->Post("/call/predict", {{"x-api-key", "wrong"}}, items), 401, "E401");
  ExpectEnvelope(c->Post("/call/search_face", {{"x-api-key", key_}}, items), 501, "E501");
  ExpectEnvelope(c->Post("/call/predict", {{"x-api-key", key_}}, items), 200, "");
  auto h = c->Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  std::string m = server_->MetricsText();
  EXPECT_EQ(m.find("status=\"400\""), std::string::npos) << m;
  EXPECT_NE(m.find("ekyc_requests_total{route=\"healthz\",status=\"200\",code=\"\"} 1"),
            std::string::npos)
      << m;
}

TEST_F(ServerTest, NotAvailableRouteIs501AndUnknownIs404) {
  Start();
  auto r = PostJson("/call/search_face/", {{"user_id", "u"}},
                    key_);  // the vendor writes a trailing slash
  ExpectEnvelope(r, 501, "E501");
  std::string err = json::parse(r->body)["error"];
  EXPECT_NE(err.find("search_face"), std::string::npos);
  EXPECT_NE(err.find("not installed"), std::string::npos);
  ExpectEnvelope(PostJson("/call/predict/", {{"a", "b"}}, key_), 200, "");
  ExpectEnvelope(PostJson("/call/no_such_route", {{"a", "b"}}, key_), 404, "E404");
  auto get = Client()->Get("/call/predict");
  ExpectEnvelope(get, 405, "E405");
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
}

TEST_F(ServerTest, MultipartFieldsAndFiles) {
  Start();
  httplib::MultipartFormDataItems items = {
      {"image_card1", std::string(1000, '\xff'), "card.jpg", "image/jpeg"},
      {"user_id", "SECRET-USER-42", "", ""},
  };
  auto r = Client()->Post("/call/predict", {{"x-api-key", key_}}, items);
  ExpectEnvelope(r, 200, "");
  json out = json::parse(r->body)["output"];
  EXPECT_EQ(out["files"]["image_card1"]["size"], 1000);
  EXPECT_EQ(out["files"]["image_card1"]["filename"], "card.jpg");
  EXPECT_EQ(out["fields"]["user_id"], 14);
  // One log line per request, with the key name and route but never field contents.
  EXPECT_NE(log_->find("\"route\":\"predict\""), std::string::npos) << *log_;
  EXPECT_NE(log_->find("\"api_key\":\"tester\""), std::string::npos) << *log_;
  EXPECT_NE(log_->find(json::parse(r->body)["request_id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(log_->find("SECRET-USER-42"), std::string::npos);
}

TEST_F(ServerTest, MalformedBodiesAre400And415) {
  Start();
  auto c = Client();
  auto bad_mp = c->Post("/call/predict", {{"x-api-key", key_}}, "garbage without boundaries\r\n",
                        "multipart/form-data; boundary=xyz");
  ExpectEnvelope(bad_mp, 400, "E400");
  ExpectEnvelope(
      Client()->Post("/call/predict", {{"x-api-key", key_}}, "{not json", "application/json"), 400,
      "E400");
  ExpectEnvelope(
      Client()->Post("/call/predict", {{"x-api-key", key_}}, "[1,2]", "application/json"), 400,
      "E400");
  ExpectEnvelope(Client()->Post("/call/predict", {{"x-api-key", key_}}, "a=b", "text/plain"), 415,
                 "E415");
}

// httplib's size limit covers Content-Length only, so unbounded bodies are refused unread.
TEST_F(ServerTest, ChunkedAndCompressedBodiesAreRefused) {
  Start();
  auto c = Client();
  auto chunked = c->Post(
      "/call/predict", {{"x-api-key", key_}},
      [](size_t offset, httplib::DataSink& sink) {
        if (offset < 100000) {
          std::string part(1000, 'a');
          sink.write(part.data(), part.size());
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  if (chunked) {  // the server may close before the client finished sending
    ExpectEnvelope(chunked, 411, "E411");
  }
  auto gz = Client()->Post("/call/predict", {{"x-api-key", key_}, {"Content-Encoding", "gzip"}},
                           "xxxx", "application/json");
  ExpectEnvelope(gz, 415, "E415");
  ExpectEnvelope(PostJson("/call/predict", {{"a", "b"}}, key_), 200, "");
  std::string m = server_->MetricsText();
  EXPECT_EQ(m.find("status=\"400\""), std::string::npos) << m;
  EXPECT_NE(m.find("ekyc_requests_total{route=\"predict\",status=\"411\",code=\"E411\"} 1"),
            std::string::npos)
      << m;
}

TEST_F(ServerTest, OversizeBodyIs413AndServerStillServes) {
  Start();
  std::string big(opt_.max_body_bytes + 1, 'a');
  auto r = Client()->Post("/call/predict", {{"x-api-key", key_}}, json{{"image", big}}.dump(),
                          "application/json");
  ExpectEnvelope(r, 413, "E413");
  ExpectEnvelope(PostJson("/call/predict", {{"a", "b"}}, key_), 200, "");
  auto h = Client()->Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
}

TEST_F(ServerTest, PlainHttpToHttpsPortFails) {
  Start();
  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_read_timeout(10, 0);
  auto r = plain.Get("/healthz");
  EXPECT_FALSE(r) << "plain HTTP got an answer: " << r->status;
}

// Returns true when a TLS handshake with the given version range succeeds.
bool Handshake(int port, int min_version, int max_version) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  // Security level 0 lets this client offer TLS 1.0/1.1 at all, so a failure is the server's
  // refusal.
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    ok = SSL_connect(ssl) == 1;
    if (ok) SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  ::close(fd);
  SSL_CTX_free(ctx);
  return ok;
}

TEST_F(ServerTest, OnlyTls12And13) {
  Start();
  EXPECT_FALSE(Handshake(server_->port(), TLS1_VERSION, TLS1_1_VERSION));
  EXPECT_FALSE(Handshake(server_->port(), TLS1_VERSION, TLS1_VERSION));
  EXPECT_TRUE(Handshake(server_->port(), TLS1_2_VERSION, TLS1_2_VERSION));
  EXPECT_TRUE(Handshake(server_->port(), TLS1_3_VERSION, TLS1_3_VERSION));
}

TEST_F(ServerTest, QueueFullIs503WithRetryAfter) {
  std::latch release(1);
  std::atomic<int> started{0};
  routes_.Set("predict", [&](const Request&, WorkerContext&) -> Result<json> {
    started.fetch_add(1);
    started.notify_all();
    release.wait();
    return json{{"done", true}};
  });
  opt_.workers = 1;
  opt_.queue = 1;
  Start();
  std::optional<httplib::Result> r1, r2;
  std::thread t1([&] { r1.emplace(PostJson("/call/predict", {{"n", 1}}, key_)); });
  started.wait(0);  // the only worker is now busy
  std::thread t2([&] { r2.emplace(PostJson("/call/predict", {{"n", 2}}, key_)); });
  // Wait (without a time assertion) until the second job sits in the queue.
  while (server_->queue_depth() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // A keep-alive client (httplib's client asks for "close" by default): the refused client is
  // told to close, so its idle connection does not hold an HTTP thread while it waits.
  auto c3 = Client();
  c3->set_keep_alive(true);
  auto r3 =
      c3->Post("/call/predict", {{"x-api-key", key_}}, json{{"n", 3}}.dump(), "application/json");
  ExpectEnvelope(r3, 503, "E503");
  EXPECT_FALSE(r3->get_header_value("Retry-After").empty());
  EXPECT_EQ(r3->get_header_value("Connection"), "close");
  release.count_down();
  t1.join();
  t2.join();
  ASSERT_TRUE(r1 && r2);
  ExpectEnvelope(*r1, 200, "");
  ExpectEnvelope(*r2, 200, "");
  EXPECT_EQ(started.load(), 2);
  std::string m = server_->MetricsText();
  EXPECT_NE(m.find("ekyc_requests_total{route=\"predict\",status=\"503\",code=\"E503\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("ekyc_rejected_total{reason=\"overloaded\"} 1"), std::string::npos);
}

TEST_F(ServerTest, DeadlineIs504AndWorkerRecovers) {
  std::latch release(1);
  std::atomic<int> calls{0};
  routes_.Set("predict", [&](const Request& r, WorkerContext&) -> Result<json> {
    if (calls.fetch_add(1) == 0) release.wait();  // the first call outlives its deadline
    return json{{"deadline_passed", r.DeadlinePassed()}};
  });
  // Long enough for the second (instant) request even on a loaded machine; the first one blocks
  // until released, so it always passes its deadline.
  opt_.request_timeout_ms = 3000;
  Start();
  auto r = PostJson("/call/predict", {{"a", 1}}, key_);
  ExpectEnvelope(r, 504, "E504");
  release.count_down();
  // The worker finishes the abandoned job, then serves again.
  ExpectEnvelope(PostJson("/call/predict", {{"a", 2}}, key_), 200, "");
}

TEST_F(ServerTest, StopLetsInFlightRequestFinishThenRefusesConnections) {
  std::latch release(1);
  std::atomic<int> started{0};
  routes_.Set("predict", [&](const Request&, WorkerContext&) -> Result<json> {
    started.fetch_add(1);
    started.notify_all();
    release.wait();
    return json{{"finished", true}};
  });
  Start();
  int port = server_->port();
  std::optional<httplib::Result> r;
  std::thread client([&] { r.emplace(PostJson("/call/predict", {{"a", 1}}, key_)); });
  started.wait(0);
  std::thread stopper([&] { server_->Stop(); });
  release.count_down();
  stopper.join();
  client.join();
  ASSERT_TRUE(r.has_value());
  ExpectEnvelope(*r, 200, "");
  httplib::SSLClient after("127.0.0.1", port);
  after.enable_server_certificate_verification(false);
  EXPECT_FALSE(after.Get("/healthz"));
}

TEST_F(ServerTest, RateLimitIs429) {
  opt_.rate_limit_rps = 0.001;  // effectively no refill during the test
  opt_.rate_limit_burst = 2;
  Start();
  ExpectEnvelope(PostJson("/call/predict", {{"a", 1}}, key_), 200, "");
  ExpectEnvelope(PostJson("/call/predict", {{"a", 2}}, key_), 200, "");
  auto r = PostJson("/call/predict", {{"a", 3}}, key_);
  ExpectEnvelope(r, 429, "E429");
  EXPECT_FALSE(r->get_header_value("Retry-After").empty());
}

// Abuse limits: a route's counted outcome is recorded per key and per user_id; at the limit the
// next request is refused before its handler runs, with the rule's code and Retry-After.
TEST_F(ServerTest, FailedAttemptsAreLimitedPerUserAndPerKey) {
  auto runs = std::make_shared<std::atomic<int>>(0);
  routes_.Set("register_ekyc_front_back_face_video",
              [runs](const Request& r, WorkerContext&) -> Result<json> {
                ++*runs;
                if (*r.Find("user_id") == "live-user") return json{{"ok", true}};
                return OutputWithOutcome(json::array(), Status(StatusCode::kPermissionDenied,
                                                               "live.spoof_detected", "not live"));
              });
  AttemptLimit rule;
  rule.name = "liveness_attempts";
  rule.routes = {"register_ekyc_front_back_face_video"};
  rule.counted_reasons = {"live.spoof_detected"};
  rule.subject_fields = {"user_id"};
  rule.max_per_field = 2;
  rule.max_per_key = 3;
  rule.window_s = 60;
  rule.code = "E463";
  rule.what = "failed liveness attempts";
  opt_.attempt_limits = {rule};
  Start();
  const std::string path = "/call/register_ekyc_front_back_face_video";
  for (int i = 0; i < 2; ++i)
    ExpectEnvelope(PostJson(path, {{"user_id", "u1"}}, key_), 200, "E460");
  auto refused = PostJson(path, {{"user_id", "u1"}}, key_);
  ExpectEnvelope(refused, 429, "E463");
  ASSERT_TRUE(refused);
  const int retry = std::stoi(refused->get_header_value("Retry-After"));
  EXPECT_GE(retry, 59);
  EXPECT_LE(retry, 60);
  EXPECT_NE(json::parse(refused->body)["error"].get<std::string>().find("retry after"),
            std::string::npos);
  EXPECT_EQ(runs->load(), 2);  // refused before the handler
  // Successes do not count; a third failure on another user reaches the key's limit of 3.
  ExpectEnvelope(PostJson(path, {{"user_id", "live-user"}}, key_), 200, "");
  ExpectEnvelope(PostJson(path, {{"user_id", "u2"}}, key_), 200, "E460");
  ExpectEnvelope(PostJson(path, {{"user_id", "live-user"}}, key_), 429, "E463");
  // Other routes are not limited.
  ExpectEnvelope(PostJson("/call/predict", json::object(), key_), 200, "");
  EXPECT_NE(server_->MetricsText().find("liveness_attempts"), std::string::npos);
  EXPECT_EQ(log_->find("u1"), std::string::npos) << "a user id in the log";
}

TEST_F(ServerTest, AttemptLimitWithACodeThatIsNot429IsRefusedAtStart) {
  AttemptLimit rule;
  rule.name = "x";
  rule.code = "E422";
  opt_.attempt_limits = {rule};
  auto s = Server::Create(opt_, routes_, {}, {}, Logger::ToString(log_, "info"));
  EXPECT_FALSE(s.ok());
}

TEST_F(ServerTest, MetricsText) {
  Start();
  ExpectEnvelope(PostJson("/call/predict", {{"a", 1}}, key_), 200, "");
  ExpectEnvelope(PostJson("/call/predict", {{"a", 1}}, ""), 401, "E401");
  auto r = Client()->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  for (const char* s : {"ekyc_requests_total{route=\"predict\",status=\"200\",code=\"\"} 1",
                        "ekyc_requests_total{route=\"predict\",status=\"401\",code=\"E401\"} 1",
                        "ekyc_errors_total{route=\"predict\",code=\"E401\"} 1",
                        "ekyc_request_duration_seconds_count{route=\"predict\"} 2",
                        "ekyc_stage_duration_seconds_count{route=\"predict\",stage=\"echo\"} 1",
                        "ekyc_queue_depth 0", "ekyc_workers 1", "ekyc_worker_busy_seconds_total"}) {
    EXPECT_NE(r->body.find(s), std::string::npos) << s << "\n" << r->body;
  }
}

TEST_F(ServerTest, HandlerErrorsAndOutcomesMapToEnvelope) {
  routes_.Set("verify_user_face", [](const Request&, WorkerContext&) -> Result<json> {
    return OutputWithOutcome(
        {{"is_matched", {{"value", "False"}}}},
        Status(StatusCode::kFailedPrecondition, "face.match_failed", "below threshold"));
  });
  routes_.Set("delete_user_face", [](const Request&, WorkerContext&) -> Result<json> {
    return NotFound("face.id_not_found", "no such face");
  });
  routes_.Set("register_user_face", [](const Request&, WorkerContext&) -> Result<json> {
    return InvalidArgument("image.not_an_image", "field image is not a JPEG or PNG image");
  });
  Start();
  auto r = PostJson("/call/verify_user_face", {{"a", 1}}, key_);
  ExpectEnvelope(r, 200, "4");
  json j = json::parse(r->body);
  EXPECT_EQ(j["error"], "Matching fail");
  EXPECT_EQ(j["output"]["is_matched"]["value"], "False");
  auto d = PostJson("/call/delete_user_face/", {{"a", 1}}, key_);
  ExpectEnvelope(d, 200, "E855");
  EXPECT_TRUE(json::parse(d->body)["output"].is_null());
  ExpectEnvelope(PostJson("/call/register_user_face", {{"a", 1}}, key_), 422, "E422");
}

TEST_F(ServerTest, GeneratedCertificateIsReusedAndKeyPrivate) {
  Start();
  std::string cert = Slurp(server_->cert_path());
  ASSERT_NE(cert.find("BEGIN CERTIFICATE"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "tls" / "server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  server_->Stop();
  server_.reset();
  Start();
  EXPECT_EQ(Slurp(server_->cert_path()), cert);
}

TEST_F(ServerTest, PlainHttpOnlyOnLoopback) {
  opt_.allow_plain_http = true;
  opt_.host = "0.0.0.0";
  auto bad = Server::Create(opt_, routes_, {}, {}, Logger::ToString(log_, "info"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("loopback"), std::string::npos);
  opt_.host = "127.0.0.1";
  Start();
  EXPECT_FALSE(server_->tls());
  httplib::Client plain("127.0.0.1", server_->port());
  auto r = plain.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, WorkerInitsRunPerWorker) {
  struct Session {
    int id;
  };
  std::atomic<int> inits{0};
  routes_.Set("predict", [](const Request&, WorkerContext& ctx) -> Result<json> {
    Session* s = ctx.Find<Session>();
    if (s == nullptr) return Internal("test.no_session", "no session");
    return json{{"session", s->id}};
  });
  opt_.workers = 3;
  auto s = Server::Create(opt_, routes_, {}, {[&](WorkerContext& ctx) {
                            inits.fetch_add(1);
                            ctx.Emplace<Session>(Session{ctx.index()});
                            return Status::Ok();
                          }},
                          Logger::ToString(log_, "info"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  server_ = std::move(*s);
  ASSERT_TRUE(server_->Start().ok());
  EXPECT_EQ(inits.load(), 3);
  auto r = PostJson("/call/predict", {{"a", 1}}, key_);
  ExpectEnvelope(r, 200, "");
  // A failing init stops start-up with its message.
  auto bad = Server::Create(opt_, routes_, {}, {[](WorkerContext&) {
                              return FailedPrecondition("models.missing", "no model");
                            }},
                            Logger::ToString(log_, "info"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no model"), std::string::npos);
}

}  // namespace
}  // namespace ekyc::api
