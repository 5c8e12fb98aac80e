#!/usr/bin/env python3
"""docs/openapi.yaml against the real server.

Starts `ekyc serve` twice on loopback ports (HTTPS, temporary data directories, keys made with
`ekyc keys add`):
  S  the full server (models, vn index, SQLite store; 1 worker, queue 1, rate limit off): every
     route's success path where it is cheap and its error paths;
  D  a degraded one (no models, 2 s deadline, small body limit, 0.5 request/s per key): the codes
     that need such a configuration (501, 504, 413, 429, 500).
Every response body is validated against its route's schema for its HTTP status; every `code` must
be in x-ekyc-error-codes with that status, and every code listed there must be produced by some
request. Also: X-Request-Id equals request_id, Retry-After on 429/503, Allow on 405, TLS 1.0/1.1
and plain HTTP refused, and the server keeps serving after oversized and malformed requests.

Usage: openapi_conformance_test.py --ekyc BIN --spec docs/openapi.yaml --source-dir DIR
       --shared-dir DIR --model-dir DIR
Exit 0 pass, 1 fail, 77 skip (shared dev faces absent).
"""
import argparse
import base64
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "api"))
import ekyc_testserver as ts  # noqa: E402
import openapi_schema  # noqa: E402


class Checker:
    """Validates responses against the spec and records which codes were seen."""

    def __init__(self, spec):
        self.spec = spec
        self.codes = spec.error_codes()
        self.seen = {}  # code -> label of the first request that produced it
        self.failures = []
        self.count = 0

    def fail(self, label, msg):
        self.failures.append("%s: %s" % (label, msg))
        print("FAIL %s: %s" % (label, msg), flush=True)

    def check(self, label, method, path, status, headers, body, expect_status=None, expect_code=None):
        """Validates one response; returns the parsed JSON body (None for non-JSON)."""
        self.count += 1
        spec_path = path.split("?")[0].rstrip("/") if path.startswith("/call/") else path.split("?")[0]
        if expect_status is not None and status != expect_status:
            self.fail(label, "HTTP %d, expected %d: %s" % (status, expect_status, body[:300]))
        ctype = headers.get("content-type", "")
        if spec_path == "/metrics" and status == 200:
            if not ctype.startswith("text/plain") or b"ekyc_requests_total" not in body:
                self.fail(label, "metrics not Prometheus text")
            return None
        try:
            j = json.loads(body)
        except ValueError:
            self.fail(label, "body is not JSON (HTTP %d, %s): %r" % (status, ctype, body[:200]))
            return None
        if not ctype.startswith("application/json"):
            self.fail(label, "Content-Type %s" % ctype)
        rid = headers.get("x-request-id", "")
        if not rid:
            self.fail(label, "no X-Request-Id header")
        paths = self.spec.doc["paths"]
        validator = None
        if spec_path in paths and method.lower() in paths[spec_path]:
            validator = self.spec.validator(spec_path, method.lower(), status)
            if validator is None:
                self.fail(label, "HTTP %d is not documented for %s %s" % (status, method, spec_path))
        elif spec_path.startswith("/call/") or status >= 400:
            # Unknown route / endpoint / method: the error envelope.
            validator = self.spec.component_validator("ErrorEnvelope")
        if validator is not None:
            errors = sorted(validator.iter_errors(j), key=lambda e: e.path)
            if errors:
                best = min(errors, key=lambda e: len(list(e.absolute_path)))
                self.fail(label, "HTTP %d body does not match the schema: %s at %s\n  body: %s" % (
                    status, best.message[:300], list(best.absolute_path), json.dumps(j)[:600]))
        if spec_path.startswith("/call/") or "request_id" in j:
            if j.get("request_id") != rid:
                self.fail(label, "request_id %r != X-Request-Id %r" % (j.get("request_id"), rid))
            code = j.get("code")
            if code is not None:
                if code not in self.codes:
                    self.fail(label, "undocumented code %r (HTTP %d)" % (code, status))
                elif self.codes[code] != status:
                    self.fail(label, "code %s came with HTTP %d, documented %d" % (code, status, self.codes[code]))
                self.seen.setdefault(code, label)
            elif status != 200:
                self.fail(label, "HTTP %d without a code" % status)
            if expect_code is not None and code != expect_code:
                self.fail(label, "code %r, expected %r (error: %s)" % (code, expect_code, j.get("error")))
            if status in (429, 503) and not headers.get("retry-after", "").isdigit():
                self.fail(label, "HTTP %d without Retry-After" % status)
            if status == 405 and headers.get("allow") != "POST":
                self.fail(label, "405 without Allow: POST")
        return j


