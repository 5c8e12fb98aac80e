#!/usr/bin/python3
"""Soak test of `ekyc serve` (docs/reliability.md): mixed routes for a long time, one server.

Starts the real server on loopback (HTTPS, temp data dir, fresh API keys), then runs closed-loop
clients in phases (default: 5 clients for 30 min, then 20 for 10 min) over a mix of every vendor
route with good inputs (card reading, matching, eKYC registration, face database register /
verify / search / list / delete) and bad ones (malformed JSON and multipart, missing fields,
truncated and non-image files, bad base64, wrong content type, unknown route, wrong method, bad
key, a private image URL). Every 10 s it samples the server's resident memory (VmRSS), threads
and open file descriptors from /proc. It reports, per phase: requests by route and outcome,
unexpected answers (anything but the answers each request can get, and 503 from admission
control), and the slope of RSS after the warm-up (least squares, MiB per hour), with threads and
file descriptors (min/max). A good input may be refused for what it is (a selfie that is not
frontal enough: 422), but then every time: an input answered in two ways (503 and 504 left aside)
counts as unexpected. 504 (the per-request deadline) is counted and reported on its own: it says
the machine could not finish an admitted request in time, which depends on what else it runs.

    tools/reliability/soak.py --ekyc build/ekyc --models build/models \\
        --vn-index build/data/vn-admin.tsv --phases 5:1800,20:600 --out build/soak

Inputs: bench/load/load.py's synthetic cards with real faces-dev portraits and selfies (needs
../shared/data/faces-dev). The per-key rate limit and the enumeration limit are turned off for the
run (they would answer 429 by design); admission control is left as configured.
Exit status 0 when no unexpected answer was seen.
"""
import argparse
import base64
import http.client
import json
import os
import random
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "load"))
import load  # noqa: E402  (Conn: keep-alive HTTPS with reconnects)

BUSINESS = {"", "0", "1", "2", "4", "E850", "E855", "E460"}


def multipart(fields, files):
    b = "----ekycsoak%08x" % random.getrandbits(32)
    out = b""
    for name, (fname, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (b, name, fname)).encode() + data + b"\r\n"
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, name, value)).encode()
    out += ("--%s--\r\n" % b).encode()
    return "multipart/form-data; boundary=" + b, out


class Inputs:
    def __init__(self, d):
        with open(os.path.join(d, "manifest.json")) as f:
            man = json.load(f)
        rd = lambda p: open(os.path.join(d, p), "rb").read()
        self.docs = [it for it in man["items"] if it["kind"] == "genuine"]
        for i, it in enumerate(self.docs):
            it["id"] = "doc%d" % i
            it["front_b"], it["back_b"], it["selfie_b"] = rd(it["front"]), rd(it["back"]), rd(it["selfie"])
        self.jpeg = self.docs[0]["selfie_b"]


