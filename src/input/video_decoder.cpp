// Frame-by-frame video decoding with libavformat/libavcodec from memory, conversion to BGR with
// libswscale.
//
// Every output matrix is sized from the decoded picture (AVFrame), never from the size the
// container declares: a container may declare any size around its frames, and a buffer sized from
// one while the other is copied reads past it (OpenCV 4.6's FFmpeg backend did exactly that).
//
// What it keeps from the OpenCV backend it replaces, so that the same clips give the same frames:
// the first video stream, the frame rate (average frame rate, else 1 / time base), the declared
// frame count (frame count, else duration × frame rate), the display rotation (display-matrix side
// data, else the "rotate" tag) applied with cv::rotate, colour conversion with SWS_BICUBIC, a
// stream that ends at the first packet the decoder refuses, at most `declared + 1` frames, and 30 s
// to open and to produce each frame.
// FFmpeg's headers declare C functions without extern "C" guards of their own.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <opencv2/core.hpp>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "input/input.h"
#include "input/internal.h"

namespace ekyc::input {
namespace {

using Clock = std::chrono::steady_clock;

// The demuxer for each sniffed container: libavformat probes nothing else, so bytes that sniff
// as one container are never parsed by an unrelated demuxer.
const char* DemuxerName(VideoContainer c) {
  switch (c) {
    case VideoContainer::kMp4:
      return "mov";
    case VideoContainer::kWebm:
      return "matroska";
    case VideoContainer::kAvi:
      return "avi";
    case VideoContainer::kUnknown:
      break;
  }
  return nullptr;
}

// The bytes being read, for the custom AVIOContext.
struct MemoryReader {
  const uint8_t* data = nullptr;
  int64_t size = 0;
  int64_t pos = 0;

  static int Read(void* opaque, uint8_t* buf, int buf_size) {
    auto* r = static_cast<MemoryReader*>(opaque);
    if (buf_size <= 0) return 0;
    if (r->pos >= r->size) return AVERROR_EOF;
    const int64_t n = std::min<int64_t>(buf_size, r->size - r->pos);
    std::memcpy(buf, r->data + r->pos, static_cast<size_t>(n));
    r->pos += n;
    return static_cast<int>(n);
  }

  static int64_t Seek(void* opaque, int64_t offset, int whence) {
    auto* r = static_cast<MemoryReader*>(opaque);
    if (whence & AVSEEK_SIZE) return r->size;
    int64_t base = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case SEEK_SET:
        base = 0;
        break;
      case SEEK_CUR:
        base = r->pos;
        break;
      case SEEK_END:
        base = r->size;
        break;
      default:
        return AVERROR(EINVAL);
    }
    // Offsets come from the file: refuse what would overflow or leave [0, size].
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0 || base + offset > r->size) {
      return AVERROR(EINVAL);
    }
    r->pos = base + offset;
    return r->pos;
  }
};

// Lets libavformat's blocking loops give up once the current deadline has passed.
struct Deadline {
  Clock::time_point at = Clock::time_point::max();
  bool Passed() const { return Clock::now() > at; }
  static int Callback(void* opaque) { return static_cast<Deadline*>(opaque)->Passed() ? 1 : 0; }
};

// A container may name other files (QuickTime references, playlists); a video held in memory
// never needs one, so every such open is refused.
int RefuseNestedOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

void QuietLibav() {
  static std::once_flag once;
  // Decoder complaints about damaged input reach the caller as a Status; on stderr they would
  // only be noise (and a cost when a fuzzer feeds millions of damaged files).
  std::call_once(once, [] { av_log_set_level(AV_LOG_FATAL); });
}

double Ratio(AVRational r) {
  return r.num == 0 || r.den == 0 ? 0.0 : static_cast<double>(r.num) / r.den;
}

// Clockwise degrees the frames must turn to be shown upright: 0, 90, 180 or 270 (other angles
// and mirrored matrices are left as stored, as players commonly do).
int DisplayRotation(const AVStream* st) {
  double angle = 0;
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix != nullptr && size >= 9 * sizeof(int32_t)) {
    // av_display_rotation_get is counter-clockwise.
    angle = -av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  } else if (const AVDictionaryEntry* tag = av_dict_get(st->metadata, "rotate", nullptr, 0)) {
    angle = std::strtod(tag->value, nullptr);
  }
  if (!std::isfinite(angle) || std::abs(angle) > 1e6) return 0;
  int deg = static_cast<int>(std::lround(angle)) % 360;
  if (deg < 0) deg += 360;
  return deg % 90 == 0 ? deg : 0;
}

}  // namespace

