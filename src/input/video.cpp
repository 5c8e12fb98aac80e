// Video sniffing, limits and frame sampling over VideoDecoder (video_decoder.cpp).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "input/input.h"
#include "input/internal.h"

namespace ekyc::input {
namespace {

using internal::kVideoWhatToSend;
using internal::VideoUndecodable;

bool At(std::string_view b, size_t pos, std::string_view s) {
  return b.size() >= pos + s.size() && b.substr(pos, s.size()) == s;
}

Status TooLong(double seconds, double limit) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "The video is %.1f s long, over the %.1f s limit: ", seconds,
                limit);
  // Like the byte and pixel limits, the duration limit bounds what the request makes the server
  // do: the same category, so the same answer (HTTP 413 / E413).
  return ResourceExhausted("video.too_long",
                           std::string(buf) + "record a shorter clip (a few seconds is enough)");
}

// Evenly spaced indices over [0, total): the centres of max_frames equal segments.
std::vector<int> SampleIndices(int total, int max_frames) {
  std::vector<int> out;
  if (total <= 0 || max_frames <= 0) return out;
  const int n = std::min(total, max_frames);
  for (int i = 0; i < n; ++i) {
    const int idx = static_cast<int>((static_cast<double>(i) + 0.5) * total / n);
    if (out.empty() || idx > out.back()) out.push_back(std::min(idx, total - 1));
  }
  return out;
}

struct Pass {
  std::vector<cv::Mat> frames;
  std::vector<int> indices;
  int decoded = 0;
};

// Decodes the stream sequentially (seeking is unreliable across containers) and keeps the
// frames whose index is in `wanted`. Fails when the clip turns out longer than `max_decoded`.
Result<Pass> DecodePass(std::string_view bytes, const VideoDecoderLimits& limits,
                        const std::vector<int>& wanted, int max_decoded, double fps,
                        double max_duration_s) {
  EKYC_ASSIGN_OR_RETURN(std::unique_ptr<VideoDecoder> decoder, VideoDecoder::Create(bytes, limits));
  Pass pass;
  size_t next = 0;
  while (true) {
    EKYC_ASSIGN_OR_RETURN(const bool more, decoder->Next());
    if (!more) break;
    const int idx = pass.decoded++;
    if (idx >= max_decoded) return TooLong(pass.decoded / fps, max_duration_s);
    if (next < wanted.size() && wanted[next] == idx) {
      EKYC_ASSIGN_OR_RETURN(cv::Mat frame, decoder->Bgr());
      pass.frames.push_back(frame.clone());
      pass.indices.push_back(idx);
      ++next;
    }
  }
  return pass;
}

}  // namespace

VideoContainer SniffVideoContainer(std::string_view b) {
  if (At(b, 0, "\x1A\x45\xDF\xA3")) return VideoContainer::kWebm;
  if (At(b, 0, "RIFF") && At(b, 8, "AVI ")) return VideoContainer::kAvi;
  if (At(b, 4, "ftyp")) {
    // HEIC/AVIF stills share the ISO box structure; DescribeContent knows their brands.
    return internal::DescribeContent(b).find("video") != std::string::npos
               ? VideoContainer::kMp4
               : VideoContainer::kUnknown;
  }
  // Old QuickTime files may start with another top-level atom.
  for (std::string_view atom : {"moov", "mdat", "wide", "free", "skip", "pnot"}) {
    if (At(b, 4, atom)) return VideoContainer::kMp4;
  }
  return VideoContainer::kUnknown;
}

const char* VideoContainerName(VideoContainer container) {
  switch (container) {
    case VideoContainer::kMp4:
      return "mp4";
    case VideoContainer::kWebm:
      return "webm";
    case VideoContainer::kAvi:
      return "avi";
    case VideoContainer::kUnknown:
      break;
  }
  return "unknown";
}

VideoPolicy VideoPolicy::FromConfig(const Config& config) {
  VideoPolicy p;
  p.max_bytes = config.max_video_bytes;
  p.max_duration_s = config.max_video_seconds;
  p.max_frames = config.video_frames;
  // Frames also obey the image pixel limit.
  p.max_frame_pixels = std::min(p.max_frame_pixels, config.max_image_pixels);
  return p;
}