class Client:
    """One closed-loop client: its own connection, key, and users it registered."""

    def __init__(self, cid, a, inputs, key, ctx, stats):
        self.cid, self.a, self.inp, self.key, self.stats = cid, a, inputs, key, stats
        self.conn = load.Conn(a.url, ctx, 300)
        self.rng = random.Random(cid * 7919 + 1)
        self.users = []  # (user_id, doc) registered by this client, not yet deleted
        self.seq = 0

    def call(self, label, route, expect, body=None, ctype=None, json_body=None, key=None, method="POST",
             inp=None):
        """`inp` names a good input (a document of the set): the server may refuse it for what it
        is (422, e.g. a selfie that is not frontal), but must then refuse it every time."""
        hdr = {"x-api-key": self.key if key is None else key}
        if json_body is not None:
            body, ctype = json.dumps(json_body).encode(), "application/json"
        if ctype:
            hdr["Content-Type"] = ctype
        t0 = time.monotonic()
        try:
            if method == "POST":
                status, h, data = self.conn.post("/call/" + route, body or b"", hdr)
            else:
                self.conn.close()
                c = http.client.HTTPSConnection(self.conn.host, self.conn.port, context=self.conn.ctx, timeout=60)
                c.request(method, "/call/" + route, headers=hdr)
                r = c.getresponse()
                status, h, data = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
                c.close()
            code = load.envelope_code(data)
        except Exception as e:
            status, h, code, data = 0, {}, type(e).__name__, b""
        outcome = "%d %s" % (status, code)
        ok = (status, code) in expect or (status == 200 and "business" in expect and code in BUSINESS)
        refused_input = inp is not None and "business" in expect and status == 422 and code == "E422"
        if inp is not None and status not in (503, 504, 0):
            self.stats.input_answer(label, inp, "200" if ok else outcome, load.envelope_error(data))
        admission = status == 503 and code == "E503"
        deadline = status == 504 and code == "E504"
        accepted = ok or refused_input or admission or deadline
        self.stats.record(label, outcome, time.monotonic() - t0, accepted,
                          None if accepted else load.envelope_error(data))
        if admission:
            time.sleep(float(h.get("retry-after", "1")))
        return status, code, data

    def new_user(self):
        self.seq += 1
        return "soak-%d-%d" % (self.cid, self.seq)

    def step(self):
        r = self.rng.random()
        doc = self.rng.choice(self.inp.docs)
        biz = {"business"}
        if r < 0.16:
            uid = self.new_user()
            ct, body = multipart({"user_id": uid}, {"image_card1": ("f.jpg", doc["front_b"]),
                                                     "image_card2": ("b.jpg", doc["back_b"]),
                                                     "image_general": ("s.jpg", doc["selfie_b"])})
            s, c, _ = self.call("register_ekyc", "register_ekyc_front_back_face", biz, body, ct, inp=doc["id"])
            if s == 200 and c == "":
                self.users.append((uid, doc))
        elif r < 0.26:
            ct, body = multipart({}, {"image": ("f.jpg", doc["front_b"])})
            self.call("predict", "predict", biz, body, ct, inp=doc["id"])
        elif r < 0.34:
            self.call("match", "check_match_image_card_image_general", biz,
                      json_body={"image_card1": base64.b64encode(doc["front_b"]).decode(),
                                 "image_general": base64.b64encode(doc["selfie_b"]).decode()},
                      inp=doc["id"])
        elif r < 0.44:
            uid = self.new_user()
            ct, body = multipart({"user_id": uid}, {"image_face": ("s.jpg", doc["selfie_b"])})
            s, c, _ = self.call("register_user_face", "register_user_face", biz, body, ct, inp=doc["id"])
            if s == 200 and c == "":
                self.users.append((uid, doc))
        elif r < 0.52 and self.users:
            uid, d = self.rng.choice(self.users)
            ct, body = multipart({"user_id": uid}, {"image_general": ("s.jpg", d["selfie_b"])})
            self.call("verify", "verify_user_face", biz, body, ct)
        elif r < 0.59:
            ct, body = multipart({"top_k": "3"}, {"image_general": ("s.jpg", doc["selfie_b"])})
            self.call("search", "search_face", biz, body, ct, inp=doc["id"])
        elif r < 0.63 and self.users:
            uid, _ = self.rng.choice(self.users)
            self.call("get_all", "get_all_face_of_user", biz, json_body={"user_id": uid})
        elif r < 0.75 and self.users:
            uid, _ = self.users.pop(self.rng.randrange(len(self.users)))
            self.call("delete", "delete_user_face", biz, json_body={"user_id": uid, "face_id": "all"})
        else:
            self.bad()
        # Keep the database from growing without bound: each client keeps at most 20 users.
        while len(self.users) > 20:
            uid, _ = self.users.pop(0)
            self.call("delete", "delete_user_face", biz, json_body={"user_id": uid, "face_id": "all"})

    def bad(self):
        k = self.rng.randrange(11)
        jpeg = self.inp.jpeg
        if k == 0:
            self.call("bad json", "verify_user_face", {(400, "E400")}, b'{"user_id": "x", ', "application/json")
        elif k == 1:
            self.call("json array", "search_face", {(400, "E400")}, b"[1,2]", "application/json")
        elif k == 2:
            ct, body = multipart({}, {"image_general": ("s.jpg", jpeg)})
            self.call("missing user_id", "verify_user_face", {(422, "E422")}, body, ct)
        elif k == 3:
            ct, body = multipart({"user_id": "x"}, {"image_face": ("s.jpg", jpeg[: len(jpeg) // 3])})
            self.call("truncated jpeg", "register_user_face", {(422, "E422")}, body, ct)
        elif k == 4:
            self.call("bad base64", "search_face", {(422, "E422")}, json_body={"image_general": "abc$%^" * 20})
        elif k == 5:
            ct, body = multipart({}, {"image": ("notes.jpg", b"these are my notes, not a photo\n" * 20)})
            self.call("text as image", "predict", {(422, "E422")}, body, ct)
        elif k == 6:
            self.call("content type", "predict", {(415, "E415")}, b"<xml/>", "application/xml")
        elif k == 7:
            self.call("unknown route", "no_such_route", {(404, "E404")}, json_body={})
        elif k == 8:
            self.call("bad key", "predict", {(401, "E401")}, json_body={}, key="ek_wrong")
        elif k == 9:
            self.call("GET", "predict", {(405, "E405")}, method="GET")
        else:
            self.call("private url", "search_face", {(403, "E403")},
                      json_body={"image_general": "http://127.0.0.1:9/x.jpg"})


class Stats:
    def __init__(self):
        self.mu = threading.Lock()
        self.by = {}
        self.unexpected = {}
        self.n = 0
        self.inputs = {}  # (route label, input) -> {answer: [count, message]}

    def record(self, label, outcome, dt, ok, message):
        with self.mu:
            self.n += 1
            d = self.by.setdefault(label, {})
            d[outcome] = d.get(outcome, 0) + 1
            if not ok:
                u = self.unexpected.setdefault("%s -> %s" % (label, outcome), [0, message])
                u[0] += 1

    def input_answer(self, label, inp, answer, message):
        with self.mu:
            d = self.inputs.setdefault((label, inp), {})
            d.setdefault(answer, [0, message])[0] += 1

    def unstable(self):
        """Good inputs the server answered in more than one way (503 and 504 left aside)."""
        with self.mu:
            return {"%s %s" % k: v for k, v in self.inputs.items() if len(v) > 1}

    def refused(self):
        """Good inputs refused for what they are, every time (answer -> count, message)."""
        with self.mu:
            return {"%s %s" % k: v for k, v in self.inputs.items() if len(v) == 1 and "200" not in v}

    def snapshot(self):
        with self.mu:
            return self.n, json.loads(json.dumps(self.by)), json.loads(json.dumps(self.unexpected))


def proc_sample(pid):
    st = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "Threads:", "VmHWM:")):
                st[line.split(":")[0]] = int(line.split()[1])
    st["fds"] = len(os.listdir("/proc/%d/fd" % pid))
    return st


def slope_mib_per_h(samples):
    """Least-squares slope of RSS (MiB) against time (hours)."""
    n = len(samples)
    if n < 3:
        return None
    xs = [t / 3600 for t, _ in samples]
    ys = [r / 1024 for _, r in samples]
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ekyc", required=True)
    p.add_argument("--models", required=True)
    p.add_argument("--vn-index", required=True)
    p.add_argument("--phases", default="5:1800,20:600", help="clients:seconds,...")
    p.add_argument("--warmup", type=float, default=300, help="seconds of each phase left out of its slope")
    p.add_argument("--inputs", help="reuse inputs made by bench/load/load.py inputs")
    p.add_argument("--out", default="build/soak")
    a = p.parse_args()
    phases = [tuple(int(x) for x in ph.split(":")) for ph in a.phases.split(",")]
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="ekyc-soak-")
    server = None
    try:
        inputs = a.inputs
        if not inputs:
            inputs = os.path.join(work, "inputs")
            subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench/load/load.py"), "inputs", "--out", inputs,
                            "--seed", "11", "--docs", "6"], check=True)
        inp = Inputs(inputs)
        data = os.path.join(work, "data")
        os.makedirs(data, mode=0o700)
        env = dict(os.environ, EKYC_DATA_DIR=data, EKYC_HOST="127.0.0.1", EKYC_PORT="0",
                   EKYC_MODEL_DIR=os.path.abspath(a.models), EKYC_VN_INDEX=os.path.abspath(a.vn_index),
                   EKYC_RATE_LIMIT_RPS="0", EKYC_ENUMERATION_LIMIT_KEY="0")
        nmax = max(c for c, _ in phases)
        keys = [subprocess.check_output([a.ekyc, "keys", "add", "soak-%d" % i], env=env, text=True).strip().splitlines()[-1]
                for i in range(nmax)]
        out = open(os.path.join(work, "server.out"), "w")
        err = open(os.path.join(a.out, "server.log"), "w")
        server = subprocess.Popen([a.ekyc, "serve"], env=env, stdout=out, stderr=err)
        url = None
        for _ in range(1200):
            m = re.search(r"serving (https?://\S+)", open(os.path.join(work, "server.out")).read())
            if m:
                url = m.group(1)
                break
            if server.poll() is not None:
                raise SystemExit("the server exited at start; see %s/server.log" % a.out)
            time.sleep(0.5)
        a.url = url
        ctx = ssl.create_default_context(cafile=os.path.join(data, "tls", "server.crt"))
        for _ in range(600):
            try:
                if load.get(url, ctx, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        pid = server.pid
        report = {"url": url, "phases": [], "machine": {"cores": os.cpu_count()}}
        stats = Stats()
        samples = []  # (t since start, phase index, sample)
        t_start = time.monotonic()
        for pi, (n, secs) in enumerate(phases):
            clients = [Client(pi * 1000 + i, a, inp, keys[i], ctx, stats) for i in range(n)]
            t_end = time.monotonic() + secs
            n0, _, _ = stats.snapshot()

            def loop(c):
                while time.monotonic() < t_end:
                    c.step()
                c.conn.close()

            threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
            for t in threads:
                t.start()
            t_phase = time.monotonic()
            load0 = os.getloadavg()[0]
            loads = []
            while any(t.is_alive() for t in threads):
                s = proc_sample(pid)
                samples.append((time.monotonic() - t_phase, pi, s))
                loads.append(os.getloadavg()[0])
                done, _, unexpected = stats.snapshot()
                print("phase %d (%d clients) %5.0f s: RSS %4d MiB, threads %3d, fds %3d, requests %d, unexpected %d" % (
                    pi, n, time.monotonic() - t_phase, s["VmRSS"] // 1024, s["Threads"], s["fds"], done,
                    sum(v[0] for v in unexpected.values())), flush=True)
                for _ in range(20):
                    if not any(t.is_alive() for t in threads):
                        break
                    time.sleep(0.5)
            for t in threads:
                t.join()
            mine = [(t, s) for t, i, s in samples if i == pi]
            after = [(t, s["VmRSS"]) for t, s in mine if t >= min(a.warmup, secs / 3)]
            done, by, unexpected = stats.snapshot()
            report["phases"].append({
                "clients": n, "seconds": secs, "requests": done - n0,
                "rss_mib_first_last_after_warmup": [after[0][1] // 1024, after[-1][1] // 1024] if after else None,
                "rss_slope_mib_per_hour_after_warmup": round(slope_mib_per_h(after), 2) if len(after) > 2 else None,
                "rss_mib_min_max": [min(s["VmRSS"] for _, s in mine) // 1024, max(s["VmRSS"] for _, s in mine) // 1024],
                "threads_min_max": [min(s["Threads"] for _, s in mine), max(s["Threads"] for _, s in mine)],
                "fds_min_max": [min(s["fds"] for _, s in mine), max(s["fds"] for _, s in mine)],
                "loadavg1_mean": round(sum(loads) / max(1, len(loads)), 1),
            })
        done, by, unexpected = stats.snapshot()
        report["requests"] = done
        report["by_route"] = by
        report["unexpected"] = unexpected
        report["inputs_answered_inconsistently"] = stats.unstable()
        report["inputs_always_refused"] = stats.refused()
        report["deadline_504"] = sum(n for d in by.values() for o, n in d.items() if o.startswith("504"))
        report["samples"] = [(round(t), i, s["VmRSS"], s["Threads"], s["fds"]) for t, i, s in samples]
        report["server_alive"] = server.poll() is None
        with open(os.path.join(a.out, "soak.json"), "w") as f:
            json.dump(report, f, indent=1)
        print(json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=1))
        bad = sum(v[0] for v in unexpected.values()) + len(report["inputs_answered_inconsistently"])
        ok = bad == 0 and report["server_alive"]
        print("%s: %d unexpected answers, %d inputs answered inconsistently, %d deadline 504s (not errors of the "
              "server: admitted requests that overran EKYC_REQUEST_TIMEOUT_MS on this machine)" % (
                  "PASS" if ok else "FAIL", sum(v[0] for v in unexpected.values()),
                  len(report["inputs_answered_inconsistently"]), report["deadline_504"]))
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
