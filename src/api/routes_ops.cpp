// Operator routes outside the vendor's ten: `server_info` (version, capabilities, models with their
// sha256, face database counts) and `audit_events` (the newest audit-log entries without user or
// face ids). The console's Operations page uses them; any monitoring client may. They sit behind
// the same x-api-key as every /call/ route and return no personal data.
#include <limits>

#include "api/routes_common.h"

namespace ekyc::api {
namespace {

using nlohmann::json;
using namespace routes;

constexpr int kDefaultAuditEvents = 50;
constexpr int kMaxAuditEvents = 500;

json Capability(const std::string& name, const Status& s) {
  return {{"name", name}, {"available", s.ok()}, {"message", s.ok() ? "" : s.message()}};
}

Result<json> ServerInfoOutput(const Capabilities& caps, const OpsInfo& info, const Request& r,
                              WorkerContext& ctx) {
  json out = {{"version", info.version},
              {"api_version", info.api_version},
              {"api_key_name", r.api_key_name}};
  json capabilities = json::array();
  capabilities.push_back(Capability("face", Face(ctx, caps).status()));
  capabilities.push_back(Capability("doc", Doc(ctx, caps).status()));
  capabilities.push_back(Capability("live", Live(ctx, caps).status()));
  capabilities.push_back(Capability(
      "vn", caps.normalizer ? Status::Ok() : NotAvailable("normalization", caps.vn_error)));
  capabilities.push_back(Capability("store", Store(caps).status()));
  out["capabilities"] = capabilities;

  json models = json::array();
  if (caps.models) {
    for (const std::string& id : caps.models->Ids()) {
      auto m = caps.models->Info(id);
      if (!m.ok()) continue;
      models.push_back(
          {{"id", m->id}, {"version", m->version}, {"file", m->file}, {"sha256", m->sha256}});
    }
  }
  out["models"] = models;
  out["models_error"] = caps.models_error;
  out["face_model"] = caps.face_model_id;

  if (caps.store) {
    auto st = caps.store->Stats();
    if (!st.ok()) return st.status();
    json collections = json::array();
    for (const auto& [name, n] : st->indexed_per_collection)
      collections.push_back({{"name", name}, {"faces", n}});
    out["store"] = {{"backend", st->backend},
                    {"active_model", st->active_model},
                    {"users", st->users},
                    {"faces", st->faces},
                    {"fingerprints", st->fingerprints},
                    {"audit_rows", st->audit_rows},
                    {"collections", collections}};
  } else {
    out["store"] = nullptr;
  }
  return out;
}

Result<json> AuditEventsOutput(const Capabilities& caps, const Request& r) {
  EKYC_ASSIGN_OR_RETURN(int limit, IntField(r, "limit", kDefaultAuditEvents, 1, kMaxAuditEvents));
  EKYC_ASSIGN_OR_RETURN(int before,
                        IntField(r, "before_id", 0, 0, std::numeric_limits<int>::max()));
  EKYC_ASSIGN_OR_RETURN(store::FaceStore * store, Store(caps));
  EKYC_ASSIGN_OR_RETURN(auto events, store->RecentAudit(limit, before));
  json list = json::array();
  for (const auto& e : events) {
    list.push_back({{"id", e.id},
                    {"time", e.at},
                    {"actor", e.actor},
                    {"operation", e.operation},
                    {"collection", e.collection},
                    {"outcome", e.outcome},
                    {"items", e.items}});
  }
  return json{{"events", list}, {"limit", limit}};
}

}  // namespace

void InstallOpsRoutes(RouteTable& routes, const std::shared_ptr<const Capabilities>& caps,
                      const OpsInfo& info) {
  routes.Set("server_info", [caps, info](const Request& r, WorkerContext& ctx) {
    return ServerInfoOutput(*caps, info, r, ctx);
  });
  routes.Set("audit_events",
             [caps](const Request& r, WorkerContext&) { return AuditEventsOutput(*caps, r); });
}

const std::vector<std::string>& OpsRouteNames() {
  static const std::vector<std::string> kNames = {"server_info", "audit_events"};
  return kNames;
}

}  // namespace ekyc::api
