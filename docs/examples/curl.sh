#!/usr/bin/env bash
# curl examples for every route of `ekyc serve` (docs/api.md, docs/openapi.yaml).
#   EKYC_API_KEY=$(ekyc keys add me | tail -n 1) docs/examples/curl.sh ROUTE
# Prints the response envelope. Settings (environment):
#   EKYC_URL      server (https://localhost:8443)     EKYC_CA_CERT  its certificate (var/tls/server.crt)
#   EKYC_API_KEY  an API key (required)
#   EKYC_CARD_FRONT, EKYC_CARD_BACK   card sides (the committed synthetic chip card)
#   EKYC_SELFIE   selfie of the card holder           EKYC_VIDEO    selfie video of the card holder
#   EKYC_FACE     a face to register                  EKYC_PROBE    another photo of that person
#   EKYC_USER_ID (user-001), EKYC_FACE_ID (all), EKYC_COLLECTION (default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cards="$here/../../tests/data/cards"
URL=${EKYC_URL:-https://localhost:8443}
CA=${EKYC_CA_CERT:-var/tls/server.crt}
: "${EKYC_API_KEY:?set EKYC_API_KEY (ekyc keys add NAME | tail -n 1)}"
FRONT=${EKYC_CARD_FRONT:-$cards/0003_cccd_chip_front_phone.jpg}
BACK=${EKYC_CARD_BACK:-$cards/0003_cccd_chip_back_phone.jpg}
USER_ID=${EKYC_USER_ID:-user-001}
need() { [ -n "${!1:-}" ] || { echo "set $1 (an image/video file)" >&2; exit 2; }; }
# --cacert trusts the server's self-signed certificate; -sS: quiet, but show transport errors.
post() { curl -sS --cacert "$CA" -H "x-api-key: $EKYC_API_KEY" "$@"; echo; }

case "${1:-}" in
  register_ekyc_front_back_face)
    need EKYC_SELFIE
    post -F image_card1=@"$FRONT" -F image_card2=@"$BACK" -F image_general=@"$EKYC_SELFIE" \
         -F user_id="$USER_ID" -F check_rotate=true -F threshold=0.5 \
         "$URL/call/register_ekyc_front_back_face" ;;
  register_ekyc_front_back_face_video)
    need EKYC_VIDEO
    post -F image_card1=@"$FRONT" -F image_card2=@"$BACK" -F video_general=@"$EKYC_VIDEO" \
         -F user_id="$USER_ID" "$URL/call/register_ekyc_front_back_face_video" ;;
  register_user_face)
    need EKYC_FACE
    post -F user_id="$USER_ID" -F image_face=@"$EKYC_FACE" "$URL/call/register_user_face" ;;
  check_match_image_card_image_general)
    need EKYC_SELFIE
    post -F image_card1=@"$FRONT" -F image_general=@"$EKYC_SELFIE" -F threshold=0.5 \
         "$URL/call/check_match_image_card_image_general" ;;
  verify_user_face)
    need EKYC_PROBE
    post -F user_id="$USER_ID" -F image_general=@"$EKYC_PROBE" "$URL/call/verify_user_face" ;;
  register_user_face_third_party)
    need EKYC_FACE
    post -F user_id="$USER_ID" -F collection="${EKYC_COLLECTION:-partner_x}" -F image_face=@"$EKYC_FACE" \
         "$URL/call/register_user_face_third_party" ;;
  search_face)
    need EKYC_PROBE
    post -F image_general=@"$EKYC_PROBE" -F top_k=3 "$URL/call/search_face/" ;;
  get_all_face_of_user)
    # JSON works on every route; no images here.
    post -H 'Content-Type: application/json' -d "{\"user_id\": \"$USER_ID\"}" "$URL/call/get_all_face_of_user" ;;
  delete_user_face)
    post -H 'Content-Type: application/json' \
         -d "{\"user_id\": \"$USER_ID\", \"face_id\": \"${EKYC_FACE_ID:-all}\", \"collection\": \"${EKYC_COLLECTION:-default}\"}" \
         "$URL/call/delete_user_face/" ;;
  predict)
    # JSON with base64 images (a data: URL or an https URL works too).
    printf '{"image_card1": "%s", "image_card2": "%s"}' "$(base64 -w0 "$FRONT")" "$(base64 -w0 "$BACK")" |
      post -H 'Content-Type: application/json' --data-binary @- "$URL/call/predict" ;;
  healthz | readyz | metrics)
    curl -sS --cacert "$CA" "$URL/$1"; echo ;;
  *)
    echo "usage: $0 ROUTE  (register_ekyc_front_back_face, register_ekyc_front_back_face_video," >&2
    echo "  register_user_face, check_match_image_card_image_general, verify_user_face," >&2
    echo "  register_user_face_third_party, search_face, get_all_face_of_user, delete_user_face," >&2
    echo "  predict, healthz, readyz, metrics)" >&2
    exit 2 ;;
esac
