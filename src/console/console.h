// The operator console (docs/console.md): a browser page served by `ekyc serve` at /console/.
// Its files (src/console/web: HTML, CSS, plain ES modules, no third-party code) are compiled into
// the binary at build time (embed.cmake), so it works offline and cannot drift from the server.
// The page holds no data of its own: every action is a /call/ request with the API key the
// operator types, which it keeps for the life of the tab only.
//
// Thread-safety: everything here is immutable after start-up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/api.h"

namespace ekyc::console {

// One compiled-in web file.
struct Asset {
  std::string_view path;  // relative to web/, e.g. "js/app.js"
  std::string_view body;
};

// Every web file, sorted by path (generated at build time).
const std::vector<Asset>& Assets();

// The Content-Security-Policy of every console file: scripts, styles and connections to this
// origin only, images also from data:/blob: (uploads and stored thumbnails), no framing.
const char* ContentSecurityPolicy();

// The console's files as api::StaticFile entries under `prefix` (index.html also at the prefix
// itself), with their content types and security headers.
std::vector<api::StaticFile> StaticFiles(const std::string& prefix = "/console/");

}  // namespace ekyc::console
