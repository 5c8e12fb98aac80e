#include <cctype>
#include <cmath>
#include <cstdio>

#include "input/internal.h"

namespace ekyc::input::internal {
namespace {

using namespace std::string_view_literals;

bool StartsWith(std::string_view b, std::string_view prefix, size_t at = 0) {
  return b.size() >= at + prefix.size() && b.substr(at, prefix.size()) == prefix;
}

// Skips leading ASCII whitespace and a UTF-8 byte-order mark, for text formats.
std::string_view SkipTextLead(std::string_view b) {
  if (StartsWith(b, "\xEF\xBB\xBF")) b.remove_prefix(3);
  size_t i = 0;
  while (i < b.size() && i < 1024 && std::isspace(static_cast<unsigned char>(b[i]))) ++i;
  return b.substr(i);
}

bool StartsWithNoCase(std::string_view b, std::string_view prefix) {
  if (b.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(b[i])) != prefix[i]) return false;
  }
  return true;
}

// ISO BMFF files (MP4, MOV, HEIC, AVIF, 3GP) share the "ftyp" box; the major brand tells them
// apart. Image brands first, anything else is treated as video.
std::string DescribeFtyp(std::string_view b) {
  std::string_view brand = b.size() >= 12 ? b.substr(8, 4) : std::string_view();
  for (std::string_view heif :
       {"heic"sv, "heix"sv, "hevc"sv, "hevx"sv, "heim"sv, "heis"sv, "mif1"sv, "msf1"sv}) {
    if (brand == heif) return "a HEIC/HEIF image";
  }
  if (brand == "avif" || brand == "avis") return "an AVIF image";
  if (brand == "crx ") return "a Canon RAW (CR3) image";
  if (brand == "jp2 " || brand == "jpx ") return "a JPEG 2000 image";
  return "an MP4/QuickTime video";
}

}  // namespace

std::string DescribeContent(std::string_view b) {
  const auto* u = reinterpret_cast<const unsigned char*>(b.data());
  // Images we decode.
  if (StartsWith(b, "\xFF\xD8\xFF")) return kJpegName;
  if (StartsWith(b, "\x89PNG\r\n\x1A\n")) return kPngName;
  if (StartsWith(b, "RIFF") && StartsWith(b, "WEBP", 8)) return kWebpName;
  if (StartsWith(b, "BM") && b.size() >= 18) {
    uint32_t dib = Le32(u + 14);
    if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124) {
      return kBmpName;
    }
  }
  // Images we do not decode.
  if (StartsWith(b, "GIF87a") || StartsWith(b, "GIF89a")) return "a GIF image";
  if (StartsWith(b, "II*\0"sv) || StartsWith(b, "MM\0*"sv)) return "a TIFF image";
  if (StartsWith(b, "\0\0\0\x0CjP  \r\n\x87\n"sv) || StartsWith(b, "\xFF\x4F\xFF\x51"))
    return "a JPEG 2000 image";
  if (StartsWith(b, "\xFF\x0A") || StartsWith(b, "\0\0\0\x0CJXL \r\n\x87\n"sv))
    return "a JPEG XL image";
  if (StartsWith(b, "ftyp", 4)) return DescribeFtyp(b);
  if (StartsWith(b, "\0\0\1\0"sv) && b.size() >= 6 && u[4] != 0) return "a Windows icon (ICO)";
  if (StartsWith(b, "8BPS")) return "a Photoshop (PSD) image";
  if (StartsWith(b, "\x76\x2F\x31\x01")) return "an OpenEXR image";
  if (StartsWith(b, "#?RADIANCE") || StartsWith(b, "#?RGBE")) return "a Radiance HDR image";
  if (b.size() >= 3 && u[0] == 'P' && u[1] >= '1' && u[1] <= '7' &&
      std::isspace(static_cast<unsigned char>(u[2])))
    return "a Netpbm (PPM/PGM) image";
  // Documents, archives, media and programs people send by mistake.
  if (StartsWith(b, "%PDF-")) return "a PDF document";
  if (StartsWith(b, "PK\3\4"sv)) return "a ZIP archive (or an Office document)";
  if (StartsWith(b, "\x1F\x8B")) return "a gzip archive";
  if (StartsWith(b, "Rar!\x1A\x07")) return "a RAR archive";
  if (StartsWith(b, "7z\xBC\xAF\x27\x1C")) return "a 7-Zip archive";
  if (StartsWith(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return "a legacy Office document";
  if (StartsWith(b, "\x1A\x45\xDF\xA3")) return "a WebM/Matroska video";
  if (StartsWith(b, "RIFF") && StartsWith(b, "AVI ", 8)) return "an AVI video";
  if (StartsWith(b, "RIFF") && StartsWith(b, "WAVE", 8)) return "a WAV audio file";
  if (StartsWith(b, "\0\0\1\xBA"sv)) return "an MPEG video";
  if (StartsWith(b, "ID3") || StartsWith(b, "\xFF\xFB") || StartsWith(b, "\xFF\xF3") ||
      StartsWith(b, "\xFF\xF2"))
    return "an MP3 audio file";
  if (StartsWith(b, "OggS")) return "an Ogg media file";
  if (StartsWith(b,
                 "\x7F"
                 "ELF"))
    return "an ELF executable";
  if (StartsWith(b, "MZ") && b.size() >= 64) return "a Windows executable";
  std::string_view text = SkipTextLead(b);
  if (StartsWithNoCase(text, "<!doctype html") || StartsWithNoCase(text, "<html"))
    return "an HTML page";
  if (StartsWithNoCase(text, "<svg") ||
      (StartsWithNoCase(text, "<?xml") &&
       text.substr(0, 4096).find("<svg") != std::string_view::npos))
    return "an SVG image";
  if (StartsWithNoCase(text, "<?xml")) return "an XML document";
  return "";
}

std::string HumanBytes(int64_t bytes) {
  char buf[32];
  if (bytes >= (1LL << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(bytes));
  }
  return buf;
}

}  // namespace ekyc::input::internal
