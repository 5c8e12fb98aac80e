// CPU time of the calling thread or of the process. Benchmarks and stage metrics report it next to
// wall time: on a shared machine wall time mostly measures waiting for a core. Thread-safe.
#pragma once

#include <time.h>

namespace ekyc {

inline double CpuClockSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

inline double ThreadCpuSeconds() {
  return CpuClockSeconds(CLOCK_THREAD_CPUTIME_ID);
}
inline double ProcessCpuSeconds() {
  return CpuClockSeconds(CLOCK_PROCESS_CPUTIME_ID);
}
inline double ThreadCpuMs() {
  return ThreadCpuSeconds() * 1e3;
}
inline double ProcessCpuMs() {
  return ProcessCpuSeconds() * 1e3;
}

}  // namespace ekyc
