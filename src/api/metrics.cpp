#include "api/metrics.h"

#include <array>
#include <cstdio>

namespace ekyc::api {
namespace {

// Seconds; spans a health check (ms) to a slow video registration (tens of seconds).
constexpr std::array<double, 14> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                            1,     2.5,  5,     10,   20,  40,   80};

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

Metrics::Metrics(int workers) : workers_(workers) {}

void Metrics::Observe(Histogram& h, double seconds) {
  if (h.buckets.empty()) h.buckets.assign(kBounds.size(), 0);
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      ++h.buckets[i];
      break;
    }
  }
  h.sum += seconds;
  ++h.count;
}

void Metrics::RecordRequest(const std::string& route, int http_status, const std::string& code,
                            double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, http_status, code}];
  Observe(latency_[route], seconds);
}

void Metrics::RecordStage(const std::string& route, const std::string& stage, double seconds,
                          double cpu_seconds) {
  std::lock_guard lock(mu_);
  Observe(stages_[{route, stage}], seconds);
  if (cpu_seconds >= 0) stage_cpu_[{route, stage}] += cpu_seconds;
}

void Metrics::SetQueueDepth(int64_t depth) {
  std::lock_guard lock(mu_);
  queue_depth_ = depth;
}

void Metrics::WorkerBusy(bool busy) {
  std::lock_guard lock(mu_);
  busy_workers_ += busy ? 1 : -1;
}

void Metrics::AddWorkerBusySeconds(double seconds, double cpu_seconds) {
  std::lock_guard lock(mu_);
  busy_seconds_ += seconds;
  busy_cpu_seconds_ += cpu_seconds;
}

void Metrics::RecordRejected(const std::string& reason) {
  std::lock_guard lock(mu_);
  ++rejected_[reason];
}

void Metrics::Render(std::string& out, const std::string& name, const std::string& labels,
                     const Histogram& h) {
  uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += h.buckets.empty() ? 0 : h.buckets[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + Num(kBounds[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
  out += name + "_sum{" + labels + "} " + Num(h.sum) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(h.count) + "\n";
}

std::string Metrics::Text() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP ekyc_requests_total Requests answered, by route, HTTP status and envelope code.\n";
  out += "# TYPE ekyc_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, status, code] = key;
    out += "ekyc_requests_total{route=\"" + EscapeLabel(route) + "\",status=\"" +
           std::to_string(status) + "\",code=\"" + EscapeLabel(code) + "\"} " + std::to_string(n) +
           "\n";
  }
  out += "# HELP ekyc_errors_total Requests answered with an error code, by route and code.\n";
  out += "# TYPE ekyc_errors_total counter\n";
  std::map<std::pair<std::string, std::string>, uint64_t> errors;
  for (const auto& [key, n] : requests_) {
    const auto& [route, status, code] = key;
    if (!code.empty()) errors[{route, code}] += n;
  }
  for (const auto& [key, n] : errors) {
    out += "ekyc_errors_total{route=\"" + EscapeLabel(key.first) + "\",code=\"" +
           EscapeLabel(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP ekyc_request_duration_seconds Time from request arrival to response, by route.\n";
  out += "# TYPE ekyc_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    Render(out, "ekyc_request_duration_seconds", "route=\"" + EscapeLabel(route) + "\"", h);
  }
  out +=
      "# HELP ekyc_stage_duration_seconds Time spent in one stage of a handler, by route and "
      "stage.\n";
  out += "# TYPE ekyc_stage_duration_seconds histogram\n";
  for (const auto& [key, h] : stages_) {
    Render(out, "ekyc_stage_duration_seconds",
           "route=\"" + EscapeLabel(key.first) + "\",stage=\"" + EscapeLabel(key.second) + "\"", h);
  }
  // Wall time on a shared machine mostly measures waiting for a core; CPU time is the cost.
  out +=
      "# HELP ekyc_stage_cpu_seconds_total CPU time of the worker thread in one stage of a "
      "handler, by route and stage (work a stage hands to other threads is not included).\n";
  out += "# TYPE ekyc_stage_cpu_seconds_total counter\n";
  for (const auto& [key, cpu] : stage_cpu_) {
    out += "ekyc_stage_cpu_seconds_total{route=\"" + EscapeLabel(key.first) + "\",stage=\"" +
           EscapeLabel(key.second) + "\"} " + Num(cpu) + "\n";
  }
  out += "# HELP ekyc_rejected_total Requests refused before reaching a worker, by reason.\n";
  out += "# TYPE ekyc_rejected_total counter\n";
  for (const auto& [reason, n] : rejected_) {
    out +=
        "ekyc_rejected_total{reason=\"" + EscapeLabel(reason) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP ekyc_queue_depth Jobs waiting for an inference worker.\n";
  out += "# TYPE ekyc_queue_depth gauge\n";
  out += "ekyc_queue_depth " + std::to_string(queue_depth_) + "\n";
  out += "# HELP ekyc_workers Inference workers.\n# TYPE ekyc_workers gauge\n";
  out += "ekyc_workers " + std::to_string(workers_) + "\n";
  out +=
      "# HELP ekyc_workers_busy Inference workers running a job now.\n# TYPE ekyc_workers_busy "
      "gauge\n";
  out += "ekyc_workers_busy " + std::to_string(busy_workers_) + "\n";
  out +=
      "# HELP ekyc_worker_busy_seconds_total Worker time spent running jobs; utilisation = "
      "rate(ekyc_worker_busy_seconds_total) / ekyc_workers.\n";
  out += "# TYPE ekyc_worker_busy_seconds_total counter\n";
  out += "ekyc_worker_busy_seconds_total " + Num(busy_seconds_) + "\n";
  out +=
      "# HELP ekyc_worker_cpu_seconds_total CPU time of the worker threads while running jobs.\n";
  out += "# TYPE ekyc_worker_cpu_seconds_total counter\n";
  out += "ekyc_worker_cpu_seconds_total " + Num(busy_cpu_seconds_) + "\n";
  return out;
}

}  // namespace ekyc::api
