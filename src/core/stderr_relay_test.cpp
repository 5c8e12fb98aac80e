#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "core/log.h"

namespace ekyc {
namespace {

TEST(LibraryLineToJson, PlainLinesBecomeJsonWithALevel) {
  auto j = nlohmann::json::parse(
      LibraryLineToJson("Error in boxClipToRectangle: box outside rectangle", "info"));
  EXPECT_EQ(j["event"], "library_output");
  EXPECT_EQ(j["level"], "error");
  EXPECT_EQ(j["message"], "Error in boxClipToRectangle: box outside rectangle");
  EXPECT_TRUE(j.contains("ts"));
  EXPECT_EQ(nlohmann::json::parse(
                LibraryLineToJson("Warning: Invalid resolution 0 dpi.", "info"))["level"],
            "warn");
  EXPECT_EQ(nlohmann::json::parse(LibraryLineToJson("something odd\r", "info"))["message"],
            "something odd");
}

TEST(LibraryLineToJson, JsonLinesPassAndLevelsFilter) {
  const std::string line = R"({"ts":"x","level":"info","event":"request"})";
  EXPECT_EQ(LibraryLineToJson(line, "info"), line);
  EXPECT_EQ(LibraryLineToJson("   ", "info"), "");
  EXPECT_EQ(LibraryLineToJson("Info in pixRead: detail", "warn"), "");
  EXPECT_EQ(LibraryLineToJson("Warning in f: w", "error"), "");
  EXPECT_FALSE(LibraryLineToJson("Error in f: e", "error").empty());
  // Not an object: a library line like any other.
  EXPECT_EQ(nlohmann::json::parse(LibraryLineToJson("{broken", "info"))["event"], "library_output");
}

// The relay end to end, in a child process whose stderr is a pipe this test reads.
TEST(RelayStderrAsJson, EveryLineOnFd2BecomesAJsonLine) {
  int cap[2];
  ASSERT_EQ(pipe(cap), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(cap[1], STDERR_FILENO);
    close(cap[0]);
    close(cap[1]);
    if (!RelayStderrAsJson("info")) _exit(3);
    std::fprintf(stderr, "Error in boxClipToRectangle: box outside rectangle\n");
    std::fprintf(stderr, "{\"level\":\"info\",\"event\":\"request\"}\n");
    std::fprintf(stderr, "Info in pixRead: detail\nlast words without a newline");
    _exit(0);  // the relay drains the pipe and exits at its end
  }
  close(cap[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(cap[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(cap[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    auto j = nlohmann::json::parse(l, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "not a JSON line: " << l;
    lines.push_back(j);
  }
  ASSERT_EQ(lines.size(), 4u) << out;
  EXPECT_EQ(lines[0]["event"], "library_output");
  EXPECT_EQ(lines[0]["level"], "error");
  EXPECT_EQ(lines[1]["event"], "request");
  EXPECT_EQ(lines[2]["level"], "info");
  EXPECT_EQ(lines[3]["message"], "last words without a newline");
}

}  // namespace
}  // namespace ekyc
