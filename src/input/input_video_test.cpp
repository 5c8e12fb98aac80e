#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/videoio.hpp>
#include <random>
#include <string>

#include "input/input.h"
#include "input/test_util.h"

namespace ekyc::input {
namespace {

namespace fs = std::filesystem;

const fs::path kClips = fs::path(EKYC_SHARED_DIR) / "data" / "face-videos-dev";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void ExpectReason(const Status& s, const std::string& reason) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), reason) << s.ToString();
  EXPECT_FALSE(s.message().empty());
}

// A private scratch directory for the fixtures the tests write.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (fs::temp_directory_path() / "ekyc-input-test-XXXXXX").string();
    path_ = mkdtemp(templ.data()) != nullptr ? templ : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An MJPEG AVI written by OpenCV's built-in writer: needs no shared data or external encoder.
std::string MakeAvi(const ScratchDir& dir, int frames, double fps) {
  const std::string path = dir.path() + "/synthetic.avi";
  {
    cv::VideoWriter w(path, cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps,
                      cv::Size(64, 48));
    if (!w.isOpened()) return "";
    for (int i = 0; i < frames; ++i) {
      cv::Mat f(48, 64, CV_8UC3, cv::Scalar(i * 4 % 256, 100, 200));
      w.write(f);
    }
  }
  std::string bytes = ReadFile(path);
  fs::remove(path);
  return bytes;
}

TEST(InputVideo, EmptyAndNonVideo) {
  ExpectReason(DecodeVideo("", VideoPolicy{}).status(), "video.empty");
  auto jpeg = DecodeVideo(test::Encode(test::TestImage(32, 32), ".jpg"), VideoPolicy{});
  ExpectReason(jpeg.status(), "video.unsupported_format");
  EXPECT_NE(jpeg.status().message().find("JPEG"), std::string::npos) << jpeg.status().message();
  auto heic = DecodeVideo(std::string("\0\0\0\x18"
                                      "ftypheic\0\0\0\0mif1heic",
                                      24) +
                              std::string(64, '\0'),
                          VideoPolicy{});
  ExpectReason(heic.status(), "video.unsupported_format");
  std::mt19937 rng(7);
  std::string noise(10000, '\0');
  for (char& c : noise) c = static_cast<char>(rng() & 0xFF);
  noise[4] = 'x';
  ExpectReason(DecodeVideo(noise, VideoPolicy{}).status(), "video.unsupported_format");
  ExpectReason(DecodeVideo("just text, not a video", VideoPolicy{}).status(),
               "video.unsupported_format");
}

TEST(InputVideo, TooLarge) {
  VideoPolicy p;
  p.max_bytes = 1000;
  ExpectReason(DecodeVideo(std::string(1001, 'a'), p).status(), "video.too_large");
}

TEST(InputVideo, SyntheticAvi) {
  ScratchDir dir;
  const std::string avi = MakeAvi(dir, 50, 10);
  ASSERT_FALSE(avi.empty()) << "OpenCV MJPEG writer unavailable";
  VideoPolicy p;
  p.max_frames = 10;
  auto clip = DecodeVideo(avi, p);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  EXPECT_EQ(clip->container, VideoContainer::kAvi);
  EXPECT_EQ(clip->total_frames, 50);
  EXPECT_DOUBLE_EQ(clip->fps, 10);
  EXPECT_NEAR(clip->duration_s, 5.0, 1e-9);
  ASSERT_EQ(clip->frames.size(), 10u);
  ASSERT_EQ(clip->frame_indices.size(), 10u);
  EXPECT_EQ(clip->frame_indices.front(), 2);
  EXPECT_EQ(clip->frame_indices.back(), 47);
  EXPECT_EQ(clip->frames[0].type(), CV_8UC3);
  EXPECT_EQ(clip->width, 64);
  EXPECT_EQ(clip->height, 48);
  EXPECT_NEAR(clip->timestamps_ms[1], 700.0, 1e-6);  // frame 7 at 10 fps
  // The frames really are the ones at those indices (blue channel = index * 4).
  EXPECT_NEAR(cv::mean(clip->frames[1])[0], 28.0, 6.0);

  p.max_duration_s = 4.0;
  ExpectReason(DecodeVideo(avi, p).status(), "video.too_long");
  // A limit on what the request makes the server do, like bytes and pixels (HTTP 413).
  EXPECT_EQ(DecodeVideo(avi, p).status().code(), StatusCode::kResourceExhausted);
  p.max_duration_s = 15.0;
  p.max_frame_pixels = 64 * 48 - 1;
  ExpectReason(DecodeVideo(avi, p).status(), "video.too_many_pixels");
}