namespace internal {

Status VideoUndecodable(const std::string& why) {
  return InvalidArgument("video.undecodable",
                         "The video could not be decoded (" + why +
                             "); it may be truncated, damaged or use an unsupported codec: " +
                             kVideoWhatToSend + " (H.264, VP8 or VP9) and upload the whole file");
}

Status VideoTooManyPixels(int64_t width, int64_t height) {
  return ResourceExhausted("video.too_many_pixels",
                           "The video frames are " + std::to_string(width) + "x" +
                               std::to_string(height) +
                               " pixels, over the limit: record at 1080p (4K at most)");
}

}  // namespace internal

// Owns every libav object of one open stream; the destructor frees them in reverse order of
// creation, whatever state Create() or decoding stopped in.
struct VideoDecoder::State {
  MemoryReader reader;
  Deadline deadline;
  VideoDecoderLimits limits;
  AVIOContext* io = nullptr;
  AVFormatContext* fmt = nullptr;
  AVCodecContext* codec = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  SwsContext* sws = nullptr;
  int stream = -1;
  int64_t container_frames = 0;  // the container's own frame count (0 = none)
  VideoStreamInfo info;
  int decoded = 0;
  bool have_frame = false;
  bool draining = false;  // end of input reached: the decoder is being flushed
  bool finished = false;
  int out_width = 0;  // output size, fixed by the first converted frame
  int out_height = 0;

  ~State() {
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    avformat_close_input(&fmt);  // custom I/O: leaves `io` to us
    if (io != nullptr) av_freep(&io->buffer);
    avio_context_free(&io);
  }
};

VideoDecoder::VideoDecoder() : s_(std::make_unique<State>()) {}
VideoDecoder::~VideoDecoder() = default;

