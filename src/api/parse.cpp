#include "api/parse.h"

#include <algorithm>
#include <cctype>

#include "api/errors.h"

namespace ekyc::api {
namespace {

Status Malformed(const std::string& message) {
  return InvalidArgument(kReasonMalformed, message);
}

}  // namespace

std::string MediaType(const std::string& content_type) {
  std::string m = content_type.substr(0, content_type.find(';'));
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  m.erase(m.begin(), std::find_if(m.begin(), m.end(), not_space));
  m.erase(std::find_if(m.rbegin(), m.rend(), not_space).base(), m.end());
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  return m;
}

bool SupportedMediaType(const std::string& media_type) {
  return media_type == "multipart/form-data" || media_type == "application/json";
}

Status ParseBody(const httplib::Request& req, Request& out) {
  std::string media = MediaType(req.get_header_value("Content-Type"));
  if (media == "multipart/form-data") {
    if (!req.is_multipart_form_data())
      return Malformed("multipart/form-data body without a boundary");
    for (const auto& [name, part] : req.files) {
      if (name.empty()) return Malformed("a multipart part has no name");
      if (out.fields.count(name) != 0 || out.files.count(name) != 0) {
        return Malformed("field '" + name + "' is given more than once");
      }
      if (part.filename.empty()) {
        out.fields.emplace(name, part.content);
      } else {
        out.files.emplace(name, UploadedFile{part.content, part.filename, part.content_type});
      }
    }
    return Status::Ok();
  }
  if (media == "application/json") {
    nlohmann::json j = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Malformed("request body is not valid JSON");
    if (!j.is_object()) return Malformed("JSON request body must be an object of named fields");
    for (auto& [name, value] : j.items()) {
      if (value.is_null()) continue;
      out.fields.emplace(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
    return Status::Ok();
  }
  return Status(
      StatusCode::kUnsupported, kReasonUnsupportedMedia,
      "Content-Type '" + media + "' is not supported; use multipart/form-data or application/json");
}

}  // namespace ekyc::api