TEST(InputVideo, SharedMp4Clip) {
  const fs::path file = kClips / "grid_bbaf2n.mp4";
  if (!fs::exists(file)) GTEST_SKIP() << "dev clips not present at " << kClips;
  auto clip = DecodeVideo(ReadFile(file), VideoPolicy{});
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  EXPECT_EQ(clip->container, VideoContainer::kMp4);
  EXPECT_EQ(clip->total_frames, 75);
  EXPECT_DOUBLE_EQ(clip->fps, 25);
  EXPECT_NEAR(clip->duration_s, 3.0, 1e-9);
  EXPECT_EQ(clip->frames.size(), 60u);
  EXPECT_EQ(clip->width, 360);
  EXPECT_EQ(clip->height, 288);
  for (size_t i = 1; i < clip->frame_indices.size(); ++i) {
    EXPECT_GT(clip->frame_indices[i], clip->frame_indices[i - 1]);
  }
  EXPECT_LT(clip->frame_indices.front(), 5);
  EXPECT_GT(clip->frame_indices.back(), 70);
  EXPECT_GT(cv::mean(clip->frames[10])[1], 10.0);  // real picture content, not black
}

TEST(InputVideo, WebmNamedMovIsSniffed) {
  const fs::path file = kClips / "anitspoof_real.mov";
  if (!fs::exists(file)) GTEST_SKIP() << "dev clips not present at " << kClips;
  auto clip = DecodeVideo(ReadFile(file), VideoPolicy{});
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  EXPECT_EQ(clip->container, VideoContainer::kWebm);
  EXPECT_EQ(clip->total_frames, 199);
  EXPECT_EQ(clip->frames.size(), 60u);
  EXPECT_EQ(clip->width, 960);
}

TEST(InputVideo, LongClipRefused) {
  const fs::path file = kClips / "liveportrait_d9.mp4";  // 19.6 s
  if (!fs::exists(file)) GTEST_SKIP() << "dev clips not present at " << kClips;
  auto r = DecodeVideo(ReadFile(file), VideoPolicy{});
  ExpectReason(r.status(), "video.too_long");
  EXPECT_NE(r.status().message().find("19.6"), std::string::npos) << r.status().message();
}

TEST(InputVideo, TruncatedMp4) {
  const fs::path file = kClips / "grid_bbaf2n.mp4";
  if (!fs::exists(file)) GTEST_SKIP() << "dev clips not present at " << kClips;
  const std::string bytes = ReadFile(file);
  for (size_t keep : {size_t{64}, bytes.size() / 10, bytes.size() / 2, bytes.size() * 8 / 10}) {
    SCOPED_TRACE(keep);
    ExpectReason(DecodeVideo(bytes.substr(0, keep), VideoPolicy{}).status(), "video.undecodable");
  }
}

TEST(InputVideo, TruncatedWebm) {
  const fs::path file = kClips / "anitspoof_real.mov";
  if (!fs::exists(file)) GTEST_SKIP() << "dev clips not present at " << kClips;
  const std::string bytes = ReadFile(file);
  for (size_t keep : {size_t{64}, bytes.size() / 10, bytes.size() / 2}) {
    SCOPED_TRACE(keep);
    ExpectReason(DecodeVideo(bytes.substr(0, keep), VideoPolicy{}).status(), "video.undecodable");
  }
}

TEST(InputVideo, TruncatedAvi) {
  ScratchDir dir;
  const std::string avi = MakeAvi(dir, 50, 10);
  ASSERT_FALSE(avi.empty());
  for (size_t keep : {size_t{100}, avi.size() / 2}) {
    SCOPED_TRACE(keep);
    ExpectReason(DecodeVideo(avi.substr(0, keep), VideoPolicy{}).status(), "video.undecodable");
  }
}

TEST(InputVideo, PolicyFromConfig) {
  Config config;
  config.max_image_pixels = 1000;
  const VideoPolicy p = VideoPolicy::FromConfig(config);
  EXPECT_EQ(p.max_frame_pixels, 1000);
  EXPECT_EQ(p.max_bytes, 20LL << 20);
  EXPECT_EQ(p.max_frames, 60);
  EXPECT_DOUBLE_EQ(p.max_duration_s, 15.0);
  EXPECT_STREQ(VideoContainerName(VideoContainer::kWebm), "webm");
  // The video variables of the configuration reach the policy.
  config.max_video_bytes = 5 << 20;
  config.max_video_seconds = 8.0;
  config.video_frames = 45;
  const VideoPolicy q = VideoPolicy::FromConfig(config);
  EXPECT_EQ(q.max_bytes, 5 << 20);
  EXPECT_DOUBLE_EQ(q.max_duration_s, 8.0);
  EXPECT_EQ(q.max_frames, 45);
}

}  // namespace
}  // namespace ekyc::input
