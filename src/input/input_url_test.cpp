#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "input/input.h"
#include "input/test_util.h"

namespace ekyc::input {
namespace {

void ExpectReason(const Status& s, const std::string& reason) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), reason) << s.ToString();
  EXPECT_FALSE(s.message().empty());
}

// A local HTTP server on 127.0.0.1 with one route per scenario.
class LocalServer {
 public:
  LocalServer() {
    png_ = test::Encode(test::TestImage(50, 40), ".png");
    server_.Get("/img.png", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(png_, "application/octet-stream");  // content type must not matter
    });
    server_.Get("/page.html", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<!DOCTYPE html><html><body>hello</body></html>", "text/html");
    });
    server_.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("not found", "text/plain");
    });
    server_.Get("/broken", [](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_content("down", "text/plain");
    });
    server_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      // Waits long past the client's timeout, but returns promptly when the test ends.
      for (int i = 0; i < 100 && !stopping_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      res.set_content(png_, "image/png");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(2 << 20, 'x'), "image/png");
    });
    server_.Get("/big-chunked", [](const httplib::Request&, httplib::Response& res) {
      // No Content-Length: the client must stop on the bytes it actually receives.
      res.set_chunked_content_provider("image/png", [](size_t offset, httplib::DataSink& sink) {
        if (offset >= (4u << 20)) {
          sink.done();
          return true;
        }
        std::string chunk(64 * 1024, 'y');
        return sink.write(chunk.data(), chunk.size());
      });
    });
    server_.Get("/to-img", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(Url("/img.png"));
    });
    server_.Get("/to-metadata", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://169.254.169.254/latest/meta-data/");
    });
    server_.Get("/to-metadata-v6", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://[::ffff:169.254.169.254]/latest/meta-data/");
    });
    server_.Get("/to-ftp", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("ftp://127.0.0.1/x.png");
    });
    server_.Get("/to-file", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("file:///etc/passwd");
    });
    server_.Get("/loop", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(Url("/loop"));
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ~LocalServer() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }
  const std::string& png() const { return png_; }

 private:
  httplib::Server server_;
  std::string png_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

class InputUrl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LocalServer(); }  // NOLINT: shared by the suite
  static void TearDownTestSuite() {
    delete server_;  // NOLINT
    server_ = nullptr;
  }
  static InputPolicy Private() {
    InputPolicy p;
    p.allow_private_urls = true;
    p.url_timeout_ms = 3000;
    return p;
  }
  static LocalServer* server_;
};
LocalServer* InputUrl::server_ = nullptr;

TEST_F(InputUrl, LoopbackBlockedByDefault) {
  ASSERT_GT(server_->port(), 0);
  const std::string port = std::to_string(server_->port());
  for (const std::string& url :
       {server_->Url("/img.png"), "http://localhost:" + port + "/img.png",
        "http://[::1]:" + port + "/img.png", "http://2130706433:" + port + "/img.png",
        "http://0x7f.1:" + port + "/img.png", "http://0.0.0.0:" + port + "/img.png",
        "http://[::ffff:127.0.0.1]:" + port + "/img.png",
        std::string("http://169.254.169.254/latest/meta-data/")}) {
    SCOPED_TRACE(url);
    auto r = LoadImage(url, InputPolicy{});
    ExpectReason(r.status(), "url.blocked_address");
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  }
}

TEST_F(InputUrl, AllowedWhenPrivateUrlsEnabled) {
  auto img = LoadImage(server_->Url("/img.png"), Private());
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->info.source, SourceKind::kUrl);
  EXPECT_EQ(img->info.format, ImageFormat::kPng);
  EXPECT_EQ(img->bgr.cols, 50);
  EXPECT_EQ(cv::norm(img->bgr, test::TestImage(50, 40), cv::NORM_INF), 0.0);

  auto bytes = FetchUrl(server_->Url("/img.png"), Private());
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, server_->png());

  // Surrounding whitespace in the field and an upper-case scheme are fine.
  auto spaced =
      LoadImage("  HTTP://127.0.0.1:" + std::to_string(server_->port()) + "/img.png\n", Private());
  EXPECT_TRUE(spaced.ok()) << spaced.status().ToString();
  auto redirected = LoadImage(server_->Url("/to-img"), Private());
  EXPECT_TRUE(redirected.ok()) << redirected.status().ToString();
}