const VideoStreamInfo& VideoDecoder::info() const {
  return s_->info;
}
int VideoDecoder::frames_decoded() const {
  return s_->decoded;
}

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::Create(std::string_view bytes,
                                                           const VideoDecoderLimits& limits) {
  using internal::VideoUndecodable;
  QuietLibav();
  const char* demuxer_name = DemuxerName(SniffVideoContainer(bytes));
  if (demuxer_name == nullptr) {
    return Unsupported(
        "video.unsupported_format",
        std::string("The data is not a recognised video file: ") + internal::kVideoWhatToSend);
  }
  const AVInputFormat* demuxer = av_find_input_format(demuxer_name);
  if (demuxer == nullptr) return VideoUndecodable("this build has no demuxer for the container");

  std::unique_ptr<VideoDecoder> dec(new VideoDecoder());
  State& s = *dec->s_;
  s.limits = limits;
  s.reader.data = reinterpret_cast<const uint8_t*>(bytes.data());
  s.reader.size = static_cast<int64_t>(bytes.size());
  s.deadline.at = Clock::now() + std::chrono::milliseconds(limits.open_timeout_ms);

  constexpr int kIoBufferSize = 64 * 1024;
  auto* io_buffer = static_cast<unsigned char*>(av_malloc(kIoBufferSize));
  if (io_buffer == nullptr) return Internal("input.internal", "out of memory for video decoding");
  s.io = avio_alloc_context(io_buffer, kIoBufferSize, 0, &s.reader, &MemoryReader::Read, nullptr,
                            &MemoryReader::Seek);
  if (s.io == nullptr) {
    av_free(io_buffer);
    return Internal("input.internal", "out of memory for video decoding");
  }
  s.fmt = avformat_alloc_context();
  if (s.fmt == nullptr) return Internal("input.internal", "out of memory for video decoding");
  s.fmt->pb = s.io;
  s.fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  s.fmt->interrupt_callback = {&Deadline::Callback, &s.deadline};
  s.fmt->io_open = &RefuseNestedOpen;
  // On failure avformat_open_input frees the context and nulls the pointer.
  int err = avformat_open_input(&s.fmt, "", demuxer, nullptr);
  if (err < 0) return VideoUndecodable("the container could not be opened");
  // The size each track's header declares, before probing: a probing decoder that refuses an
  // over-limit size clears it, and the early refusal must still see what was declared.
  std::vector<std::pair<int, int>> header_size;
  for (unsigned i = 0; i < s.fmt->nb_streams; ++i) {
    header_size.emplace_back(s.fmt->streams[i]->codecpar->width,
                             s.fmt->streams[i]->codecpar->height);
  }
  {
    // Probing decodes a few frames with decoders of its own: they obey the pixel limit too.
    std::vector<AVDictionary*> options(s.fmt->nb_streams, nullptr);
    for (AVDictionary*& d : options) {
      av_dict_set_int(&d, "max_pixels", limits.max_frame_pixels, 0);
    }
    err = avformat_find_stream_info(s.fmt, options.empty() ? nullptr : options.data());
    for (AVDictionary*& d : options) av_dict_free(&d);
  }
  if (err < 0) return VideoUndecodable("the container could not be opened");

  for (unsigned i = 0; i < s.fmt->nb_streams; ++i) {
    if (s.fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
      s.stream = static_cast<int>(i);
      break;
    }
  }
  if (s.stream < 0) return VideoUndecodable("it has no video track");
  AVStream* st = s.fmt->streams[s.stream];
  int width = st->codecpar->width, height = st->codecpar->height;
  if (static_cast<size_t>(s.stream) < header_size.size() && header_size[s.stream].first > 0 &&
      header_size[s.stream].second > 0) {
    std::tie(width, height) = header_size[s.stream];
  }
  // Declared over the limit: refused as such (the decoder would refuse to open anyway).
  if (int64_t{width} * height > limits.max_frame_pixels) {
    return internal::VideoTooManyPixels(width, height);
  }
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (codec == nullptr) return VideoUndecodable("its video codec is not supported");
  s.codec = avcodec_alloc_context3(codec);
  if (s.codec == nullptr) return Internal("input.internal", "out of memory for video decoding");
  if (avcodec_parameters_to_context(s.codec, st->codecpar) < 0) {
    return VideoUndecodable("the container could not be opened");
  }
  // The decoder itself refuses pictures over the pixel limit before allocating them, whatever
  // the container declared.
  s.codec->max_pixels = limits.max_frame_pixels;
  s.codec->thread_count =
      static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
  err = avcodec_open2(s.codec, codec, nullptr);
  if (err < 0) return VideoUndecodable("its video codec could not be opened");
  s.packet = av_packet_alloc();
  s.frame = av_frame_alloc();
  if (s.packet == nullptr || s.frame == nullptr) {
    return Internal("input.internal", "out of memory for video decoding");
  }

  VideoStreamInfo& info = s.info;
  info.fps = Ratio(st->avg_frame_rate);
  if (info.fps < 1e-6) info.fps = 1.0 / std::max(Ratio(st->time_base), 1e-300);
  if (!std::isfinite(info.fps)) info.fps = 0;
  s.container_frames = std::max<int64_t>(st->nb_frames, 0);
  double frames = static_cast<double>(s.container_frames);
  if (frames == 0) {
    double seconds = s.fmt->duration == AV_NOPTS_VALUE
                         ? 0.0
                         : static_cast<double>(s.fmt->duration) / AV_TIME_BASE;
    if (seconds < 1e-6 && st->duration != AV_NOPTS_VALUE) {
      seconds = static_cast<double>(st->duration) * Ratio(st->time_base);
    }
    frames = std::floor(seconds * info.fps + 0.5);
  }
  // The count is only a hint (sampling, truncation check); keep it in a sane range.
  info.declared_frames =
      std::isfinite(frames) && frames > 0 ? static_cast<int64_t>(std::min(frames, 1e9)) : 0;
  info.rotation_degrees = DisplayRotation(st);
  const bool quarter_turn = info.rotation_degrees % 180 != 0;
  info.declared_width = quarter_turn ? height : width;
  info.declared_height = quarter_turn ? width : height;
  return dec;
}

