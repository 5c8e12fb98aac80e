#include "app/ocr_threads.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/config.h"

namespace ekyc::app {

void LimitOcrThreads() {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  auto n = EnvInt(ProcessEnv(), "EKYC_OCR_THREADS", 1, 0, 64);
  if (!n.ok()) {
    std::cerr << "warning: " << n.status().ToString() << " (ignored)\n";
    return;
  }
  if (*n == 0) return;
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string a; std::getline(in, a, '\0');) args.push_back(a);
  if (args.empty()) return;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  setenv("OMP_THREAD_LIMIT", std::to_string(*n).c_str(), 1);
  execv("/proc/self/exe", argv.data());
  std::cerr << "warning: could not re-execute with OMP_THREAD_LIMIT set; OCR may be slow\n";
}

}  // namespace ekyc::app
