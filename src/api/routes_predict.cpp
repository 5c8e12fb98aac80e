// predict: read one or both sides of an ID card (image_card1 / image, image_card2).
#include "api/routes_common.h"

namespace ekyc::api {
namespace {

using nlohmann::json;
using namespace routes;

Result<json> Predict(const Capabilities& caps, const Request& r, WorkerContext& ctx) {
  EKYC_RETURN_IF_ERROR(Doc(ctx, caps).status());
  EKYC_ASSIGN_OR_RETURN(bool check_rotate, BoolField(r, "check_rotate", true));
  std::vector<std::string> names;
  if (r.Has("image_card1"))
    names.push_back("image_card1");
  else if (r.Has("image"))
    names.push_back("image");
  if (r.Has("image_card2")) names.push_back("image_card2");
  if (names.empty()) {
    return InvalidArgument("field.missing",
                           "image_card1 (or image) and/or image_card2 is required");
  }
  std::vector<input::Image> images;
  for (const auto& n : names) {
    EKYC_ASSIGN_OR_RETURN(input::Image img, ImageField(r, n, caps, ctx));
    images.push_back(std::move(img));
  }
  json output = json::array();
  for (size_t i = 0; i < names.size(); ++i) {
    auto side = ReadSide(ctx, caps, images[i].bgr, check_rotate);
    if (!side.ok()) return side.status().WithContext(names[i]);
    output.push_back(SideJson(*side, caps));
  }
  return output;
}

}  // namespace

void InstallPredictRoutes(RouteTable& routes, std::shared_ptr<const Capabilities> caps) {
  routes.Set("predict",
             [caps](const Request& r, WorkerContext& ctx) { return Predict(*caps, r, ctx); });
}

}  // namespace ekyc::api
