// The API-key file as the server loads it at start and re-reads it when it changes.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "api/api.h"
#include "fuzz/fuzz_target.h"

EKYC_FUZZ_TARGET(api_keys) {
  static const std::string path = [] {
    char dir[] = "/tmp/ekyc-fuzz-keys-XXXXXX";
    if (::mkdtemp(dir) == nullptr) std::abort();
    return std::string(dir) + "/api-keys.json";
  }();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) std::abort();
  if (::write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
  ::close(fd);
  ekyc::api::ApiKeyStore store(path);
  (void)store.List();
  (void)store.Verify("ek_0000000000000000000000000000000000000000000000000000000000000000");
  (void)store.Verify("");
  return 0;
}
