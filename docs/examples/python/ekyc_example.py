#!/usr/bin/env python3
"""Python examples (standard library only) for every route of `ekyc serve`.

    EKYC_API_KEY=$(ekyc keys add me | tail -n 1) python3 docs/examples/python/ekyc_example.py ROUTE

Prints the response envelope. The settings are the same environment variables as curl.sh:
EKYC_URL, EKYC_CA_CERT (the server's self-signed certificate, var/tls/server.crt), EKYC_API_KEY,
EKYC_CARD_FRONT, EKYC_CARD_BACK, EKYC_SELFIE, EKYC_VIDEO, EKYC_FACE, EKYC_PROBE, EKYC_USER_ID,
EKYC_FACE_ID, EKYC_COLLECTION.
"""
import base64
import json
import os
import ssl
import sys
import urllib.error
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
CARDS = os.path.join(HERE, "..", "..", "..", "tests", "data", "cards")
URL = os.environ.get("EKYC_URL", "https://localhost:8443")
CA_CERT = os.environ.get("EKYC_CA_CERT", "var/tls/server.crt")
FRONT = os.environ.get("EKYC_CARD_FRONT", os.path.join(CARDS, "0003_cccd_chip_front_phone.jpg"))
BACK = os.environ.get("EKYC_CARD_BACK", os.path.join(CARDS, "0003_cccd_chip_back_phone.jpg"))
USER_ID = os.environ.get("EKYC_USER_ID", "user-001")


def setting(name):
    value = os.environ.get(name)
    if not value:
        sys.exit("set %s" % name)
    return value


def read(path):
    with open(path, "rb") as f:
        return f.read()


def multipart(fields, files):
    """A multipart/form-data body by hand: text parts for `fields`, file parts for `files`."""
    boundary = uuid.uuid4().hex
    body = bytearray()
    for name, value in fields.items():
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                 % (boundary, name, value)).encode()
    for name, path in files.items():
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                 'Content-Type: application/octet-stream\r\n\r\n'
                 % (boundary, name, os.path.basename(path))).encode()
        body += read(path) + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return bytes(body), "multipart/form-data; boundary=" + boundary


def post(route, body, content_type):
    """POSTs and returns the envelope, for errors too (their body is the same envelope)."""
    req = urllib.request.Request(URL + "/call/" + route, data=body, method="POST", headers={
        "x-api-key": setting("EKYC_API_KEY"), "Content-Type": content_type})
    # Trust the server's self-signed certificate (and nothing else).
    context = ssl.create_default_context(cafile=CA_CERT)
    try:
        with urllib.request.urlopen(req, context=context, timeout=120) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:  # 4xx/5xx: the envelope says why
        return json.load(e)


def post_form(route, fields=None, files=None):
    return post(route, *multipart(fields or {}, files or {}))


def post_json(route, obj):
    return post(route, json.dumps(obj).encode(), "application/json")


def b64(path):
    return base64.b64encode(read(path)).decode()


def register_ekyc_front_back_face():
    return post_form("register_ekyc_front_back_face",
                     {"user_id": USER_ID, "check_rotate": "true", "threshold": "0.5"},
                     {"image_card1": FRONT, "image_card2": BACK, "image_general": setting("EKYC_SELFIE")})


def register_ekyc_front_back_face_video():
    return post_form("register_ekyc_front_back_face_video", {"user_id": USER_ID},
                     {"image_card1": FRONT, "image_card2": BACK, "video_general": setting("EKYC_VIDEO")})


def register_user_face():
    return post_form("register_user_face", {"user_id": USER_ID}, {"image_face": setting("EKYC_FACE")})


def check_match_image_card_image_general():
    return post_form("check_match_image_card_image_general", {"threshold": "0.5"},
                     {"image_card1": FRONT, "image_general": setting("EKYC_SELFIE")})


def verify_user_face():
    return post_form("verify_user_face", {"user_id": USER_ID}, {"image_general": setting("EKYC_PROBE")})


def register_user_face_third_party():
    return post_form("register_user_face_third_party",
                     {"user_id": USER_ID, "collection": os.environ.get("EKYC_COLLECTION", "partner_x")},
                     {"image_face": setting("EKYC_FACE")})


def search_face():
    return post_form("search_face/", {"top_k": "3"}, {"image_general": setting("EKYC_PROBE")})


def get_all_face_of_user():
    return post_json("get_all_face_of_user", {"user_id": USER_ID})


def delete_user_face():
    return post_json("delete_user_face/", {"user_id": USER_ID, "face_id": os.environ.get("EKYC_FACE_ID", "all"),
                                           "collection": os.environ.get("EKYC_COLLECTION", "default")})


def predict():
    # JSON with base64 images (a data: URL or an https URL works too).
    return post_json("predict", {"image_card1": b64(FRONT), "image_card2": b64(BACK)})


ROUTES = {f.__name__: f for f in (
    register_ekyc_front_back_face, register_ekyc_front_back_face_video, register_user_face,
    check_match_image_card_image_general, verify_user_face, register_user_face_third_party,
    search_face, get_all_face_of_user, delete_user_face, predict)}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ROUTES:
        sys.exit("usage: %s ROUTE   (%s)" % (sys.argv[0], ", ".join(ROUTES)))
    envelope = ROUTES[sys.argv[1]]()
    print(json.dumps(envelope, ensure_ascii=False))
    if "code" in envelope:
        print("%s: %s (code %s)" % (sys.argv[1], envelope["error"], envelope["code"]), file=sys.stderr)


if __name__ == "__main__":
    main()
