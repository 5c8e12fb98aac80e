// Selfie-video liveness speed on the production path: input::DecodeVideo (sniff, limits, FFmpeg
// decode, sampling) then LivenessChecker::CheckVideo, as the video route runs them.
//
// Reports per run: wall time and process CPU time (all threads) of each stage. On the shared,
// overloaded machine wall time mostly measures the queue for a core; CPU time is the steadier
// figure. check_main_cpu_ms is this thread's share of the check; the rest (check_cpu_ms minus it)
// ran on the checker's helper thread, so on an idle 2-core machine the check's wall time is about
// the larger of the two.
//
// Usage: live_bench VIDEO [--runs 5] [--model-dir DIR] [--threads 2]

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "core/cpu_time.h"
#include "input/input.h"
#include "live/live.h"

namespace {

using Clock = std::chrono::steady_clock;
using ekyc::ProcessCpuMs;
using ekyc::ThreadCpuMs;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: live_bench VIDEO [--runs N] [--model-dir DIR] [--threads 1|2]\n");
    return 2;
  }
  const std::string path = argv[1];
  int runs = 5;
  ekyc::live::LivenessOptions opt;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0)
      runs = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--model-dir") == 0)
      opt.model_dir = argv[i + 1];
    else if (std::strcmp(argv[i], "--threads") == 0)
      opt.threads = std::atoi(argv[i + 1]);
  }
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto checker = ekyc::live::LivenessChecker::Create(opt);
  if (!checker.ok()) {
    std::fprintf(stderr, "%s\n", checker.status().ToString().c_str());
    return 2;
  }
  const ekyc::input::VideoPolicy policy;
  std::printf(
      "run decode_wall_ms decode_cpu_ms check_wall_ms check_cpu_ms check_main_cpu_ms total_wall_ms "
      "live score\n");
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    const double c0 = ProcessCpuMs();
    auto clip = ekyc::input::DecodeVideo(bytes, policy);
    const auto t1 = Clock::now();
    const double c1 = ProcessCpuMs();
    if (!clip.ok()) {
      std::fprintf(stderr, "%s\n", clip.status().ToString().c_str());
      return 1;
    }
    const double m1 = ThreadCpuMs();
    const double fps = clip->duration_s > 0 ? clip->frames.size() / clip->duration_s : clip->fps;
    auto res = (*checker)->CheckVideo(clip->frames, fps);
    const auto t2 = Clock::now();
    const double c2 = ProcessCpuMs();
    const double m2 = ThreadCpuMs();
    if (!res.ok()) {
      std::fprintf(stderr, "%s\n", res.status().ToString().c_str());
      return 1;
    }
    std::printf("%d %.0f %.0f %.0f %.0f %.0f %.0f %d %.3f\n", r, Ms(t0, t1), c1 - c0, Ms(t1, t2),
                c2 - c1, m2 - m1, Ms(t0, t2), res->live ? 1 : 0, res->score);
  }
  return 0;
}
