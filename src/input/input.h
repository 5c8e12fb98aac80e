// Image and video input: turns what a request field may carry (raw file bytes, base64 text, a
// data: URL or an http(s) URL) into decoded pixels, enforcing byte, pixel, time and address
// limits before any expensive work, and never trusting file names or content types.
//
// Every failure is an ekyc::Status with a stable reason (see docs/input.md for the table):
// image.empty, image.not_an_image, image.truncated, image.corrupt, image.too_large,
// image.too_many_pixels, image.unsupported_format, image.bad_base64, url.bad_scheme, url.invalid,
// url.host_not_found, url.unreachable, url.timeout, url.blocked_address, url.too_large,
// url.too_many_redirects, url.http_error, video.empty, video.unsupported_format, video.too_large,
// video.too_long, video.undecodable, video.too_many_pixels, input.internal.
//
// Thread-safety: every function here is safe to call concurrently from many threads. They keep
// no mutable global state apart from libcurl's process-wide initialisation, done once under
// std::call_once. Policies and results are plain values.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace ekyc::input {

// ---------------------------------------------------------------------------------------------
// Policies

struct InputPolicy {
  int64_t max_bytes = 15LL << 20;      // encoded image size, also the URL download cap
  int64_t max_pixels = 40'000'000;     // width * height, checked from the file header
  int url_timeout_ms = 10'000;         // whole transfer, redirects included
  int url_connect_timeout_ms = 5'000;  // per connection attempt (capped by url_timeout_ms)
  int max_redirects = 3;
  bool allow_private_urls = false;  // permit loopback/private/link-local targets

  static InputPolicy FromConfig(const Config& config);
};

struct VideoPolicy {
  int64_t max_bytes = 20LL << 20;
  double max_duration_s = 15.0;
  int max_frames = 60;                     // frames sampled evenly over the clip
  int64_t max_frame_pixels = 3840 * 2160;  // 4K; decoding many larger frames is too slow

  static VideoPolicy FromConfig(const Config& config);
};

// ---------------------------------------------------------------------------------------------
// Images

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kBmp };
enum class SourceKind { kBytes, kBase64, kDataUrl, kUrl };

const char* ImageFormatName(ImageFormat format);  // "jpeg", "png", "webp", "bmp", "unknown"
const char* SourceKindName(SourceKind kind);      // "bytes", "base64", "data_url", "url"

struct ImageInfo {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;  // as stored in the file, before EXIF rotation
  int height = 0;
  int64_t encoded_bytes = 0;
  SourceKind source = SourceKind::kBytes;
};

struct Image {
  cv::Mat bgr;  // CV_8UC3, EXIF orientation applied, alpha composited over white
  ImageInfo info;
};

// What the header says, read without decoding pixels.
struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;
  int height = 0;
};

// Sniffs the format from magic bytes and reads the dimensions from the header. Fails with
// image.empty, image.not_an_image, image.unsupported_format (naming what was found, e.g. "PDF
// document") or image.truncated/image.corrupt when the header itself is cut or malformed.
Result<ImageHeader> ReadImageHeader(std::string_view bytes);

// Decodes an encoded JPEG/PNG/WebP/BMP. Limits (bytes, pixels) and truncation are checked
// before decoding, so a decompression bomb is refused without allocating its pixels.
Result<Image> DecodeImageBytes(std::string_view bytes, const InputPolicy& policy);

// Decodes base64 text: standard or URL-safe alphabet, padding optional, whitespace and line
// breaks ignored. A "data:<type>;base64," prefix is accepted and its declared type ignored.
// Fails with image.bad_base64, or image.too_large when the decoded size would exceed max_bytes.
Result<std::string> DecodeBase64(std::string_view text, int64_t max_decoded_bytes);

// Downloads an http(s) URL within the policy's time, size, redirect and address limits.
// The address check runs on every socket libcurl opens (each redirect hop, each resolved
// address), so DNS rebinding and redirects cannot reach a blocked address.
Result<std::string> FetchUrl(std::string_view url, const InputPolicy& policy);

// One entry point for an image field: raw bytes with a known magic are decoded as a file; text
// starting with http:// or https:// is fetched; any other URL scheme is refused; other text is
// base64 (plain or data: URL).
Result<Image> LoadImage(std::string_view field_content, const InputPolicy& policy);

