// Turns an httplib request body (multipart/form-data or application/json) into api::Request fields.
//
// Thread-safety: free functions over values.
#pragma once

#include <httplib.h>

#include <string>

#include "api/api.h"

namespace ekyc::api {

// "multipart/form-data", "application/json", ... (lower case, parameters stripped).
std::string MediaType(const std::string& content_type);
bool SupportedMediaType(const std::string& media_type);

// Fills out.fields / out.files; errors carry reason request.malformed.
Status ParseBody(const httplib::Request& req, Request& out);

}  // namespace ekyc::api
