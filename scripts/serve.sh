#!/usr/bin/env bash
# `make run`: prepares ./var (or $EKYC_DATA_DIR), creates a first API key on first run (saved to
# <data dir>/api-key.txt, mode 0600), prints the URL, the key file and an example request, then
# replaces itself with `BUILD_DIR/ekyc serve` (so Ctrl-C / SIGTERM reach the server directly).
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
BIN="$BUILD/ekyc"
if [ ! -x "$BIN" ]; then
  echo "serve.sh: $BIN not found; build it first (make build)" >&2
  exit 1
fi

export EKYC_DATA_DIR=${EKYC_DATA_DIR:-./var}
mkdir -p "$EKYC_DATA_DIR"
chmod 700 "$EKYC_DATA_DIR"
KEYS_FILE=${EKYC_API_KEYS_FILE:-$EKYC_DATA_DIR/api-keys.json}
KEY_TXT="$EKYC_DATA_DIR/api-key.txt"

if [ ! -s "$KEY_TXT" ]; then
  name=default
  if "$BIN" keys list 2>/dev/null | cut -f1 | grep -qx default; then
    # A "default" key exists but its clear copy is gone: make a new one rather than revoke a key
    # that may be in use.
    name="default-$(date -u +%Y%m%d%H%M%S)"
  fi
  out=$("$BIN" keys add "$name")
  key=$(printf '%s\n' "$out" | tail -n 1)
  (umask 077 && printf '%s\n' "$key" > "$KEY_TXT")
  chmod 600 "$KEY_TXT"
  echo "serve.sh: created API key '$name'; its value is in $KEY_TXT (the server keeps only a hash)"
fi

PORT=${EKYC_PORT:-8443}
HOST=${EKYC_HOST:-0.0.0.0}
case "$HOST" in 0.0.0.0|::|"") SHOW_HOST=localhost ;; *) SHOW_HOST=$HOST ;; esac
SCHEME=https
if [ "${EKYC_ALLOW_PLAIN_HTTP:-false}" = "true" ]; then SCHEME=http; fi
CERT=${EKYC_TLS_CERT:-$EKYC_DATA_DIR/tls/server.crt}
URL="$SCHEME://$SHOW_HOST:$PORT"

cat <<MSG
ekyc will listen on $URL
  API keys file: $KEYS_FILE   (manage with: $BIN keys add|list|revoke)
  API key for this machine: $KEY_TXT
  TLS certificate: $CERT (self-signed unless EKYC_TLS_CERT is set; created on first start)
Example:
  curl --cacert $CERT -H "x-api-key: \$(cat $KEY_TXT)" \\
       -F image_card1=@card_front.jpg $URL/call/predict
  curl --cacert $CERT $URL/readyz
MSG

exec "$BIN" serve