class Client:
    """Requests against one server, each checked by the Checker."""

    def __init__(self, server, checker):
        self.s = server
        self.c = checker

    def get(self, label, path, expect_status=200, expect_code=None):
        status, h, body = self.s.request("GET", path)
        return self.c.check(label, "GET", path, status, h, body, expect_status, expect_code)

    def call(self, label, route, fields=None, files=None, json_body=None, key="default",
             expect_status=200, expect_code=None, headers=None, conn=None):
        h = dict(headers or {})
        if key is not None:
            h["x-api-key"] = self.s.keys.get(key, key)
        if json_body is not None:
            body = json_body if isinstance(json_body, bytes) else json.dumps(json_body).encode()
            h.setdefault("Content-Type", "application/json")
        else:
            body, ctype = ts.multipart(fields or {}, files or {})
            h.setdefault("Content-Type", ctype)
        status, rh, data = self.s.request("POST", "/call/" + route, body, h, conn)
        return self.c.check(label, "POST", "/call/" + route, status, rh, data, expect_status, expect_code)

    def raw(self, label, method, path, head_lines, body_parts=(), pause_s=0.0, expect_status=None,
            expect_code=None):
        """A hand-written request over TLS (chunked bodies, slow bodies); parses the response."""
        sock = socket.create_connection(("127.0.0.1", self.s.port), timeout=120)
        ssock = self.s.context().wrap_socket(sock, server_hostname="127.0.0.1")
        try:
            head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % (method, path, "".join(l + "\r\n" for l in head_lines))
            ssock.sendall(head.encode())
            for i, part in enumerate(body_parts):
                if i > 0 and pause_s > 0:
                    time.sleep(pause_s)  # a slow client: the deadline passes while the body arrives
                ssock.sendall(part)
            r = http.client.HTTPResponse(ssock, method=method)
            r.begin()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            return self.c.check(label, method, path, r.status, hdrs, data, expect_status, expect_code)
        finally:
            ssock.close()


def b64(data):
    return base64.b64encode(data).decode()


