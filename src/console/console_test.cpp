// The compiled-in console: every file the page references is there, nothing is loaded from
// elsewhere (it must work offline), no inline script or style (the CSP forbids them), both
// languages label the same things, and the served entries carry the security headers.
#include "console/console.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

namespace ekyc::console {
namespace {

std::map<std::string, std::string> ByPath() {
  std::map<std::string, std::string> m;
  for (const Asset& a : Assets()) m[std::string(a.path)] = std::string(a.body);
  return m;
}

// "js/a.js" + "./b.js" -> "js/b.js"; "index.html" + "js/main.js" -> "js/main.js".
std::string Resolve(const std::string& from, std::string rel) {
  std::string dir = from.find('/') == std::string::npos ? "" : from.substr(0, from.rfind('/') + 1);
  if (rel.rfind("./", 0) == 0) rel = rel.substr(2);
  while (rel.rfind("../", 0) == 0) {
    rel = rel.substr(3);
    dir = dir.empty() ? "" : dir.substr(0, dir.rfind('/', dir.size() - 2) + 1);
  }
  return dir + rel;
}

TEST(Console, IndexAndModulesArePresent) {
  auto files = ByPath();
  ASSERT_TRUE(files.count("index.html"));
  ASSERT_TRUE(files.count("style.css"));
  ASSERT_TRUE(files.count("js/main.js"));
  for (const auto& [path, body] : files) EXPECT_FALSE(body.empty()) << path;
}

TEST(Console, EveryReferencedFileIsCompiledIn) {
  auto files = ByPath();
  const std::regex html_ref(R"re((?:src|href)="([^"#]+)")re");
  const std::regex js_import(R"re(\bfrom\s+'([^']+)'|\bimport\s+'([^']+)')re");
  int checked = 0;
  for (const auto& [path, body] : files) {
    if (path.ends_with(".html")) {
      for (std::sregex_iterator it(body.begin(), body.end(), html_ref), end; it != end; ++it) {
        EXPECT_TRUE(files.count(Resolve(path, (*it)[1].str()))) << path << " -> " << (*it)[1];
        ++checked;
      }
    }
    if (path.ends_with(".js")) {
      for (std::sregex_iterator it(body.begin(), body.end(), js_import), end; it != end; ++it) {
        std::string rel = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
        EXPECT_TRUE(rel.rfind("./", 0) == 0 || rel.rfind("../", 0) == 0)
            << path << " imports a bare module '" << rel << "' (no bundler, no CDN)";
        EXPECT_TRUE(files.count(Resolve(path, rel))) << path << " -> " << rel;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10);
}

TEST(Console, NothingIsLoadedFromElsewhereAndNoInlineCode) {
  for (auto [path, body] : ByPath()) {
    // An SVG namespace name is not a location.
    for (auto at = body.find("xmlns=\"http://www.w3.org/2000/svg\""); at != std::string::npos;
         at = body.find("xmlns=\"http://www.w3.org/2000/svg\"")) {
      body.erase(at, 34);
    }
    EXPECT_EQ(body.find("http://"), std::string::npos) << path;
    EXPECT_EQ(body.find("https://"), std::string::npos) << path;
    EXPECT_EQ(body.find("//cdn"), std::string::npos) << path;
    if (!path.ends_with(".html")) continue;
    // Every <script> has a src; no inline event handlers or style attributes.
    std::regex script(R"(<script\b([^>]*)>)");
    for (std::sregex_iterator it(body.begin(), body.end(), script), end; it != end; ++it) {
      EXPECT_NE((*it)[1].str().find("src="), std::string::npos) << "inline <script> in " << path;
    }
    EXPECT_FALSE(std::regex_search(body, std::regex(R"(\son[a-z]+\s*=)"))) << path;
    EXPECT_FALSE(std::regex_search(body, std::regex(R"(\sstyle\s*=)"))) << path;
    EXPECT_EQ(body.find("<style"), std::string::npos) << path;
  }
}

TEST(Console, TheKeyIsNeverPutInStorage) {
  // api.js holds the key in a variable; no file may write it to web storage or cookies.
  for (const auto& [path, body] : ByPath()) {
    if (!path.ends_with(".js")) continue;
    EXPECT_EQ(body.find("sessionStorage."), std::string::npos) << path;
    EXPECT_EQ(body.find("document.cookie"), std::string::npos) << path;
    EXPECT_EQ(body.find("indexedDB."), std::string::npos) << path;
    if (path != "js/i18n.js") {
      EXPECT_EQ(body.find("localStorage."), std::string::npos) << path << " (only the language)";
    }
  }
}

TEST(Console, BothLanguagesHaveTheSameKeys) {
  auto files = ByPath();
  const std::string& js = files.at("js/i18n.js");
  auto vi_at = js.find("\n  vi: {");
  auto en_at = js.find("\n  en: {");
  auto end_at = js.find("\n};", en_at);
  ASSERT_NE(vi_at, std::string::npos);
  ASSERT_NE(en_at, std::string::npos);
  ASSERT_NE(end_at, std::string::npos);
  auto keys = [](const std::string& block) {
    std::set<std::string> out;
    std::regex key(R"(\n\s+'([a-z_0-9.]+)':)");
    for (std::sregex_iterator it(block.begin(), block.end(), key), end; it != end; ++it)
      out.insert((*it)[1]);
    return out;
  };
  auto vi = keys(js.substr(vi_at, en_at - vi_at));
  auto en = keys(js.substr(en_at, end_at - en_at));
  EXPECT_GT(vi.size(), 100U);
  EXPECT_EQ(vi, en);
  // Every key the HTML names exists.
  const std::string& html = files.at("index.html");
  std::regex ref(R"re(data-i18n="([a-z_.]+)")re");
  for (std::sregex_iterator it(html.begin(), html.end(), ref), end; it != end; ++it)
    EXPECT_TRUE(en.count((*it)[1])) << (*it)[1];
}

TEST(Console, StaticFilesCarryTheSecurityHeaders) {
  auto files = StaticFiles("/console/");
  std::set<std::string> paths;
  for (const auto& f : files) {
    paths.insert(f.path);
    std::map<std::string, std::string> h(f.headers.begin(), f.headers.end());
    EXPECT_EQ(h["X-Content-Type-Options"], "nosniff") << f.path;
    EXPECT_EQ(h["X-Frame-Options"], "DENY") << f.path;
    const std::string& csp = h["Content-Security-Policy"];
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
    EXPECT_FALSE(f.content_type.empty());
  }
  EXPECT_TRUE(paths.count("/console/"));
  EXPECT_TRUE(paths.count("/console/index.html"));
  EXPECT_TRUE(paths.count("/console/js/main.js"));
  for (const auto& f : files) {
    if (f.path.ends_with(".js")) {
      EXPECT_EQ(f.content_type, "text/javascript; charset=utf-8");
    }
    if (f.path == "/console/") {
      EXPECT_EQ(f.content_type, "text/html; charset=utf-8");
    }
  }
}

}  // namespace
}  // namespace ekyc::console