Result<VideoClip> DecodeVideo(std::string_view bytes, const VideoPolicy& policy) {
  if (bytes.empty()) {
    return InvalidArgument("video.empty",
                           std::string("The video is empty (0 bytes): ") + kVideoWhatToSend);
  }
  const auto size = static_cast<int64_t>(bytes.size());
  if (size > policy.max_bytes) {
    return ResourceExhausted("video.too_large",
                             "The video is " + internal::HumanBytes(size) + ", over the " +
                                 internal::HumanBytes(policy.max_bytes) +
                                 " limit: record a shorter or lower-resolution clip");
  }
  const VideoContainer container = SniffVideoContainer(bytes);
  if (container == VideoContainer::kUnknown) {
    const std::string kind = internal::DescribeContent(bytes);
    return Unsupported("video.unsupported_format",
                       (kind.empty() ? std::string("The data is not a recognised video file")
                                     : "This is " + kind + ", not a supported video") +
                           ": " + kVideoWhatToSend);
  }

  VideoDecoderLimits limits;
  limits.max_frame_pixels = policy.max_frame_pixels;
  EKYC_ASSIGN_OR_RETURN(std::unique_ptr<VideoDecoder> probe, VideoDecoder::Create(bytes, limits));
  const VideoStreamInfo& info = probe->info();
  const double fps = info.fps;
  const double declared = static_cast<double>(info.declared_frames);
  const int width = info.declared_width, height = info.declared_height;
  probe.reset();
  if (!(fps > 0.5 && fps < 1000)) return VideoUndecodable("it declares no usable frame rate");
  if (width <= 0 || height <= 0) return VideoUndecodable("it declares no frame size");
  // Refused early from what the container declares; every decoded frame is checked again.
  if (int64_t{width} * height > policy.max_frame_pixels) {
    return internal::VideoTooManyPixels(width, height);
  }
  // Refuse an over-long clip from its metadata before decoding; the decode pass enforces the
  // limit again on the frames actually present, in case the metadata lies.
  if (declared > 0 && declared / fps > policy.max_duration_s) {
    return TooLong(declared / fps, policy.max_duration_s);
  }
  const int max_decoded = static_cast<int>(std::floor(policy.max_duration_s * fps)) + 1;
  const int expected = declared > 0 ? static_cast<int>(declared) : max_decoded;

  EKYC_ASSIGN_OR_RETURN(
      Pass pass, DecodePass(bytes, limits, SampleIndices(expected, policy.max_frames), max_decoded,
                            fps, policy.max_duration_s));
  if (pass.decoded == 0) return VideoUndecodable("no frame could be decoded");
  // A file cut short keeps its full index but loses frames; refuse rather than analyse a
  // fragment of what the user recorded.
  if (declared > 0 && pass.decoded < 0.9 * declared) {
    return VideoUndecodable("only " + std::to_string(pass.decoded) + " of its " +
                            std::to_string(static_cast<int>(declared)) +
                            " frames could be decoded");
  }
  const std::vector<int> ideal = SampleIndices(pass.decoded, policy.max_frames);
  if (pass.indices.size() < ideal.size()) {
    // The declared count was too high, so the samples bunch at the start: redo with the truth.
    EKYC_ASSIGN_OR_RETURN(
        pass, DecodePass(bytes, limits, ideal, max_decoded, fps, policy.max_duration_s));
  }

  VideoClip clip;
  clip.frames = std::move(pass.frames);
  clip.frame_indices = std::move(pass.indices);
  for (int idx : clip.frame_indices) clip.timestamps_ms.push_back(idx * 1000.0 / fps);
  clip.fps = fps;
  clip.total_frames = pass.decoded;
  clip.duration_s = pass.decoded / fps;
  clip.width = clip.frames.empty() ? width : clip.frames.front().cols;
  clip.height = clip.frames.empty() ? height : clip.frames.front().rows;
  clip.encoded_bytes = size;
  clip.container = container;
  return clip;
}

}  // namespace ekyc::input
