#include "store/pg_test_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <vector>

extern char** environ;

namespace ekyc::store::testing {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

// Runs argv (as `postgres` when we are root), output appended to `log`. Returns the exit status.
int Run(std::vector<std::string> argv, const std::string& log) {
  if (geteuid() == 0) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > 1500 ? s.substr(s.size() - 1500) : s;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 54329;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

}  // namespace

PgTestServer::~PgTestServer() {
  Stop();
}

Status PgTestServer::Start(const std::string& parent) {
  namespace fs = std::filesystem;
  auto fail = [](const std::string& why) {
    return Status(StatusCode::kUnavailable, "test.pg",
                  "cannot start PostgreSQL 15 for the tests: " + why);
  };
  if (!fs::exists(std::string(kBin) + "initdb")) {
    return fail(std::string(kBin) + "initdb not found (install postgresql-15)");
  }
  dir_ = parent + "/pg-test-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::create_directories(dir_, ec);
  if (ec) return fail("cannot create " + dir_ + ": " + ec.message());
  socket_dir_ = dir_ + "/sock";
  fs::create_directories(socket_dir_, ec);
  std::string log = dir_ + "/pg.log";
  if (geteuid() == 0 && Run({"/usr/bin/test", "-x", dir_}, "/dev/null") != 0) {
    // The build directory is not reachable by `postgres` (e.g. a checkout under /root): use /tmp.
    fs::remove_all(dir_, ec);
    std::string tmpl = "/tmp/ekyc-pg-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return fail("mkdtemp failed");
    dir_ = tmpl;
    socket_dir_ = dir_ + "/sock";
    fs::create_directories(socket_dir_, ec);
    log = dir_ + "/pg.log";
  }
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return fail("running as root but there is no `postgres` user");
    for (const auto& p : {dir_, socket_dir_}) {
      if (chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0) return fail("chown " + p + " failed");
    }
    std::ofstream(log).flush();
    if (chown(log.c_str(), pw->pw_uid, pw->pw_gid) != 0) return fail("chown log failed");
  }
  std::string data = dir_ + "/data";
  if (Run({std::string(kBin) + "initdb", "-D", data, "-A", "trust", "-U", "ekyc", "-E", "UTF8",
           "--no-sync"},
          log) != 0) {
    return fail("initdb failed (is the build directory readable by the postgres user?): " +
                Tail(log));
  }
  port_ = FreePort();
  std::string opts = "-p " + std::to_string(port_) + " -k " + socket_dir_ +
                     " -c listen_addresses='' -c fsync=off -c full_page_writes=off";
  if (Run({std::string(kBin) + "pg_ctl", "-D", data, "-l", dir_ + "/server.log", "-o", opts, "-w",
           "-t", "60", "start"},
          log) != 0) {
    return fail("pg_ctl start failed: " + Tail(log) + Tail(dir_ + "/server.log"));
  }
  running_ = true;
  return Status::Ok();
}

Result<std::string> PgTestServer::CreateDatabase(const std::string& name) {
  std::string base = "host=" + socket_dir_ + " port=" + std::to_string(port_) + " user=ekyc";
  try {
    pqxx::connection c(base + " dbname=postgres");
    pqxx::nontransaction n(c);
    n.exec("DROP DATABASE IF EXISTS " + n.quote_name(name));
    n.exec("CREATE DATABASE " + n.quote_name(name));
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable, "test.pg",
                  std::string("CREATE DATABASE failed: ") + e.what());
  }
  return base + " dbname=" + name;
}

void PgTestServer::Stop() {
  if (running_) {
    Run({std::string(kBin) + "pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"},
        dir_ + "/pg.log");
    running_ = false;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

}  // namespace ekyc::store::testing
