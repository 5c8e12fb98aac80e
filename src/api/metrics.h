// Prometheus text-format metrics for the server: requests per route/status/code, latency histograms
// per route, per-stage histograms recorded by handlers, queue depth and worker utilisation.
//
// Thread-safety: all methods are safe to call concurrently (one internal mutex; the hot path does
// a few map lookups under it).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace ekyc::api {

class Metrics {
 public:
  explicit Metrics(int workers);

  void RecordRequest(const std::string& route, int http_status, const std::string& code,
                     double seconds);
  // `cpu_seconds` < 0: not measured (only the duration is recorded).
  void RecordStage(const std::string& route, const std::string& stage, double seconds,
                   double cpu_seconds = -1);
  void SetQueueDepth(int64_t depth);
  void WorkerBusy(bool busy);
  void AddWorkerBusySeconds(double seconds, double cpu_seconds = 0);
  void RecordRejected(const std::string& reason);

  std::string Text() const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative at render time; stored per bucket
    double sum = 0;
    uint64_t count = 0;
  };
  void Observe(Histogram& h, double seconds);
  static void Render(std::string& out, const std::string& name, const std::string& labels,
                     const Histogram& h);

  mutable std::mutex mu_;
  int workers_;
  std::map<std::tuple<std::string, int, std::string>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::pair<std::string, std::string>, Histogram> stages_;
  std::map<std::pair<std::string, std::string>, double> stage_cpu_;
  std::map<std::string, uint64_t> rejected_;
  int64_t queue_depth_ = 0;
  int busy_workers_ = 0;
  double busy_seconds_ = 0;
  double busy_cpu_seconds_ = 0;
};

// Prometheus label value escaping (backslash, quote, newline).
std::string EscapeLabel(const std::string& v);

}  // namespace ekyc::api
