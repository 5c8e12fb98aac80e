// Serving ServerOptions::static_files (api.h): the file itself with its headers and an ETag,
// 304 to a matching If-None-Match, and for a directory-like path ("/console/") a redirect from
// its form without the slash, so that the page's relative links resolve under it.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "api/api.h"

namespace ekyc::api {

// Fills the response (status, body, headers); metrics and logging are the caller's.
using StaticHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

// (httplib path pattern, handler) pairs that serve `file`. The handlers copy what they need.
std::vector<std::pair<std::string, StaticHandler>> StaticRoutes(const StaticFile& file);

}  // namespace ekyc::api
