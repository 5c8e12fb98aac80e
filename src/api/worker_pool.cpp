#include "api/worker_pool.h"

#include <chrono>

namespace ekyc::api {

void WorkerContext::RecordStage(std::string_view stage, double seconds, double cpu_seconds) {
  if (metrics_ != nullptr)
    metrics_->RecordStage(current_route_, std::string(stage), seconds, cpu_seconds);
}

WorkerPool::WorkerPool(int workers, int queue, Metrics* metrics)
    : workers_(workers < 1 ? 1 : workers), capacity_(queue < 0 ? 0 : queue), metrics_(metrics) {}

WorkerPool::~WorkerPool() {
  Shutdown();
}

Status WorkerPool::Start(const std::vector<WorkerInit>& inits) {
  for (int i = 0; i < workers_; ++i) threads_.emplace_back(&WorkerPool::Run, this, i, &inits);
  Status result;
  {
    std::unique_lock lock(mu_);
    init_cv_.wait(lock, [&] { return inits_done_ == workers_; });
    result = init_status_;
  }
  if (!result.ok()) Shutdown();
  return result;
}

bool WorkerPool::Submit(Job job) {
  std::lock_guard lock(mu_);
  // capacity_ counts waiting jobs only; idle workers take jobs immediately, so a job waits only
  // when every worker is busy.
  if (stopping_ || jobs_.size() >= capacity_) return false;
  jobs_.push_back(std::move(job));
  if (metrics_ != nullptr) metrics_->SetQueueDepth(static_cast<int64_t>(jobs_.size()));
  cv_.notify_one();
  return true;
}

int64_t WorkerPool::queue_depth() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(jobs_.size());
}

void WorkerPool::Shutdown() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(jobs_);
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  // Release anyone still waiting on a job that never ran.
  for (auto& job : left) {
    WorkerContext dummy(-1, nullptr);
    job(dummy, true);
  }
}

void WorkerPool::Run(int index, const std::vector<WorkerInit>* inits) {
  WorkerContext ctx(index, metrics_);
  Status st;
  for (const auto& init : *inits) {
    st = init(ctx);
    if (!st.ok()) break;
  }
  {
    std::lock_guard lock(mu_);
    if (!st.ok() && init_status_.ok())
      init_status_ = st.WithContext("worker " + std::to_string(index));
    ++inits_done_;
  }
  init_cv_.notify_all();
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
      if (metrics_ != nullptr) metrics_->SetQueueDepth(static_cast<int64_t>(jobs_.size()));
    }
    if (metrics_ != nullptr) metrics_->WorkerBusy(true);
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadCpuSeconds();
    job(ctx, false);
    if (metrics_ != nullptr) {
      metrics_->AddWorkerBusySeconds(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          ThreadCpuSeconds() - cpu_start);
      metrics_->WorkerBusy(false);
    }
  }
}

}  // namespace ekyc::api
