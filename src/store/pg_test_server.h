// Test helper: a throw-away PostgreSQL 15 cluster under the build directory, started with the
// Debian binaries (initdb, pg_ctl) as the `postgres` user when running as root. Unix socket only,
// in a private directory. Stopped and removed by the destructor.
//
// Thread-safety: not thread-safe; one per test process.
#pragma once

#include <string>

#include "core/status.h"

namespace ekyc::store::testing {

class PgTestServer {
 public:
  PgTestServer() = default;
  ~PgTestServer();
  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;

  // Creates the cluster in a fresh directory below `parent` and starts it.
  Status Start(const std::string& parent);
  // A new empty database; returns its libpq DSN.
  Result<std::string> CreateDatabase(const std::string& name);
  void Stop();

 private:
  std::string dir_;
  std::string socket_dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace ekyc::store::testing
