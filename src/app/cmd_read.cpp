// `ekyc read FRONT [BACK]`: reads ID-card sides and prints the vendor-shaped JSON.
// `ekyc read --eval DIR --out FILE`: reads every DIR/*.jpg and writes one JSON line per image
// (result or error, elapsed ms) for tools/cardgen/eval.py.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <opencv2/imgcodecs.hpp>

#include "app/commands.h"
#include "app/ocr_threads.h"
#include "core/config.h"
#include "core/cpu_time.h"
#include "doc/doc.h"
#include "vn/vn.h"

namespace ekyc::app {
namespace {

nlohmann::json ErrorJson(const Status& s) {
  return {{"error",
           {{"reason", s.reason()}, {"message", s.message()}, {"code", StatusCodeName(s.code())}}}};
}

Result<cv::Mat> LoadImage(const std::string& path) {
  if (!std::filesystem::exists(path)) return NotFound("image.not_found", "no such file: " + path);
  cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
  if (img.empty())
    return InvalidArgument("image.undecodable",
                           "not a readable image (JPEG/PNG expected): " + path);
  return img;
}

int RunRead(const std::vector<std::string>& images, bool rotate, const doc::DocReaderOptions& opt,
            bool pretty) {
  auto reader = doc::DocReader::Create(opt);
  if (!reader.ok()) {
    std::cout << ErrorJson(reader.status()).dump() << "\n";
    return 2;
  }
  nlohmann::json output = nlohmann::json::array();
  int rc = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& path : images) {
    auto img = LoadImage(path);
    if (!img.ok()) {
      output.push_back(ErrorJson(img.status()));
      rc = 1;
      continue;
    }
    auto res = (*reader)->Read(*img, rotate);
    if (!res.ok()) {
      output.push_back(ErrorJson(res.status()));
      rc = 1;
      continue;
    }
    for (const std::string& line : res->trace) std::cerr << line << "\n";
    output.push_back(res->ToJson());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json out = {{"output", output}, {"time", secs}};
  std::cout << (pretty ? out.dump(2) : out.dump()) << "\n";
  return rc;
}

int RunEval(const std::string& dir, const std::string& out_path, bool rotate,
            const doc::DocReaderOptions& opt, int limit) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) {
    std::cerr << "not a directory: " << dir << "\n";
    return 2;
  }
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".jpg" || e.path().extension() == ".png")
      files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  if (limit > 0 && static_cast<int>(files.size()) > limit) files.resize(limit);
  auto reader = doc::DocReader::Create(opt);
  if (!reader.ok()) {
    std::cerr << reader.status().ToString() << "\n";
    return 2;
  }
  std::ofstream out(out_path);
  if (!out) {
    std::cerr << "cannot write " << out_path << "\n";
    return 2;
  }
  std::vector<double> ms;
  for (const auto& f : files) {
    nlohmann::json line = {{"image", fs::path(f).filename().string()}};
    auto img = LoadImage(f);
    if (!img.ok()) {
      line["ok"] = false;
      line["error"] = img.status().reason();
    } else {
      auto t0 = std::chrono::steady_clock::now();
      double c0 = ProcessCpuMs();
      auto res = (*reader)->Read(*img, rotate);
      double cpu = ProcessCpuMs() - c0;
      double el =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ms.push_back(cpu);
      line["elapsed_ms"] = el;
      line["cpu_ms"] = cpu;
      line["ok"] = res.ok();
      if (res.ok())
        line["result"] = res->ToJson();
      else
        line["error"] = res.status().reason();
    }
    out << line.dump() << "\n";
  }
  std::sort(ms.begin(), ms.end());
  std::cerr << "read " << files.size() << " images";
  if (!ms.empty())
    std::cerr << ", CPU time per side: median " << ms[ms.size() / 2] << " ms, p90 "
              << ms[ms.size() * 9 / 10] << " ms";
  std::cerr << "\n";
  return 0;
}