TEST_F(InputUrl, HttpErrors) {
  auto r = FetchUrl(server_->Url("/missing"), Private());
  ExpectReason(r.status(), "url.http_error");
  EXPECT_NE(r.status().message().find("404"), std::string::npos) << r.status().message();
  auto s = FetchUrl(server_->Url("/broken"), Private());
  ExpectReason(s.status(), "url.http_error");
  EXPECT_NE(s.status().message().find("503"), std::string::npos);
  // The link's host failing is the request's problem, not this server's (never a 503).
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(InputUrl, HtmlPageIsNotAnImage) {
  auto r = LoadImage(server_->Url("/page.html"), Private());
  ExpectReason(r.status(), "image.unsupported_format");
  EXPECT_NE(r.status().message().find("HTML"), std::string::npos) << r.status().message();
}

TEST_F(InputUrl, Timeout) {
  InputPolicy p = Private();
  p.url_timeout_ms = 300;
  auto r = FetchUrl(server_->Url("/slow"), p);
  ExpectReason(r.status(), "url.timeout");
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
}

TEST_F(InputUrl, TooLarge) {
  InputPolicy p = Private();
  p.max_bytes = 100 * 1024;
  ExpectReason(FetchUrl(server_->Url("/big"), p).status(), "url.too_large");
  ExpectReason(FetchUrl(server_->Url("/big-chunked"), p).status(), "url.too_large");
}

TEST_F(InputUrl, RedirectsAreRechecked) {
  // Loopback allowed for the first hop, but a redirect to the metadata address is still refused.
  ExpectReason(FetchUrl(server_->Url("/to-metadata"), Private()).status(), "url.blocked_address");
  ExpectReason(FetchUrl(server_->Url("/to-metadata-v6"), Private()).status(),
               "url.blocked_address");
  ExpectReason(FetchUrl(server_->Url("/to-ftp"), Private()).status(), "url.bad_scheme");
  ExpectReason(FetchUrl(server_->Url("/to-file"), Private()).status(), "url.bad_scheme");
  ExpectReason(FetchUrl(server_->Url("/loop"), Private()).status(), "url.too_many_redirects");
}

TEST_F(InputUrl, BadSchemesAndMalformed) {
  for (const std::string url :
       {"file:///etc/passwd", "ftp://127.0.0.1/a.png", "gopher://127.0.0.1:70/",
        "dict://127.0.0.1:11211/", "javascript:alert(1)"}) {
    SCOPED_TRACE(url);
    ExpectReason(FetchUrl(url, Private()).status(), "url.bad_scheme");
  }
  ExpectReason(FetchUrl("http://exa mple.com/a.png", Private()).status(), "url.invalid");
  ExpectReason(FetchUrl("http://" + std::string(9000, 'a') + ".com/", Private()).status(),
               "url.invalid");
}

TEST_F(InputUrl, Unreachable) {
  // Bind a port without listening, then release it: connections to it are refused.
  int port = 0;
  {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
  }
  auto r = FetchUrl("http://127.0.0.1:" + std::to_string(port) + "/x.png", Private());
  ExpectReason(r.status(), "url.unreachable");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(InputUrl, UnresolvableHostIsTheRequestsProblem) {
  // .invalid never resolves (RFC 6761), with or without a network.
  auto r = FetchUrl("http://no-such-host.invalid/card.jpg", Private());
  ExpectReason(r.status(), "url.host_not_found");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(InputUrl, ConcurrentCallsAreIndependent) {
  // Several threads fetching, decoding and being refused at once must not disturb each other
  // (per-call curl handles, no shared buffers).
  std::atomic<int> ok{0}, blocked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto img = LoadImage(server_->Url("/img.png"), t % 2 == 0 ? Private() : InputPolicy{});
        if (img.ok() && img->bgr.cols == 50) ++ok;
        if (!img.ok() && img.status().reason() == "url.blocked_address") ++blocked;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(blocked.load(), 10);
}

// ---------------------------------------------------------------------------------------------

bool BlockedV4(const char* ip, bool allow_private = false) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  EXPECT_EQ(inet_pton(AF_INET, ip, &a.sin_addr), 1) << ip;
  return IsBlockedAddress(reinterpret_cast<const sockaddr*>(&a), sizeof a, allow_private);
}

bool BlockedV6(const char* ip, bool allow_private = false) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  EXPECT_EQ(inet_pton(AF_INET6, ip, &a.sin6_addr), 1) << ip;
  return IsBlockedAddress(reinterpret_cast<const sockaddr*>(&a), sizeof a, allow_private);
}

TEST(InputAddress, Ipv4) {
  for (const char* ip : {"127.0.0.1",       "127.255.255.254", "10.0.0.1",        "10.255.255.255",
                         "172.16.0.1",      "172.31.255.255",  "192.168.1.1",     "100.64.0.1",
                         "100.127.255.255", "169.254.169.254", "169.254.0.1",     "0.0.0.0",
                         "0.1.2.3",         "224.0.0.1",       "239.255.255.250", "255.255.255.255",
                         "240.0.0.1",       "192.0.0.8",       "192.0.2.1",       "198.18.0.1",
                         "198.51.100.7",    "203.0.113.9",     "100.100.100.200"}) {
    EXPECT_TRUE(BlockedV4(ip)) << ip;
  }
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.1",
                         "100.63.255.255", "100.128.0.1", "192.169.0.1", "11.0.0.1",
                         "126.255.255.255", "128.0.0.1", "169.253.255.255", "223.255.255.255"}) {
    EXPECT_FALSE(BlockedV4(ip)) << ip;
  }
}

