#include "api/errors.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "api/api.h"
#include "api/metrics.h"

namespace ekyc::api {
namespace {

TEST(ErrorsTest, VendorOutcomesAre200WithVendorText) {
  auto e = MapStatus(
      Status(StatusCode::kFailedPrecondition, "face.match_failed", "similarity 0.2 < 0.5"));
  EXPECT_EQ(e.http_status, 200);
  EXPECT_EQ(e.code, "4");
  EXPECT_EQ(e.message, "Matching fail");
  EXPECT_EQ(MapStatus(Status(StatusCode::kNotFound, "face.id_not_found", "x")).code, "E855");
  EXPECT_EQ(MapStatus(Status(StatusCode::kAlreadyExists, "face.already_registered", "x")).code,
            "E850");
  EXPECT_EQ(
      MapStatus(Status(StatusCode::kInvalidArgument, "face.no_face_on_capture_and_card", "x")).code,
      "0");
  EXPECT_EQ(MapStatus(Status(StatusCode::kInvalidArgument, "face.no_face_on_capture", "x")).code,
            "1");
  EXPECT_EQ(MapStatus(Status(StatusCode::kInvalidArgument, "face.no_face_on_card", "x")).code, "2");
}

TEST(ErrorsTest, CategoriesMapToHttp) {
  struct Case {
    Status s;
    int http;
    const char* code;
  };
  for (const auto& c : std::vector<Case>{
           {InvalidArgument("request.malformed", "m"), 400, "E400"},
           {InvalidArgument("image.truncated", "m"), 422, "E422"},
           {Status(StatusCode::kUnauthenticated, "auth.invalid_key", "m"), 401, "E401"},
           {ResourceExhausted("image.too_large", "m"), 413, "E413"},
           {ResourceExhausted("request.rate_limited", "m"), 429, "E429"},
           {ResourceExhausted("server.overloaded", "m"), 503, "E503"},
           {Unsupported("image.format", "m"), 415, "E415"},
           {Status(StatusCode::kUnsupported, "route.not_available", "m"), 501, "E501"},
           {FailedPrecondition("models.not_loaded", "m"), 503, "E503"},
           {Status(StatusCode::kDeadlineExceeded, "x", "m"), 504, "E504"},
           {Internal("x", "m"), 500, "E500"},
       }) {
    auto e = MapStatus(c.s);
    EXPECT_EQ(e.http_status, c.http) << c.s.ToString();
    EXPECT_EQ(e.code, c.code) << c.s.ToString();
    EXPECT_EQ(e.message, "m");
  }
  EXPECT_GT(MapStatus(ResourceExhausted("server.overloaded", "m")).retry_after_s, 0);
}

TEST(ErrorsTest, EnvelopeOmitsErrorOnSuccess) {
  auto ok = Envelope({{"a", 1}}, 0.5, "0.2", "0.1.0", "rid", nullptr);
  EXPECT_EQ(ok["output"]["a"], 1);
  EXPECT_EQ(ok["api_version"], "0.2");
  EXPECT_EQ(ok["mlchain_version"], "0.1.0");
  EXPECT_EQ(ok["request_id"], "rid");
  EXPECT_DOUBLE_EQ(ok["time"].get<double>(), 0.5);
  EXPECT_FALSE(ok.contains("error"));
  EXPECT_FALSE(ok.contains("code"));
  ErrorInfo e{401, "E401", "bad key", 0};
  auto err = Envelope(nullptr, 0.1, "0.2", "0.1.0", "rid", &e);
  EXPECT_TRUE(err["output"].is_null());
  EXPECT_EQ(err["error"], "bad key");
  EXPECT_EQ(err["code"], "E401");
}

TEST(ErrorsTest, OutcomeRoundTrip) {
  auto wrapped = OutputWithOutcome(
      {{"is_matched", false}}, Status(StatusCode::kFailedPrecondition, "face.match_failed", "low"));
  auto split = TakeOutcome(wrapped);
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->output["is_matched"], false);
  EXPECT_EQ(split->outcome.reason(), "face.match_failed");
  EXPECT_FALSE(TakeOutcome({{"is_matched", false}}).has_value());
}

TEST(MetricsTest, TextHasCountersAndHistograms) {
  Metrics m(2);
  m.RecordRequest("predict", 200, "", 0.03);
  m.RecordRequest("predict", 401, "E401", 0.001);
  m.RecordStage("predict", "ocr", 0.2);
  m.SetQueueDepth(3);
  std::string t = m.Text();
  EXPECT_NE(t.find("ekyc_requests_total{route=\"predict\",status=\"200\",code=\"\"} 1"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("ekyc_errors_total{route=\"predict\",code=\"E401\"} 1"), std::string::npos);
  EXPECT_NE(t.find("ekyc_request_duration_seconds_bucket{route=\"predict\",le=\"0.05\"} 2"),
            std::string::npos);
  EXPECT_NE(t.find("ekyc_request_duration_seconds_count{route=\"predict\"} 2"), std::string::npos);
  EXPECT_NE(t.find("ekyc_stage_duration_seconds_count{route=\"predict\",stage=\"ocr\"} 1"),
            std::string::npos);
  EXPECT_NE(t.find("ekyc_queue_depth 3"), std::string::npos);
  EXPECT_NE(t.find("ekyc_workers 2"), std::string::npos);
  // No CPU time given: no CPU counter for that stage.
  EXPECT_EQ(t.find("ekyc_stage_cpu_seconds_total{route=\"predict\""), std::string::npos);
}

TEST(MetricsTest, StageCpuTimeAddsUp) {
  Metrics m(1);
  m.RecordStage("predict", "doc", 0.9, 0.25);
  m.RecordStage("predict", "doc", 0.8, 0.5);
  m.AddWorkerBusySeconds(2.0, 1.5);
  std::string t = m.Text();
  EXPECT_NE(t.find("ekyc_stage_cpu_seconds_total{route=\"predict\",stage=\"doc\"} 0.75"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("ekyc_worker_cpu_seconds_total 1.5"), std::string::npos) << t;
}

TEST(MetricsTest, ThreadCpuSecondsCountsThisThreadsWork) {
  const double before = ThreadCpuSeconds();
  volatile double x = 0;
  for (int i = 0; i < 20'000'000; ++i) x = x + 1;  // ~20 ms of CPU; only CPU time is asserted
  EXPECT_GT(ThreadCpuSeconds(), before);
  EXPECT_GT(x, 0);
}

}  // namespace
}  // namespace ekyc::api

// ---- docs/errors.md against the code ----

namespace ekyc::api {
namespace {

struct DocRow {
  int http = 0;
  std::vector<std::string> cells;  // after the HTTP column
};

// Rows of the tables in docs/errors.md: "| `CODE` | HTTP | ... |".
std::map<std::string, DocRow> DocumentedCodes(std::vector<std::string>* duplicates) {
  std::ifstream in(std::string(EKYC_SOURCE_DIR) + "/docs/errors.md");
  EXPECT_TRUE(in.good()) << "docs/errors.md not found";
  const std::regex row(R"(^\|\s*`([0-9]|E\d{3})`\s*\|\s*(\d{3})\s*\|(.*)$)");
  std::map<std::string, DocRow> out;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    DocRow r;
    r.http = std::stoi(m[2].str());
    std::stringstream rest(m[3].str());
    for (std::string cell; std::getline(rest, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      r.cells.push_back(cell);
    }
    if (out.count(m[1].str()) != 0) duplicates->push_back(m[1].str());
    out[m[1].str()] = r;
  }
  return out;
}

TEST(ErrorsDocTest, EveryCodeTheServerReturnsIsDocumentedWithItsStatus) {
  std::vector<std::string> duplicates;
  const auto documented = DocumentedCodes(&duplicates);
  EXPECT_TRUE(duplicates.empty()) << "codes documented twice: "
                                  << ::testing::PrintToString(duplicates);
  std::map<std::string, int> in_code, in_doc;
  for (const CodeInfo& c : ErrorCodes()) in_code[c.code] = c.http_status;
  for (const auto& [code, row] : documented) in_doc[code] = row.http;
  EXPECT_EQ(in_doc, in_code) << "docs/errors.md and ErrorCodes() (src/api/errors.cpp) differ";
}

TEST(ErrorsDocTest, MappingsOnlyProduceDocumentedCodes) {
  std::map<std::string, int> table;
  for (const CodeInfo& c : ErrorCodes()) table[c.code] = c.http_status;
  auto check = [&](const ErrorInfo& e, const std::string& what) {
    auto it = table.find(e.code);
    ASSERT_NE(it, table.end()) << what << " gives the undocumented code " << e.code;
    EXPECT_EQ(it->second, e.http_status) << what << ": " << e.code;
  };
  // Every category with reasons that select special cases, and every reason of the tables.
  const std::vector<std::string> reasons = {"x.y",
                                            "request.malformed",
                                            "image.too_large",
                                            "video.too_long",
                                            "image.too_many_pixels",
                                            "request.rate_limited",
                                            "server.overloaded",
                                            "route.unknown",
                                            "route.not_available",
                                            "request.deadline_exceeded",
                                            "auth.invalid_key",
                                            "request.unsupported_media_type",
                                            "request.too_large",
                                            "face.match_failed",
                                            "face.no_face_on_capture",
                                            "face.no_face_on_card",
                                            "face.no_face_on_capture_and_card",
                                            "face.already_registered",
                                            "store.duplicate_face",
                                            "face.id_not_found",
                                            "live.spoof_detected",
                                            "chip.not_verified"};
  for (int c = 1; c <= static_cast<int>(StatusCode::kInternal); ++c) {
    for (const auto& reason : reasons) {
      const Status s(static_cast<StatusCode>(c), reason, "m");
      check(MapStatus(s), s.ToString());
    }
  }
  // Statuses httplib sets itself (414, 416, ...), and any other.
  for (int http = 400; http < 600; ++http) check(HttpLibError(http, "m"), std::to_string(http));
  EXPECT_EQ(HttpLibError(414, "m").code, "E414");
  EXPECT_EQ(HttpLibError(416, "m").http_status, 400);
  EXPECT_EQ(CodeError("E411", "m").http_status, 411);
  EXPECT_EQ(CodeError("nonsense", "m").code, "E500");
}

TEST(ErrorsDocTest, VendorRowsGiveTheServersTextAndReason) {
  std::vector<std::string> duplicates;
  const auto documented = DocumentedCodes(&duplicates);
  int vendor_rows = 0;
  for (const auto& [code, row] : documented) {
    if (row.http != 200) continue;
    ++vendor_rows;
    // | code | HTTP | error (verbatim) | meaning | Status reason(s) |
    ASSERT_GE(row.cells.size(), 3u) << code;
    const std::regex reason_re("`([a-z_.]+)`");
    int reasons = 0;
    for (std::sregex_iterator it(row.cells[2].begin(), row.cells[2].end(), reason_re), end;
         it != end; ++it, ++reasons) {
      const ErrorInfo e = MapStatus(Status(StatusCode::kInvalidArgument, (*it)[1].str(), "m"));
      EXPECT_EQ(e.code, code) << (*it)[1].str();
      EXPECT_EQ(e.http_status, 200) << code;
      EXPECT_EQ(e.message, row.cells[0]) << code << ": the documented text is not the server's";
    }
    EXPECT_GT(reasons, 0) << code << " documents no Status reason";
  }
  // Every HTTP-200 code of the catalogue has its row (0, 1, 2, 4, E850, E855, E460, E461, E470).
  int catalogue_200 = 0;
  for (const CodeInfo& c : ErrorCodes()) catalogue_200 += c.http_status == 200 ? 1 : 0;
  EXPECT_EQ(catalogue_200, 9);
  EXPECT_EQ(vendor_rows, catalogue_200);
}

}  // namespace
}  // namespace ekyc::api