// The server's choices (EKYC_DOC_LINES, EKYC_DOC_PAGE, EKYC_DOC_MRZ, EKYC_DOC_DATE_LINES,
// EKYC_MODEL_DIR), overridden by the flags.
Result<doc::DocReaderOptions> ReaderOptions(const std::string& tessdata, std::string lines,
                                            std::string page, std::string mrz,
                                            std::string date_lines) {
  EKYC_ASSIGN_OR_RETURN(Config config, Config::Load(ProcessEnv()));
  if (lines.empty()) lines = config.doc_lines;
  if (page.empty()) page = config.doc_page;
  if (mrz.empty()) mrz = config.doc_mrz;
  if (date_lines.empty()) date_lines = config.doc_date_lines;
  doc::DocReaderOptions opt;
  if (!tessdata.empty()) opt.tessdata_dir = tessdata;
  auto l = doc::ParseTextEngine(lines), p = doc::ParseTextEngine(page),
       m = doc::ParseTextEngine(mrz), d = doc::ParseTextEngine(date_lines);
  if (!l || !p || !m || !d)
    return InvalidArgument("cli.bad_engine",
                           "--lines/--page/--mrz/--date-lines: tesseract or trained");
  opt.lines = *l;
  opt.page = *p;
  opt.mrz = *m;
  opt.date_lines = *d;
  // The official units (EKYC_VN_INDEX, else data/vn-admin.tsv beside the binary), as the server.
  EKYC_ASSIGN_OR_RETURN(std::string index_override, EnvString(ProcessEnv(), "EKYC_VN_INDEX", ""));
  std::error_code ec;
  const std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  EKYC_ASSIGN_OR_RETURN(opt.places,
                        vn::AdminIndex::Load(vn::DefaultIndexPath(exe, index_override)));
  if (opt.lines == doc::TextEngine::kTrained || opt.page == doc::TextEngine::kTrained ||
      opt.mrz == doc::TextEngine::kTrained || opt.date_lines == doc::TextEngine::kTrained) {
    EKYC_ASSIGN_OR_RETURN(opt.models, infer::ModelSet::Load(config.model_dir));
  }
  return opt;
}

}  // namespace

void AddReadCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "read", "Read ID-card / passport images (front, back) and print the fields as JSON");
  struct Opts {
    std::vector<std::string> images;
    bool no_rotate = false;
    bool pretty = false;
    bool trace = false;
    std::string tessdata, lines, page, mrz, date_lines;
    std::string eval_dir, eval_out = "doc-eval.jsonl";
    int limit = 0;
    int read_width = 0;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("images", o->images, "FRONT [BACK] image files (JPEG/PNG)");
  cmd->add_flag("--no-rotate", o->no_rotate,
                "do not try 180-degree rotations (check_rotate=false)");
  cmd->add_flag("--pretty", o->pretty, "indent the JSON");
  cmd->add_flag("--trace", o->trace,
                "print how each side was read to stderr: the page's segments, each field's label, "
                "words and re-read (prints the card's text: a development tool)");
  cmd->add_option("--tessdata", o->tessdata,
                  "Tesseract tessdata directory (default /usr/share/tesseract-ocr/5/tessdata)");
  cmd->add_option("--lines", o->lines,
                  "engine of the per-field line re-reads: tesseract|trained (default EKYC_DOC_LINES)");
  cmd->add_option("--page", o->page,
                  "engine of the page reading: tesseract|trained (default EKYC_DOC_PAGE)");
  cmd->add_option("--mrz", o->mrz,
                  "engine of the MRZ band: tesseract|trained (default EKYC_DOC_MRZ)");
  cmd->add_option("--date-lines", o->date_lines,
                  "engine of the date fields' re-reads: tesseract|trained (default "
                  "EKYC_DOC_DATE_LINES)");
  cmd->add_option("--eval", o->eval_dir,
                  "evaluate: read every image of DIR and write JSON lines to --out");
  cmd->add_option("--out", o->eval_out, "evaluation output (JSON lines)");
  cmd->add_option("--limit", o->limit, "evaluate at most N images");
  cmd->add_option("--read-width", o->read_width,
                  "width in pixels the card is rectified to for reading (default 1400)");
  cmd->callback([o, exit_code] {
    LimitOcrThreads();  // as the server: CPU figures per side are those of one thread
    auto opt = ReaderOptions(o->tessdata, o->lines, o->page, o->mrz, o->date_lines);
    if (!opt.ok()) {
      std::cerr << opt.status().ToString() << "\n";
      *exit_code = 2;
      return;
    }
    opt->trace = o->trace;
    if (o->read_width > 0) opt->read_width = o->read_width;
    if (!o->eval_dir.empty()) {
      *exit_code = RunEval(o->eval_dir, o->eval_out, !o->no_rotate, *opt, o->limit);
      return;
    }
    if (o->images.empty() || o->images.size() > 2) {
      std::cerr << "usage: ekyc read FRONT [BACK]   (or --eval DIR)\n";
      *exit_code = 2;
      return;
    }
    *exit_code = RunRead(o->images, !o->no_rotate, *opt, o->pretty);
  });
}

}  // namespace ekyc::app
