// A fixed pool of inference workers with a bounded queue (admission control).
//
// HTTP threads call Submit(); when `queue` jobs are already waiting the job is refused at once, so
// an overloaded server answers 503 quickly instead of letting requests time out. Each worker owns
// one WorkerContext, built on its own thread by the WorkerInit functions.
//
// Thread-safety: Submit/queue_depth are safe from any thread; Start/Shutdown from one thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/api.h"
#include "api/metrics.h"

namespace ekyc::api {

class WorkerPool {
 public:
  // A job runs on a worker with that worker's context. `cancelled` is true when the pool shuts
  // down before the job started (the job must then only release its waiter).
  using Job = std::function<void(WorkerContext& ctx, bool cancelled)>;

  WorkerPool(int workers, int queue, Metrics* metrics);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts the threads and runs `inits` on each; fails (and stops) if any init fails.
  Status Start(const std::vector<WorkerInit>& inits);
  // false: queue full (or shutting down); the job was not taken.
  bool Submit(Job job);
  void Shutdown();
  int64_t queue_depth() const;
  int workers() const { return workers_; }

 private:
  void Run(int index, const std::vector<WorkerInit>* inits);

  int workers_;
  size_t capacity_;
  Metrics* metrics_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable init_cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  int inits_done_ = 0;
  Status init_status_;
  std::vector<std::thread> threads_;
};

}  // namespace ekyc::api
