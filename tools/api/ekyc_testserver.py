"""Starts the real `ekyc serve` for the API tests (conformance, examples) and talks HTTPS to it.

Standard library only (plus python3-opencv for the test images, see make_* below). One
LiveServer per configuration: a temporary data directory, a self-signed certificate the server
generates there, API keys made with `ekyc keys add`, a loopback port chosen by the kernel.

Thread-safety: a LiveServer is used from one thread, except call() which may run concurrently.
"""
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import uuid

SKIP_CODE = 77  # CTest SKIP_RETURN_CODE of the API tests


class LiveServer:
    def __init__(self, ekyc, env_extra=None, name="ekyc-api-test"):
        self.ekyc = ekyc
        self.dir = tempfile.mkdtemp(prefix=name + "-")
        self.env = dict(os.environ)
        # As `ekyc serve` would set it itself: one OpenMP thread per Tesseract call.
        self.env.update({
            "EKYC_DATA_DIR": os.path.join(self.dir, "var"),
            "EKYC_HOST": "127.0.0.1",
            "EKYC_PORT": "0",
            "EKYC_LOG_LEVEL": "warn",
            "OMP_THREAD_LIMIT": "1",
        })
        self.env.update(env_extra or {})
        self.proc = None
        self.port = None
        self.keys = {}
        self.stdout_lines = []

    # ---- lifecycle ----
    def add_key(self, name):
        out = subprocess.run([self.ekyc, "keys", "add", name], env=self.env, check=True,
                             capture_output=True, text=True).stdout
        key = out.strip().splitlines()[-1]
        self.keys[name] = key
        return key

    def start(self, timeout_s=120):
        self.proc = subprocess.Popen([self.ekyc, "serve"], env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        got = threading.Event()

        def read_stdout():
            for line in self.proc.stdout:
                self.stdout_lines.append(line)
                if " serving https://" in line or " serving http://" in line:
                    self.port = int(line.split(" serving ")[1].split()[0].rsplit(":", 1)[1])
                    got.set()
            got.set()

        self.stderr_lines = []

        def read_stderr():
            for line in self.proc.stderr:
                self.stderr_lines.append(line)

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=read_stderr, daemon=True).start()
        if not got.wait(timeout_s) or self.port is None:
            self.stop()
            raise RuntimeError("ekyc serve did not start:\n" + "".join(self.stderr_lines[-20:]))
        return self

    def cpu_seconds(self):
        """User + system CPU time of the server process so far (from /proc; Linux)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ---- TLS ----
    @property
    def cert(self):
        return os.path.join(self.env["EKYC_DATA_DIR"], "tls", "server.crt")

    @property
    def keys_file(self):
        return os.path.join(self.env["EKYC_DATA_DIR"], "api-keys.json")

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    def context(self):
        ctx = ssl.create_default_context(cafile=self.cert)
        return ctx

    def connection(self, timeout=180):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context(),
                                           timeout=timeout)

    # ---- requests ----
    def request(self, method, path, body=None, headers=None, conn=None):
        """One request; returns (status, headers dict (lower-case names), body bytes)."""
        own = conn is None
        c = conn or self.connection()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            if own:
                c.close()

    def call(self, route, fields=None, files=None, json_body=None, key="default", headers=None,
             conn=None):
        """POST /call/<route> as multipart (fields + files) or JSON; returns (status, headers, json)."""
        h = dict(headers or {})
        if key is not None:
            h["x-api-key"] = self.keys[key]
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h["Content-Type"] = "application/json"
        else:
            body, ctype = multipart(fields or {}, files or {})
            h["Content-Type"] = ctype
        status, rh, data = self.request("POST", "/call/" + route, body, h, conn)
        return status, rh, json.loads(data)


def multipart(fields, files):
    """A multipart/form-data body: `fields` as text parts, `files` as file parts ({name: bytes}, or
    {name: (filename, bytes)} to choose the file name; default NAME.bin)."""
    boundary = "ekyc" + uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode()
        out += str(value).encode() + b"\r\n"
    for name, data in files.items():
        filename = name + ".bin"
        if isinstance(data, tuple):
            filename, data = data
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return bytes(out), "multipart/form-data; boundary=" + boundary


# ---- test images (python3-opencv) ----
def blank_png(size=400):
    import cv2
    import numpy as np
    ok, buf = cv2.imencode(".png", np.full((size, size, 3), 255, np.uint8))
    return buf.tobytes()


def still_video(photo_path, out_path, seconds=3, fps=10):
    """An MP4 of one photo held perfectly still: no sign of an attack, none of a live face either
    (the liveness check's "not enough evidence", E461)."""
    import cv2
    img = cv2.imread(photo_path)
    h, w = img.shape[:2]
    s = 480.0 / h
    img = cv2.resize(img, (int(w * s) // 2 * 2, 480))
    wr = cv2.VideoWriter(out_path, cv2.VideoWriter_fourcc(*"mp4v"), fps, (img.shape[1], img.shape[0]))
    for _ in range(int(seconds * fps)):
        wr.write(img)
    wr.release()
    return out_path


def card_front_with_face(cards_dir, face_path, out_path=None):
    """The committed synthetic chip-card front with a real face warped into its portrait slot (the
    card corners come from the card's ground truth), so the full eKYC path can succeed. Same
    geometry as CardFrontWithFace() in src/api/routes_test.cpp."""
    import cv2
    import numpy as np
    base = os.path.join(cards_dir, "0003_cccd_chip_front_phone")
    card = cv2.imread(base + ".jpg")
    with open(base + ".json") as f:
        corners = [np.array(p, np.float32) for p in json.load(f)["corners"]]
    face = cv2.imread(face_path)
    aspect = (0.21 * 85.6) / (0.43 * 54.0)  # portrait slot of docs/doc.md on an ID-1 card
    cw = min(face.shape[1], int(face.shape[0] * aspect))
    ch = int(cw / aspect)
    y0, x0 = (face.shape[0] - ch) // 2, (face.shape[1] - cw) // 2
    face = face[y0:y0 + ch, x0:x0 + cw].copy()

    def at(x, y):
        top = corners[0] + (corners[1] - corners[0]) * x
        bottom = corners[3] + (corners[2] - corners[3]) * x
        return top + (bottom - top) * y

    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    dst = np.array([at(0.03, 0.38), at(0.24, 0.38), at(0.24, 0.81), at(0.03, 0.81)], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    size = (card.shape[1], card.shape[0])
    warped = cv2.warpPerspective(face, m, size)
    mask = cv2.warpPerspective(np.full(face.shape[:2], 255, np.uint8), m, size)
    card[mask > 0] = warped[mask > 0]
    ok, buf = cv2.imencode(".jpg", card, [cv2.IMWRITE_JPEG_QUALITY, 90])
    data = buf.tobytes()
    if out_path:
        with open(out_path, "wb") as f:
            f.write(data)
    return data


def video_frame_card(cards, video, out_path):
    """A card front carrying a frame of `video` as its portrait: the video's person is the holder."""
    import cv2
    cap = cv2.VideoCapture(video)
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.set(cv2.CAP_PROP_POS_FRAMES, max(0, n // 2))
    ok, frame = cap.read()
    cap.release()
    if not ok:
        raise RuntimeError("cannot read a frame of " + video)
    frame_path = out_path + ".frame.jpg"
    cv2.imwrite(frame_path, frame)
    card_front_with_face(cards, frame_path, out_path)


def read(path):
    with open(path, "rb") as f:
        return f.read()