# ---------------------------------------------------------------------------------------------
def run_full(S, cl, chk, a):
    cards = os.path.join(a.source_dir, "tests", "data", "cards")
    faces = os.path.join(a.shared_dir, "data", "faces-dev", "deepface")
    videos = os.path.join(a.shared_dir, "data", "face-videos-dev")
    front = ts.read(os.path.join(cards, "0003_cccd_chip_front_phone.jpg"))
    back = ts.read(os.path.join(cards, "0003_cccd_chip_back_phone.jpg"))
    face = lambda n: ts.read(os.path.join(faces, n))  # noqa: E731
    blank = ts.blank_png()

    # ---- ops endpoints ----
    cl.get("healthz", "/healthz")
    cl.get("readyz", "/readyz")
    cl.get("metrics", "/metrics")

    # ---- predict ----
    cl.call("predict front multipart", "predict", files={"image_card1": front})
    j = cl.call("predict both sides json", "predict",
                json_body={"image_card1": b64(front), "image_card2": b64(back), "check_rotate": False})
    if j and len(j.get("output") or []) != 2:
        chk.fail("predict both sides json", "expected 2 sides")
    cl.call("predict trailing slash", "predict/", fields={"image": b64(back)})
    cl.call("predict missing field", "predict", json_body={}, expect_status=422, expect_code="E422")
    cl.call("predict bad base64", "predict", json_body={"image_card1": "@@@ not base64 @@@"},
            expect_status=422, expect_code="E422")
    cl.call("predict private URL", "predict", json_body={"image_card1": "http://127.0.0.1:9/card.jpg"},
            expect_status=403, expect_code="E403")
    cl.call("predict blank page", "predict", files={"image_card1": blank}, expect_status=422,
            expect_code="E422")

    # ---- request-level errors ----
    cl.call("no key", "predict", json_body={}, key=None, expect_status=401, expect_code="E401")
    cl.call("wrong key", "predict", json_body={}, key="ek_" + "0" * 64, expect_status=401, expect_code="E401")
    cl.call("bad JSON", "predict", json_body=b"{not json", expect_status=400, expect_code="E400")
    cl.call("JSON array", "predict", json_body=b"[1,2]", expect_status=400, expect_code="E400")
    body = (b"--b\r\nContent-Disposition: form-data; name=\"user_id\"\r\n\r\nx\r\n"
            b"--b\r\nContent-Disposition: form-data; name=\"user_id\"\r\n\r\ny\r\n--b--\r\n")
    cl.call("field given twice", "get_all_face_of_user", json_body=body,
            headers={"Content-Type": "multipart/form-data; boundary=b"}, expect_status=400, expect_code="E400")
    cl.call("broken multipart", "get_all_face_of_user", json_body=b"--b\r\ngarbage",
            headers={"Content-Type": "multipart/form-data; boundary=b"}, expect_status=400, expect_code="E400")
    cl.call("text/plain", "predict", json_body=b"a=b", headers={"Content-Type": "text/plain"},
            expect_status=415, expect_code="E415")
    cl.call("gzip body", "predict", json_body=b"\x1f\x8b\x08\x00", headers={"Content-Encoding": "gzip"},
            expect_status=415, expect_code="E415")
    cl.call("unknown route", "no_such_route", json_body={}, expect_status=404, expect_code="E404")
    cl.get("unknown endpoint", "/no/such/endpoint", expect_status=404, expect_code="E404")
    cl.get("GET on a route", "/call/predict", expect_status=405, expect_code="E405")
    cl.get("URI too long", "/call/predict?x=" + "a" * 9000, expect_status=414, expect_code="E414")
    cl.raw("chunked body", "POST", "/call/predict",
           ["x-api-key: " + S.keys["default"], "Content-Type: application/json",
            "Transfer-Encoding: chunked"], [b"2\r\n{}\r\n0\r\n\r\n"], expect_status=411, expect_code="E411")
    cl.get("serving after malformed requests", "/healthz")

    # ---- TLS ----
    tls_checks(S, chk)

    # ---- face routes: business outcomes that need no face ----
    cl.call("register_user_face blank -> 1", "register_user_face", files={"image_face": blank},
            fields={"user_id": "conf-blank"}, expect_code="1")
    cl.call("register_user_face nothing -> 422", "register_user_face", fields={"user_id": "conf-blank"},
            expect_status=422, expect_code="E422")
    cl.call("get_all unknown -> E855", "get_all_face_of_user", json_body={"user_id": "conf-nobody"},
            expect_code="E855")
    cl.call("delete unknown -> E855", "delete_user_face", json_body={"user_id": "conf-nobody", "face_id": "all"},
            expect_code="E855")
    cl.call("delete without ids -> 422", "delete_user_face", json_body={"user_id": "conf-nobody"},
            expect_status=422, expect_code="E422")
    cl.call("check_match blank/blank -> 0", "check_match_image_card_image_general",
            files={"image_card1": blank, "image_general": blank}, expect_code="0")
    cl.call("search bad top_k -> 422", "search_face", files={"image_general": blank}, fields={"top_k": "0"},
            expect_status=422, expect_code="E422")
    cl.call("threshold out of range -> 422", "verify_user_face", files={"image_general": blank},
            fields={"user_id": "x", "threshold": "2"}, expect_status=422, expect_code="E422")

    # ---- overload: 1 worker, queue 1, four slow requests at once ----
    for attempt in range(3):
        results = []

        def slow():
            status, h, data = S.request("POST", "/call/predict",
                                        *_multipart_args(S, {"image_card1": front}))
            results.append((status, h, data))

        threads = [threading.Thread(target=slow) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for status, h, data in results:
            chk.check("concurrent predict (attempt %d)" % attempt, "POST", "/call/predict", status, h, data)
        if any(r[0] == 503 for r in results):
            break

    if not os.path.exists(os.path.join(faces, "img1.jpg")):
        return False

    # ---- matching ----
    cl.call("check_match same person", "check_match_image_card_image_general",
            files={"image_card1": face("img1.jpg"), "image_general": face("img2.jpg")})
    cl.call("check_match different -> 4", "check_match_image_card_image_general",
            json_body={"image_card1": b64(face("img1.jpg")), "image_general": b64(face("img26.jpg"))},
            expect_code="4")
    cl.call("check_match no face on card -> 2", "check_match_image_card_image_general",
            files={"image_card1": blank, "image_general": face("img2.jpg")}, expect_code="2")
    cl.call("check_match no face on selfie -> 1", "check_match_image_card_image_general",
            files={"image_card1": face("img1.jpg"), "image_general": blank}, expect_code="1")

    # ---- face database lifecycle ----
    j = cl.call("register_user_face", "register_user_face",
                files={"image_face": face("img1.jpg"), "finger_right_index": blank}, fields={"user_id": "conf-1"})
    face_id = ((j or {}).get("output") or {}).get("face_ids", [None])[0]
    cl.call("register_user_face duplicate -> E850", "register_user_face",
            files={"image_face": face("img1.jpg")}, fields={"user_id": "conf-2"}, expect_code="E850")
    cl.call("get_all with images", "get_all_face_of_user", json_body={"user_id": "conf-1", "include_images": True})
    cl.call("verify same person", "verify_user_face", files={"image_general": face("img2.jpg")},
            fields={"user_id": "conf-1"})
    cl.call("verify other person -> 4", "verify_user_face", files={"image_general": face("img26.jpg")},
            fields={"user_id": "conf-1"}, expect_code="4")
    cl.call("verify unknown user -> E855", "verify_user_face", files={"image_face": face("img2.jpg")},
            fields={"user_id": "conf-nobody"}, expect_code="E855")
    cl.call("verify no face -> 1", "verify_user_face", files={"image_general": blank},
            fields={"user_id": "conf-1"}, expect_code="1")
    cl.call("search", "search_face", files={"image_general": face("img4.jpg")}, fields={"top_k": "3"})
    cl.call("search nobody -> 4", "search_face", files={"image_general": face("img26.jpg")},
            fields={"threshold": "0.9"}, expect_code="4")
    cl.call("third party", "register_user_face_third_party", files={"image_face": face("img8.jpg")},
            fields={"user_id": "conf-tp", "collection": "bank_x"})
    cl.call("third party replace (database_name)", "register_user_face_third_party",
            json_body={"image_face": b64(face("img9.jpg")), "user_id": "conf-tp", "database_name": "bank_x"})
    if face_id:
        cl.call("delete face", "delete_user_face", json_body={"user_id": "conf-1", "face_id": face_id})
        cl.call("delete face again -> E855", "delete_user_face", json_body={"user_id": "conf-1", "face_id": face_id},
                expect_code="E855")
    else:
        chk.fail("register_user_face", "no face id to delete")
    for user, coll in (("conf-1", None), ("conf-tp", "bank_x")):
        body = {"user_id": user, "face_id": "all"}
        if coll:
            body["collection"] = coll
        cl.call("delete all " + user, "delete_user_face", json_body=body)

    # ---- eKYC registration (card reading + matching + store) ----
    card = ts.card_front_with_face(cards, os.path.join(faces, "img26.jpg"))
    cl.call("register_ekyc", "register_ekyc_front_back_face",
            files={"image_card1": card, "image_card2": back, "image_general": face("img27.jpg")},
            fields={"user_id": "conf-ekyc-1"})
    cl.call("register_ekyc another user -> E850", "register_ekyc_front_back_face",
            json_body={"image_card1": b64(card), "image_card2": b64(back), "image_general": b64(face("img28.jpg")),
                       "user_id": "conf-ekyc-2", "check_rotate": False}, expect_code="E850")
    cl.call("register_ekyc missing selfie -> 422", "register_ekyc_front_back_face",
            files={"image_card1": card, "image_card2": back}, fields={"user_id": "conf-ekyc-3"},
            expect_status=422, expect_code="E422")
    cl.call("delete ekyc user", "delete_user_face", json_body={"user_id": "conf-ekyc-1", "face_id": "all"})

    # ---- video registration: a screen replay (E460), then a live clip of the card holder ----
    live_clip = os.path.join(videos, "grid_bbaf2n.mp4")
    replay = os.path.join(videos, "manikantha_replay.mp4")
    if os.path.exists(live_clip) and os.path.exists(replay):
        card1 = ts.card_front_with_face(cards, os.path.join(faces, "img1.jpg"))
        cl.call("video replay -> E460", "register_ekyc_front_back_face_video",
                files={"image_card1": card1, "image_card2": back, "video": ts.read(replay)},
                fields={"user_id": "conf-video"}, expect_code="E460")
        # The server runs with EKYC_LIVENESS_FAIL_LIMIT_USER=1: the same user is now refused.
        cl.call("video again, same user -> E463", "register_ekyc_front_back_face_video",
                files={"image_card1": card1, "image_card2": back, "video": ts.read(replay)},
                fields={"user_id": "conf-video"}, expect_status=429, expect_code="E463")
        still = ts.still_video(os.path.join(faces, "img1.jpg"), os.path.join(S.dir, "still_selfie.mp4"))
        cl.call("video of a still picture -> E461", "register_ekyc_front_back_face_video",
                files={"image_card1": card1, "image_card2": back, "video": ts.read(still)},
                fields={"user_id": "conf-video-still"}, expect_code="E461")
        holder = os.path.join(S.dir, "card_video_holder.jpg")
        ts.video_frame_card(cards, live_clip, holder)  # the clip's person is the card holder
        j = cl.call("video live, card holder", "register_ekyc_front_back_face_video",
                    files={"image_card1": ts.read(holder), "image_card2": back, "video_general": ts.read(live_clip)},
                    fields={"user_id": "conf-video-live"})
        if j and j.get("output") and j["output"][2]["is_matched"].get("liveness") != "True":
            chk.fail("video live, card holder", "not judged live")
    else:
        chk.fail("video", "face-videos-dev clips missing")
    cl.call("video missing -> 422", "register_ekyc_front_back_face_video", json_body={"user_id": "v"},
            expect_status=422, expect_code="E422")

    # ---- chip data (project extension; `ekyc chip sample` sets, see main) ----
    chip = json.load(open(os.path.join(S.dir, "chip", "chip.json")))
    tampered = json.load(open(os.path.join(S.dir, "chip-tampered", "chip.json")))
    with_face = json.load(open(os.path.join(S.dir, "chip-face", "chip.json")))
    cl.call("chip_challenge", "chip_challenge", json_body={})
    cl.call("chip_verify genuine", "chip_verify", json_body=chip)
    cl.call("chip_verify tampered -> E470", "chip_verify", json_body=tampered, expect_code="E470")
    cl.call("chip_verify without dg13 -> 422", "chip_verify",
            json_body={k: v for k, v in chip.items() if k != "dg13"}, expect_status=422, expect_code="E422")
    cl.call("chip_verify selfie", "chip_verify", json_body=dict(with_face, image_general=b64(face("img2.jpg"))))
    cl.call("register_ekyc from chip data", "register_ekyc_front_back_face",
            json_body=dict(with_face, image_general=b64(face("img2.jpg")), user_id="conf-chip-1"))
    cl.call("register_ekyc from tampered chip data -> E470", "register_ekyc_front_back_face",
            json_body=dict(tampered, image_general=b64(face("img2.jpg")), user_id="conf-chip-2"), expect_code="E470")
    cl.call("delete chip user", "delete_user_face", json_body={"user_id": "conf-chip-1", "face_id": "all"})
    # ---- enumeration limit: this server allows 12 misses per key (EKYC_ENUMERATION_LIMIT_KEY) ----
    for i in range(14):
        j = cl.call("verify unknown user (enumeration %d)" % i, "verify_user_face",
                    files={"image_face": face("img2.jpg")}, fields={"user_id": "conf-enum-%d" % i},
                    expect_status=None)
        if j and j.get("code") == "E462":
            break
    else:
        chk.fail("enumeration", "14 verifications of unknown users were never refused with E462")

    # ---- operator routes (routes_ops.cpp): after the store was used, so the audit log has entries ----
    j = cl.call("server_info", "server_info", json_body={})
    if j and (not j["output"]["models"] or j["output"]["api_key_name"] != "default"):
        chk.fail("server_info", "no models listed or wrong key name")
    j = cl.call("audit_events", "audit_events", json_body={"limit": 5})
    if j and len(j["output"]["events"]) != 5:
        chk.fail("audit_events", "expected 5 events")
    if j and any("conf-" in json.dumps(e) for e in j["output"]["events"]):
        chk.fail("audit_events", "a user id in the audit list")
    if j and j["output"]["events"]:
        cl.call("audit_events older", "audit_events",
                json_body={"limit": 2, "before_id": j["output"]["events"][-1]["id"]})
    cl.call("audit_events bad limit -> 422", "audit_events", json_body={"limit": 0},
            expect_status=422, expect_code="E422")
    cl.call("audit_events no key -> 401", "audit_events", json_body={}, key=None,
            expect_status=401, expect_code="E401")
    cl.get("serving at the end", "/healthz")
    return True


def _multipart_args(S, files):
    body, ctype = ts.multipart({}, files)
    return body, {"x-api-key": S.keys["default"], "Content-Type": ctype}


def tls_checks(S, chk):
    import warnings
    warnings.simplefilter("ignore", DeprecationWarning)  # ssl.TLSVersion.TLSv1/TLSv1_1 on purpose

    def handshake(max_version):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(S.cert)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = max_version
        ctx.set_ciphers("ALL:@SECLEVEL=0")  # let this client offer the old versions at all
        with socket.create_connection(("127.0.0.1", S.port), timeout=30) as sock:
            try:
                with ctx.wrap_socket(sock, server_hostname="127.0.0.1") as s:
                    return "ok " + s.version()
            except ssl.SSLError as e:
                return "refused " + str(e)

    r12 = handshake(ssl.TLSVersion.TLSv1_2)
    if not r12.startswith("ok TLSv1.2"):
        chk.fail("TLS 1.2", "handshake failed: " + r12)
    r13 = handshake(ssl.TLSVersion.TLSv1_3)
    if not r13.startswith("ok TLSv1.3"):
        chk.fail("TLS 1.3", "handshake failed: " + r13)
    for name, v in (("TLS 1.1", ssl.TLSVersion.TLSv1_1), ("TLS 1.0", ssl.TLSVersion.TLSv1)):
        r = handshake(v)
        # The server's refusal (a protocol_version alert), not the client declining to offer it.
        if not r.startswith("refused") or "NO_PROTOCOLS_AVAILABLE" in r.upper():
            chk.fail(name, "not refused by the server: " + r)
        else:
            print("ok   %s refused: %s" % (name, r[len("refused "):][:120]))
    with socket.create_connection(("127.0.0.1", S.port), timeout=30) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        got = b""
        try:
            while len(got) < 64:
                chunk = sock.recv(64)
                if not chunk:
                    break
                got += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    if got.startswith(b"HTTP/"):
        chk.fail("plain HTTP", "the HTTPS port answered plain HTTP: %r" % got[:40])
    chk.count += 5


def run_degraded(D, cl, chk, a):
    cl.get("readyz degraded -> 503", "/readyz", expect_status=503)
    cl.call("no face models -> 501", "check_match_image_card_image_general", key="main",
            files={"image_card1": ts.blank_png(), "image_general": ts.blank_png()},
            expect_status=501, expect_code="E501")
    # A slow client: the 2 s deadline (from the headers) passes while the body arrives.
    body = json.dumps({"user_id": "conf-slow"}).encode()
    cl.raw("deadline -> 504", "POST", "/call/get_all_face_of_user",
           ["x-api-key: " + D.keys["slow"], "Content-Type: application/json",
            "Content-Length: %d" % len(body)], [body[:5], body[5:]], pause_s=3.0,
           expect_status=504, expect_code="E504")
    big = b"x" * (1 << 20)
    cl.raw("body over EKYC_MAX_BODY_BYTES -> 413", "POST", "/call/predict",
           ["x-api-key: " + D.keys["big"], "Content-Type: application/json",
            "Content-Length: %d" % len(big)], [big], expect_status=413, expect_code="E413")
    cl.get("serving after oversize", "/healthz")
    # Rate limit: burst 3 at 0.5 request/s for this key.
    conn = D.connection()
    limited = False
    for i in range(12):
        status, h, data = D.request("POST", "/call/get_all_face_of_user", json.dumps({"user_id": "r"}).encode(),
                                    {"x-api-key": D.keys["burst"], "Content-Type": "application/json"}, conn)
        chk.check("rate limit #%d" % i, "POST", "/call/get_all_face_of_user", status, h, data)
        if status == 429:
            limited = True
            break
    conn.close()
    if not limited:
        chk.fail("rate limit", "no 429 after 12 quick requests with a burst of 3")
    # A key revoked with `ekyc keys revoke` stops working at once (no restart).
    cl.call("key before revoke", "get_all_face_of_user", key="revoked", json_body={"user_id": "x"},
            expect_code="E855")
    subprocess.run([D.ekyc, "keys", "revoke", "revoked"], env=D.env, check=True, capture_output=True)
    cl.call("revoked key -> 401", "get_all_face_of_user", key=D.keys["revoked"], json_body={"user_id": "x"},
            expect_status=401, expect_code="E401")
    # The keys file becomes readable by others while serving: every call fails (E500) until fixed.
    path = D.keys_file
    with open(path, "rb") as f:
        original = f.read()
    tmp = path + ".conf"
    with open(tmp, "wb") as f:
        f.write(original)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    cl.call("keys file readable by others -> 500", "get_all_face_of_user", key="main",
            json_body={"user_id": "x"}, expect_status=500, expect_code="E500")
    cl.get("readyz with a bad keys file -> 503", "/readyz", expect_status=503)
    with open(tmp, "wb") as f:
        f.write(original)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    cl.call("keys file fixed", "get_all_face_of_user", key="main", json_body={"user_id": "x"},
            expect_code="E855")


# Codes the source can produce that the spec leaves out on purpose (every code is a literal of
# ErrorCodes() in errors.cpp; docs/errors.md is checked against it by ErrorsDocTest).
NOT_IN_SPEC = {"E409": "MapStatus maps other AlreadyExists to it, but no route produces one"}


def static_checks(spec, source_dir):
    """The spec's structure, and its codes against errors.cpp / server.cpp. Returns failures."""
    import re
    failures = []
    spec.check_schemas()
    # Project extensions (`x-ekyc-extension: true`, e.g. the chip routes) are documented beside the
    # vendor routes; every other /call/ path must be one of the vendor's ten.
    routes = sorted(p for p, _, _ in spec.operations()
                    if p.startswith("/call/") and not spec.doc["paths"][p].get("x-ekyc-extension"))
    with open(os.path.join(source_dir, "src", "api", "routes.cpp")) as f:
        names = re.findall(r'"([a-z_]+)"', f.read().split("VendorRouteNames")[1].split("}")[0])
    with open(os.path.join(source_dir, "src", "api", "routes_ops.cpp")) as f:
        names += re.findall(r'"([a-z_]+)"', f.read().split("OpsRouteNames")[1].split("}")[0])
    if routes != sorted("/call/" + n for n in names):
        failures.append("spec routes %s != the vendor routes of routes.cpp and the operator routes of "
                        "routes_ops.cpp %s" % (routes, names))
    for path, method, op in spec.operations():
        if path.startswith("/call/"):
            for status in op["responses"]:
                if status != "200" and spec.validator(path, method, int(status)) is None:
                    failures.append("%s %s: response %s has no JSON schema" % (method, path, status))
    enum = set(spec.doc["components"]["schemas"]["ErrorCode"]["enum"])
    table = set(spec.error_codes())
    if enum != table:
        failures.append("ErrorCode enum and x-ekyc-error-codes differ: %s" % sorted(enum ^ table))
    source = ""
    for name in ("errors.cpp", "server.cpp"):
        with open(os.path.join(source_dir, "src", "api", name)) as f:
            source += f.read()
    in_source = set(re.findall(r'\{\d{3}, "([0-9]|E\d{3})"', source)) | set(re.findall(r'"(E\d{3})"', source))
    expected = in_source - set(NOT_IN_SPEC)
    if expected != table:
        failures.append("codes in errors.cpp/server.cpp (%s) and in the spec (%s) differ: %s" % (
            ", ".join(sorted(expected)), ", ".join(sorted(table)), sorted(expected ^ table)))
    return failures


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ekyc")
    p.add_argument("--spec", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--shared-dir")
    p.add_argument("--model-dir")
    p.add_argument("--static-only", action="store_true", help="check the spec against the source only")
    a = p.parse_args()
    spec = openapi_schema.Spec(a.spec)
    problems = static_checks(spec, a.source_dir)
    for msg in problems:
        print("FAIL static: " + msg)
    if a.static_only:
        print("%d problem(s)" % len(problems) if problems else "PASS (static)")
        return 1 if problems else 0
    if problems:
        return 1
    if not a.ekyc or not a.shared_dir or not a.model_dir:
        p.error("--ekyc, --shared-dir and --model-dir are needed unless --static-only")
    have_faces = os.path.exists(os.path.join(a.shared_dir, "data", "faces-dev", "deepface", "img1.jpg"))
    nrefs = spec.check_schemas()
    routes = sorted(p for p, _, _ in spec.operations() if p.startswith("/call/"))
    chk = Checker(spec)
    t0 = time.monotonic()
    cpu0 = time.process_time()

    S = ts.LiveServer(a.ekyc, {"EKYC_MODEL_DIR": a.model_dir, "EKYC_WORKERS": "1", "EKYC_QUEUE": "1",
                               "EKYC_LIVENESS_FAIL_LIMIT_USER": "1", "EKYC_ENUMERATION_LIMIT_KEY": "12",
                               "EKYC_RATE_LIMIT_RPS": "0", "EKYC_REQUEST_TIMEOUT_MS": "120000"},
                      name="ekyc-conformance")
    D = ts.LiveServer(a.ekyc, {"EKYC_MODEL_DIR": os.path.join(S.dir, "no-models"), "EKYC_WORKERS": "1",
                               "EKYC_REQUEST_TIMEOUT_MS": "2000", "EKYC_MAX_BODY_BYTES": str(512 * 1024),
                               "EKYC_RATE_LIMIT_RPS": "0.5", "EKYC_RATE_LIMIT_BURST": "3"},
                      name="ekyc-conformance-degraded")
    # Chip data signed by test CSCAs (`ekyc chip sample`); the server trusts the first one's CSCA. The
    # tampered set's own CSCA is not trusted either: E470 whichever check speaks first.
    for sub, extra in (("chip", []), ("chip-tampered", ["--tamper", "13"]),
                       ("chip-face", ["--portrait", os.path.join(a.shared_dir, "data", "faces-dev", "deepface",
                                                                 "img1.jpg")])):
        subprocess.run([a.ekyc, "chip", "sample", "--out", os.path.join(S.dir, sub)] + extra, check=True,
                       capture_output=True)
    csca = os.path.join(S.dir, "csca")
    os.makedirs(csca)
    for sub in ("chip", "chip-face"):
        shutil.copy(os.path.join(S.dir, sub, "csca", "csca-0.pem"), os.path.join(csca, sub + ".pem"))
    S.env["EKYC_CSCA_DIR"] = csca
    try:
        S.add_key("default")
        for k in ("main", "slow", "big", "burst", "revoked"):
            D.add_key(k)
        S.start()
        D.start()
        run_degraded(D, Client(D, chk), chk, a)
        run_full(S, Client(S, chk), chk, a)
        server_cpu = S.cpu_seconds() + D.cpu_seconds()
    finally:
        S.stop()
        D.stop()

    if not have_faces:
        # Everything that needs no face ran and passed or failed as usual; the matching and
        # registration paths (and the codes only they produce) need the shared dev faces.
        print("checked %d responses without the face paths" % chk.count)
        if chk.failures:
            print("%d failure(s)" % len(chk.failures))
            return 1
        print("SKIP: the face matching, registration and video paths need the shared dev faces "
              "(%s/data/faces-dev, face-videos-dev); set EKYC_SHARED_DIR" % a.shared_dir)
        return ts.SKIP_CODE
    missing = [c for c in chk.codes if c not in chk.seen]
    for c in missing:
        chk.fail("coverage", "documented code %s (HTTP %d) was produced by no request" % (c, chk.codes[c]))
    print("checked %d responses against %d routes (%d $refs resolved); codes seen: %s" % (
        chk.count, len(routes), nrefs, ", ".join(sorted(chk.seen))))
    print("wall %.1f s; CPU: servers %.1f s, test process %.1f s (wall is inflated on a shared machine)" % (
        time.monotonic() - t0, server_cpu, time.process_time() - cpu0))
    if chk.failures:
        print("%d failure(s)" % len(chk.failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
