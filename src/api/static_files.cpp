#include "api/static_files.h"

#include <cstdint>
#include <cstdio>

namespace ekyc::api {
namespace {

// httplib matches paths as regular expressions; a file path is literal.
std::string EscapeRegex(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (std::string_view(R"(\^$.|?*+()[]{})").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A strong validator for the compiled-in bytes: FNV-1a 64 of the body. Not a security measure,
// only so a browser revalidating an unchanged file gets 304 instead of the body again.
std::string ETagOf(std::string_view body) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::vector<std::pair<std::string, StaticHandler>> StaticRoutes(const StaticFile& file) {
  std::vector<std::pair<std::string, StaticHandler>> out;
  const std::string etag = ETagOf(file.body);
  out.emplace_back(EscapeRegex(file.path),
                   [file, etag](const httplib::Request& req, httplib::Response& res) {
                     for (const auto& [name, value] : file.headers) res.set_header(name, value);
                     res.set_header("ETag", etag);
                     // Revalidate every time: a new server version must not run with an old cached
                     // script.
                     res.set_header("Cache-Control", "no-cache");
                     if (req.get_header_value("If-None-Match") == etag) {
                       res.status = 304;
                       return;
                     }
                     res.status = 200;
                     res.set_content(file.body.data(), file.body.size(), file.content_type.c_str());
                   });
  if (file.path.size() > 1 && file.path.back() == '/') {
    const std::string bare = file.path.substr(0, file.path.size() - 1);
    const std::string target = file.path;
    out.emplace_back(EscapeRegex(bare), [target](const httplib::Request&, httplib::Response& res) {
      res.status = 308;
      res.set_header("Location", target);
      res.set_header("Cache-Control", "no-cache");
    });
  }
  return out;
}

}  // namespace ekyc::api
