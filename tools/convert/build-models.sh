#!/usr/bin/env bash
# Converts the pinned models into BUILD_DIR/models (ONNX + manifest.json + reference data).
# Usage: tools/convert/build-models.sh [--update-lock] BUILD_DIR
#   --update-lock  record the converted files' sha256 in models/models.lock (after a deliberate
#                  converter or package change); without it a differing sha256 stops the build.
# Needs: /usr/bin/python3 with Debian's python3-onnx + numpy, node + npm (reference runtimes are
# installed with `npm ci` from tools/reference/package-lock.json, npm cache in $EKYC_CACHE/npm).
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/build_models.py" "$@"
