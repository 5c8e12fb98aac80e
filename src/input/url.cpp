// http(s) fetching with libcurl, guarded against SSRF.
//
// The address check runs in CURLOPT_OPENSOCKETFUNCTION, i.e. on the exact address libcurl is
// about to connect to, for every connection (each resolved address, each redirect hop). Checking
// the host name or a separate DNS lookup instead would be bypassed by DNS rebinding.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>

#include "input/input.h"
#include "input/internal.h"

namespace ekyc::input {
namespace {

constexpr size_t kMaxUrlLength = 8192;

// kPrivate is refused unless the deployment allows private URLs; kAlwaysBlocked (link-local,
// where cloud metadata services live) is refused even then: no image is ever hosted there.
enum class AddrClass { kPublic, kPrivate, kAlwaysBlocked };

AddrClass ClassifyV4(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) {
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0xA9FE0000, 16)   // 169.254/16 link-local, incl. 169.254.169.254 metadata
      || a == 0x646464C8)  // 100.100.100.200 Alibaba Cloud metadata
    return AddrClass::kAlwaysBlocked;
  const bool priv = in(0x00000000, 8)      // "this network", 0.0.0.0 (connects to localhost)
                    || in(0x0A000000, 8)   // 10/8 private
                    || in(0x64400000, 10)  // 100.64/10 carrier-grade NAT
                    || in(0x7F000000, 8)   // loopback
                    || in(0xAC100000, 12)  // 172.16/12 private
                    || in(0xC0000000, 24)  // 192.0.0/24 IETF protocol assignments
                    || in(0xC0000200, 24)  // TEST-NET-1
                    || in(0xC0586300, 24)  // 6to4 relay anycast
                    || in(0xC0A80000, 16)  // 192.168/16 private
                    || in(0xC6120000, 15)  // 198.18/15 benchmarking
                    || in(0xC6336400, 24)  // TEST-NET-2
                    || in(0xCB007100, 24)  // TEST-NET-3
                    || in(0xE0000000, 4)   // multicast
                    || in(0xF0000000, 4);  // reserved, incl. 255.255.255.255 broadcast
  return priv ? AddrClass::kPrivate : AddrClass::kPublic;
}

uint32_t V4At(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

AddrClass ClassifyV6(const uint8_t* b) {
  static constexpr std::array<uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr std::array<uint8_t, 12> kTranslated = {0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0};
  static constexpr std::array<uint8_t, 12> kNat64 = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  static constexpr std::array<uint8_t, 16> kAwsMetadata = {
      0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
  constexpr auto kPriv = AddrClass::kPrivate;
  if (std::memcmp(b, kMapped.data(), 12) == 0) return ClassifyV4(V4At(b + 12));      // ::ffff:v4
  if (std::memcmp(b, kTranslated.data(), 12) == 0) return ClassifyV4(V4At(b + 12));  // ::ffff:0:v4
  if (std::memcmp(b, kNat64.data(), 12) == 0) return ClassifyV4(V4At(b + 12));       // 64:ff9b::/96
  if (std::memcmp(b, kAwsMetadata.data(), 16) == 0) return AddrClass::kAlwaysBlocked;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddrClass::kAlwaysBlocked;  // fe80::/10
  bool first12_zero = true;
  for (int i = 0; i < 12; ++i) first12_zero = first12_zero && b[i] == 0;
  if (first12_zero) {
    const uint32_t v4 = V4At(b + 12);
    // ::, ::1, and the deprecated IPv4-compatible ::a.b.c.d (never legitimately used).
    return v4 > 1 && ClassifyV4(v4) == AddrClass::kAlwaysBlocked ? AddrClass::kAlwaysBlocked
                                                                 : kPriv;
  }
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0x00 && b[5] == 0x01)
    return kPriv;  // 64:ff9b:1::/48 local NAT64
  if (b[0] == 0x01 && b[1] == 0x00 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 &&
      b[6] == 0 && b[7] == 0)
    return kPriv;  // 100::/64 discard
  if (b[0] == 0x20 && b[1] == 0x01) {
    if (b[2] == 0x00 && b[3] == 0x00) return kPriv;           // 2001::/32 Teredo
    if (b[2] == 0x0D && b[3] == 0xB8) return kPriv;           // 2001:db8::/32 documentation
    if (b[2] == 0x00 && (b[3] & 0xF0) == 0x10) return kPriv;  // 2001:10::/28 ORCHID
    if (b[2] == 0x00 && b[3] == 0x02 && b[4] == 0 && b[5] == 0) return kPriv;  // 2001:2::/48
  }
  if (b[0] == 0x20 && b[1] == 0x02) return ClassifyV4(V4At(b + 2));  // 2002::/16 6to4
  if ((b[0] & 0xFE) == 0xFC) return kPriv;                           // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return kPriv;           // fec0::/10 site-local
  if (b[0] == 0xFF) return kPriv;                                    // multicast
  return AddrClass::kPublic;
}

std::string AddressText(const sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, buf, sizeof buf);
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

// curl_global_init is process-wide by libcurl's design (it sets up TLS and socket libraries
// once per process); call_once makes the first concurrent callers wait for it to finish.
bool EnsureCurlInitialised() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ok;
}

