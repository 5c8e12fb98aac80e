// Crash durability on SQLite: a child process registers faces in a loop (writing index snapshots
// as it goes) and is killed with SIGKILL at random moments; after each restart every face whose
// commit was acknowledged must be there, and the index (snapshot + replayed changes) must agree
// with the tables.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "core/ids.h"
#include "store/snapshot.h"
#include "store/store.h"

namespace ekyc::store {
namespace {

// Starts the helper with stdout on a pipe; returns its pid and the read end.
pid_t Spawn(const std::string& dir, long first, int* read_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::string start = std::to_string(first);
    execl(EKYC_DURABILITY_HELPER, EKYC_DURABILITY_HELPER, dir.c_str(), start.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  *read_fd = fds[0];
  return pid;
}

std::string ReadAllFrom(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

TEST(StoreDurability, AcknowledgedFacesSurviveSigkill) {
  std::string dir = std::string(EKYC_BINARY_DIR) + "/store-durability-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::uniform_int_distribution<int> kill_after_ms(100, 900);

  std::map<std::string, std::string> acked;  // user -> face
  for (int round = 0; round < 6; ++round) {
    int fd = -1;
    pid_t pid = Spawn(dir, round * 1'000'000L, &fd);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "helper exited by itself (status " << status << "); it should run until killed";
    std::istringstream lines(ReadAllFrom(fd));
    std::string line;
    while (std::getline(lines, line)) {
      if (lines.eof()) break;  // a line cut by the kill: never acknowledged in full
      auto sp = line.find(' ');
      if (sp != std::string::npos) acked[line.substr(0, sp)] = line.substr(sp + 1);
    }
  }
  std::printf("acknowledged faces over 6 kills: %zu\n", acked.size());
  ASSERT_GT(acked.size(), 5U) << "the helper registered too few faces to test anything";

  StoreOptions o;
  o.sqlite_path = dir + "/ekyc.db";
  o.key_file = dir + "/data.key";
  o.audit_reads = false;
  o.snapshot_dir = dir + "/index";
  bool had_snapshot = std::filesystem::exists(SnapshotPath(o.snapshot_dir, o.active_model));
  auto store = OpenFaceStore(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  if (had_snapshot) EXPECT_EQ((*store)->Stats()->index_source, "snapshot");
  // Temporary files of snapshots cut by a kill are cleared at start.
  for (const auto& e : std::filesystem::directory_iterator(o.snapshot_dir)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  Status consistent = (*store)->CheckIndexConsistency();
  EXPECT_TRUE(consistent.ok()) << consistent.ToString();
  size_t missing = 0;
  for (const auto& [user, face] : acked) {
    auto u = (*store)->GetUser({"test"}, kDefaultCollection, user, false);
    if (!u.ok() || u->faces.empty() || u->faces[0].face_id != face) ++missing;
  }
  EXPECT_EQ(missing, 0U) << "of " << acked.size() << " acknowledged faces";
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  // Faces committed but not yet acknowledged when killed may exist too; nothing else may.
  EXPECT_GE(stats->faces, static_cast<int64_t>(acked.size()));
  EXPECT_LE(stats->faces, static_cast<int64_t>(acked.size()) + 6);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ekyc::store
