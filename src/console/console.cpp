#include "console/console.h"

namespace ekyc::console {
namespace {

std::string ContentType(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

const char* ContentSecurityPolicy() {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
         "media-src 'self' blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
         "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

std::vector<api::StaticFile> StaticFiles(const std::string& prefix) {
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy", ContentSecurityPolicy()},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},  // for browsers without frame-ancestors
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      // Not camera: phones open it for <input capture>, the page's photo/video capture.
      {"Permissions-Policy", "geolocation=(), payment=(), usb=(), serial=()"},
  };
  std::vector<api::StaticFile> out;
  for (const Asset& a : Assets()) {
    api::StaticFile f{prefix + std::string(a.path), ContentType(a.path), a.body, headers};
    if (a.path == "index.html") {
      out.push_back(f);
      f.path = prefix;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace ekyc::console