struct Transfer {
  std::string body;
  int64_t max_bytes = 0;
  bool allow_private = false;
  bool too_large = false;
  bool blocked = false;
  std::string blocked_address;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (static_cast<int64_t>(t->body.size() + n) > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (IsBlockedAddress(&address->addr, address->addrlen, t->allow_private)) {
    t->blocked = true;
    t->blocked_address = AddressText(&address->addr);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

Status UrlError(StatusCode code, const char* reason, const std::string& message) {
  return {code, reason, message};
}

std::string SchemeOf(std::string_view url) {
  const size_t colon = url.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(url.substr(0, colon));
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool IsBlockedAddress(const sockaddr* addr, socklen_t len, bool allow_private) {
  if (addr == nullptr) return true;
  AddrClass cls = AddrClass::kAlwaysBlocked;  // unix sockets and anything unknown
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    cls = ClassifyV4(ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr));
  } else if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    cls = ClassifyV6(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr.s6_addr);
  }
  if (cls == AddrClass::kPublic) return false;
  return cls == AddrClass::kAlwaysBlocked || !allow_private;
}

Result<std::string> FetchUrl(std::string_view url, const InputPolicy& policy) {
  if (!StartsWithNoCase(url, "http://") && !StartsWithNoCase(url, "https://")) {
    return InvalidArgument("url.bad_scheme",
                           "Only http:// and https:// image URLs are accepted (got '" +
                               SchemeOf(url).substr(0, 20) +
                               "'): use an http(s) URL or send the image itself");
  }
  if (url.size() > kMaxUrlLength) {
    return InvalidArgument("url.invalid", "The image URL is longer than " +
                                              std::to_string(kMaxUrlLength) +
                                              " characters: use a shorter URL");
  }
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return InvalidArgument("url.invalid",
                             "The image URL contains spaces or control characters: "
                             "percent-encode them (e.g. %20)");
    }
  }
  if (!EnsureCurlInitialised()) {
    return Internal("input.internal", "The HTTP client library could not be initialised");
  }
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("input.internal", "The HTTP client could not be created");

  Transfer t;
  t.max_bytes = policy.max_bytes;
  t.allow_private = policy.allow_private_urls;
  const std::string url_str(url);
  CURL* c = curl.get();
  const long timeout_ms = std::max(1, policy.url_timeout_ms);
  const long connect_ms =
      std::max(1, std::min(policy.url_connect_timeout_ms, policy.url_timeout_ms));
  bool set_ok = true;
  auto set = [&set_ok](CURLcode rc) { set_ok = set_ok && rc == CURLE_OK; };
  set(curl_easy_setopt(c, CURLOPT_URL, url_str.c_str()));
  set(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L));
  set(curl_easy_setopt(c, CURLOPT_MAXREDIRS, static_cast<long>(std::max(0, policy.max_redirects))));
  set(curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms));
  set(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms));
  set(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L));  // no SIGALRM: required for threads
  set(curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L));
  set(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(policy.max_bytes)));
  // Environment proxies would make the address check see the proxy, not the target.
  set(curl_easy_setopt(c, CURLOPT_NOPROXY, "*"));
  set(curl_easy_setopt(c, CURLOPT_USERAGENT, "ekyc-input/1"));
  set(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnWrite));
  set(curl_easy_setopt(c, CURLOPT_WRITEDATA, &t));
  set(curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OnOpenSocket));
  set(curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t));
  if (!set_ok) return Internal("input.internal", "The HTTP client rejected its configuration");

  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  const std::string limit = internal::HumanBytes(policy.max_bytes);
  // With several resolved addresses a refused one may be followed by a good one, so "blocked"
  // only explains a failure to connect, never a successful transfer.
  const bool connect_failed = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                              rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR;
  if (t.blocked && connect_failed) {
    return UrlError(StatusCode::kPermissionDenied, "url.blocked_address",
                    "The image URL leads to a private, loopback or link-local address (" +
                        t.blocked_address +
                        "), which this server does not fetch from: use a public URL or send the "
                        "image itself");
  }
  if ((t.too_large && rc == CURLE_WRITE_ERROR) || rc == CURLE_FILESIZE_EXCEEDED) {
    return ResourceExhausted("url.too_large", "The image at the URL is larger than the " + limit +
                                                  " limit: link to (or send) a JPEG or PNG under " +
                                                  limit);
  }
  switch (rc) {
    case CURLE_OK:
      break;
    // A link that does not lead to an image is the request's problem (a 4xx for the client),
    // whatever the reason: this server retrying would not help, so it never answers 503 for it.
    case CURLE_HTTP_RETURNED_ERROR:
      return UrlError(StatusCode::kInvalidArgument, "url.http_error",
                      "The image URL answered with HTTP status " + std::to_string(status) +
                          (status >= 500 ? ": the server there failed; try again later or send "
                                           "the image itself"
                                         : ": check that the link is correct and public"));
    case CURLE_OPERATION_TIMEDOUT:
      return UrlError(StatusCode::kDeadlineExceeded, "url.timeout",
                      "Downloading the image URL took longer than " +
                          std::to_string(policy.url_timeout_ms) +
                          " ms: use a faster host or send the image itself");
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument("url.bad_scheme",
                             "The image URL (or a redirect from it) uses a scheme other than http "
                             "or https: use a direct http(s) link");
    case CURLE_URL_MALFORMAT:
      return InvalidArgument("url.invalid", "The image URL is malformed: check the link");
    case CURLE_TOO_MANY_REDIRECTS:
      return InvalidArgument("url.too_many_redirects",
                             "The image URL redirects more than " +
                                 std::to_string(policy.max_redirects) +
                                 " times: use the final, direct link to the image");
    case CURLE_COULDNT_RESOLVE_HOST:
      return UrlError(StatusCode::kInvalidArgument, "url.host_not_found",
                      "The image URL's host name could not be resolved: check the link");
    default:
      return UrlError(StatusCode::kInvalidArgument, "url.unreachable",
                      std::string("The image URL could not be downloaded (") +
                          curl_easy_strerror(rc) + "): check the link or send the image itself");
  }
  if (status < 200 || status >= 300) {
    return UrlError(StatusCode::kInvalidArgument, "url.http_error",
                    "The image URL answered with HTTP status " + std::to_string(status) +
                        " instead of the image: use a direct link to the image file");
  }
  return std::move(t.body);
}

}  // namespace ekyc::input