// True for addresses a fetch must not connect to. By default: unspecified, loopback, RFC 1918,
// CGNAT 100.64/10, link-local, multicast, reserved/broadcast, benchmarking, documentation, IPv6
// ULA/link-local/site-local/multicast/Teredo and the IPv4-mapped, IPv4-compatible, NAT64 and 6to4
// forms of blocked IPv4 addresses. With allow_private, only link-local addresses (where cloud
// metadata services answer: 169.254.169.254, fd00:ec2::254, 100.100.100.200) stay blocked.
// Non-IP families are always blocked.
bool IsBlockedAddress(const sockaddr* addr, socklen_t len, bool allow_private = false);

// ---------------------------------------------------------------------------------------------
// Video

enum class VideoContainer { kUnknown, kMp4, kWebm, kAvi };
const char* VideoContainerName(VideoContainer container);  // "mp4", "webm", "avi", "unknown"

struct VideoClip {
  std::vector<cv::Mat> frames;        // CV_8UC3 BGR, at most VideoPolicy::max_frames
  std::vector<int> frame_indices;     // index of each sampled frame in the decoded stream
  std::vector<double> timestamps_ms;  // presentation time of each sampled frame
  double fps = 0;
  double duration_s = 0;  // decoded frames / fps
  int total_frames = 0;   // frames actually decoded
  int width = 0;
  int height = 0;
  int64_t encoded_bytes = 0;
  VideoContainer container = VideoContainer::kUnknown;
};

// Sniffs the container (MP4/MOV, WebM/Matroska, AVI) from its bytes, checks size and duration,
// decodes in memory with VideoDecoder and samples up to max_frames frames evenly over the clip.
Result<VideoClip> DecodeVideo(std::string_view bytes, const VideoPolicy& policy);

// The container named by the first bytes (magic numbers; never a file name or content type).
VideoContainer SniffVideoContainer(std::string_view bytes);

struct VideoDecoderLimits {
  int64_t max_frame_pixels = 3840 * 2160;  // per decoded picture, checked before it is converted
  // Time to open the container, then to produce each frame (as OpenCV's FFmpeg backend allowed).
  int open_timeout_ms = 30'000;
  int frame_timeout_ms = 30'000;
  // Packets read (or refused pictures) in a row without a frame before the stream is ended: no
  // real clip comes near it; a crafted one cannot spin the decoder on packets that yield nothing.
  int max_packets_per_frame = 512;
};

// What the container declares. Hints only: the frames' real size comes from decoding them.
struct VideoStreamInfo {
  double fps = 0;               // average frame rate, else 1 / time base
  int64_t declared_frames = 0;  // frame count, else duration x fps; 0 when unknown
  int declared_width = 0;       // in display orientation (after rotation)
  int declared_height = 0;
  int rotation_degrees = 0;  // clockwise turn applied to every frame: 0, 90, 180 or 270
};

// Decodes the first video stream of an in-memory MP4/MOV, WebM/Matroska or AVI file, frame by
// frame, with libavformat/libavcodec (only the demuxer of the sniffed container; no file or
// network access). States: Create() -> Next() until it returns false (end of stream) or an
// error -> destroyed. Bgr() converts the frame the last Next() produced.
//
// Thread-safety: one instance per thread; distinct instances are independent.
class VideoDecoder {
 public:
  // `bytes` must outlive the decoder. Fails with video.unsupported_format (not a known
  // container) or video.undecodable (no video track, unknown codec, damaged header).
  static Result<std::unique_ptr<VideoDecoder>> Create(std::string_view bytes,
                                                      const VideoDecoderLimits& limits = {});
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  const VideoStreamInfo& info() const;
  // Decodes the next frame: true when there is one, false at the end of the stream (also when
  // the decoder refuses a packet, as later frames depend on it). Fails with video.undecodable
  // when a frame takes longer than frame_timeout_ms.
  Result<bool> Next();
  int frames_decoded() const;
  // The last decoded frame as CV_8UC3 BGR, sized from the decoded picture (the first converted
  // frame fixes the size; later frames of another size are scaled to it) and turned upright.
  // Fails with video.too_many_pixels over the limit, video.undecodable for an unusable picture.
  Result<cv::Mat> Bgr();

 private:
  VideoDecoder();
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace ekyc::input
