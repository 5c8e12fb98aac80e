#include "api/api.h"

namespace ekyc::api {

const std::string* Request::Find(std::string_view name) const {
  if (auto it = files.find(std::string(name)); it != files.end()) return &it->second.content;
  if (auto it = fields.find(std::string(name)); it != fields.end()) return &it->second;
  return nullptr;
}

const std::vector<std::string>& VendorRouteNames() {
  static const std::vector<std::string> kNames = {"register_ekyc_front_back_face",
                                                  "register_ekyc_front_back_face_video",
                                                  "register_user_face",
                                                  "check_match_image_card_image_general",
                                                  "verify_user_face",
                                                  "register_user_face_third_party",
                                                  "search_face",
                                                  "get_all_face_of_user",
                                                  "delete_user_face",
                                                  "predict"};
  return kNames;
}

RouteTable RouteTable::WithVendorRoutes() {
  RouteTable t;
  for (const auto& n : VendorRouteNames()) t.Declare(n);
  return t;
}

void RouteTable::Set(const std::string& name, Handler handler) {
  routes_[name] = std::move(handler);
}

void RouteTable::Declare(const std::string& name) {
  routes_.try_emplace(name);
}

const Handler* RouteTable::Find(const std::string& name) const {
  auto it = routes_.find(name);
  if (it == routes_.end() || !it->second) return nullptr;
  return &it->second;
}

std::vector<std::string> RouteTable::Names() const {
  std::vector<std::string> out;
  for (const auto& [n, h] : routes_) out.push_back(n);
  return out;
}

}  // namespace ekyc::api