TEST(InputAddress, Ipv6) {
  for (const char* ip : {"::",
                         "::1",
                         "fe80::1",
                         "febf::1",
                         "fc00::1",
                         "fd12:3456::1",
                         "fec0::1",
                         "ff02::1",
                         "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1",
                         "::ffff:169.254.169.254",
                         "::ffff:0:192.168.0.1",
                         "::127.0.0.1",
                         "64:ff9b::a00:1",
                         "64:ff9b::7f00:1",
                         "64:ff9b:1::1",
                         "2002:a00:1::",
                         "2002:7f00:1::1",
                         "2001:db8::1",
                         "2001::1",
                         "100::1",
                         "fd00:ec2::254"}) {
    EXPECT_TRUE(BlockedV6(ip)) << ip;
  }
  for (const char* ip : {"2001:4860:4860::8888", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                         "64:ff9b::808:808", "2002:808:808::1", "2a00:1450:4001::1"}) {
    EXPECT_FALSE(BlockedV6(ip)) << ip;
  }
}

TEST(InputAddress, AllowPrivateKeepsMetadataBlocked) {
  EXPECT_FALSE(BlockedV4("127.0.0.1", true));
  EXPECT_FALSE(BlockedV4("10.1.2.3", true));
  EXPECT_FALSE(BlockedV6("::1", true));
  EXPECT_FALSE(BlockedV6("fd12::1", true));
  EXPECT_TRUE(BlockedV4("169.254.169.254", true));
  EXPECT_TRUE(BlockedV4("100.100.100.200", true));
  EXPECT_TRUE(BlockedV6("::ffff:169.254.169.254", true));
  EXPECT_TRUE(BlockedV6("fe80::1", true));
  EXPECT_TRUE(BlockedV6("fd00:ec2::254", true));
  EXPECT_FALSE(BlockedV4("8.8.8.8", true));
}

TEST(InputAddress, OtherFamiliesAndShortLengths) {
  sockaddr unix_addr{};
  unix_addr.sa_family = AF_UNIX;
  EXPECT_TRUE(IsBlockedAddress(&unix_addr, sizeof unix_addr, true));
  EXPECT_TRUE(IsBlockedAddress(nullptr, 0, true));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, "8.8.8.8", &a.sin_addr);
  EXPECT_TRUE(IsBlockedAddress(reinterpret_cast<const sockaddr*>(&a), 4, false));  // truncated
}

}  // namespace
}  // namespace ekyc::input