Result<bool> VideoDecoder::Next() {
  State& s = *s_;
  s.have_frame = false;
  if (s.finished) return false;
  // As the OpenCV backend did: a stream with a frame count ends one frame past it.
  if (s.container_frames > 0 && s.decoded > s.container_frames) {
    s.finished = true;
    return false;
  }
  s.deadline.at = Clock::now() + std::chrono::milliseconds(s.limits.frame_timeout_ms);
  int idle = 0;  // packets read and attempts made since the last frame
  while (true) {
    if (s.deadline.Passed()) {
      s.finished = true;
      return internal::VideoUndecodable("frame " + std::to_string(s.decoded) +
                                        " took too long to decode");
    }
    int err = avcodec_receive_frame(s.codec, s.frame);
    if (err >= 0) {
      ++s.decoded;
      s.have_frame = true;
      return true;
    }
    if (err == AVERROR_EOF || s.draining) {
      s.finished = true;
      return false;
    }
    // EAGAIN (wants more input) or a damaged picture: either way, feed the next packet, but
    // give up once too many go by without a frame.
    if (++idle > s.limits.max_packets_per_frame) {
      s.finished = true;
      return false;
    }
    av_packet_unref(s.packet);
    err = av_read_frame(s.fmt, s.packet);
    if (err == AVERROR(EAGAIN)) continue;
    if (err < 0) {
      // End of input, or input that cannot be parsed further: return what the decoder holds.
      s.draining = true;
      if (avcodec_send_packet(s.codec, nullptr) < 0) {
        s.finished = true;
        return false;
      }
      continue;
    }
    if (s.packet->stream_index != s.stream) continue;
    // A packet the decoder refuses ends the stream (later frames would depend on it).
    if (avcodec_send_packet(s.codec, s.packet) < 0) {
      s.finished = true;
      return false;
    }
  }
}

Result<cv::Mat> VideoDecoder::Bgr() {
  using internal::VideoUndecodable;
  State& s = *s_;
  if (!s.have_frame) return Internal("input.internal", "no decoded video frame to convert");
  const AVFrame* f = s.frame;
  const std::string which = "frame " + std::to_string(s.decoded - 1);
  if (f->width <= 0 || f->height <= 0 || f->data[0] == nullptr) {
    return VideoUndecodable(which + " is empty");
  }
  if (int64_t{f->width} * f->height > s.limits.max_frame_pixels) {
    return internal::VideoTooManyPixels(f->width, f->height);
  }
  const auto format = static_cast<AVPixelFormat>(f->format);
  if (format == AV_PIX_FMT_NONE || av_pix_fmt_desc_get(format) == nullptr ||
      (av_pix_fmt_desc_get(format)->flags & AV_PIX_FMT_FLAG_HWACCEL) != 0) {
    return VideoUndecodable(which + " has no usable pixel format");
  }
  // The analysis compares frames with one another, so a stream whose resolution changes midway
  // (allowed in VP8/VP9) is scaled to the size of the first frame converted.
  if (s.out_width == 0) {
    s.out_width = f->width;
    s.out_height = f->height;
  }
  s.sws = sws_getCachedContext(s.sws, f->width, f->height, format, s.out_width, s.out_height,
                               AV_PIX_FMT_BGR24, SWS_BICUBIC, nullptr, nullptr, nullptr);
  if (s.sws == nullptr) return VideoUndecodable(which + " has an unsupported pixel format");
  // libswscale's vector code writes whole blocks of pixels, up to a few past the row's end, and
  // prefers aligned rows: each row is padded to a multiple of 32 pixels (then 64 bytes), and one
  // spare row follows the last, so that no write leaves the buffer. The view drops the padding.
  // OpenCV reports a failed allocation by exception; the caller gets a Status.
  try {
    const int row_bytes = s.out_width * 3;
    const int stride = ((s.out_width + 31) / 32 * 32 * 3 + 63) / 64 * 64;
    cv::Mat padded(s.out_height + 1, stride, CV_8UC1);
    uint8_t* dst[4] = {padded.data, nullptr, nullptr, nullptr};
    int dst_stride[4] = {stride, 0, 0, 0};
    const int rows = sws_scale(s.sws, f->data, f->linesize, 0, f->height, dst, dst_stride);
    if (rows != s.out_height) return VideoUndecodable(which + " could not be converted");
    cv::Mat bgr = padded(cv::Rect(0, 0, row_bytes, s.out_height)).reshape(3);
    switch (s.info.rotation_degrees) {
      case 90:
        cv::rotate(bgr, bgr, cv::ROTATE_90_CLOCKWISE);
        break;
      case 180:
        cv::rotate(bgr, bgr, cv::ROTATE_180);
        break;
      case 270:
        cv::rotate(bgr, bgr, cv::ROTATE_90_COUNTERCLOCKWISE);
        break;
      default:
        // A view would keep the padding and the spare row, which are never written, next to the
        // picture: OpenCV's filters and copyMakeBorder read the pixels around a view as its
        // border, so results at the frame's edges would depend on stale memory. The frame owns
        // exactly its pixels instead (one copy, cheap beside the decoding).
        bgr = bgr.clone();
        break;
    }
    return bgr;
  } catch (const cv::Exception&) {
    return Internal("input.internal", "out of memory converting a video frame");
  }
}

}  // namespace ekyc::input
