#!/usr/bin/python3
"""Load driver for `ekyc serve`: closed-loop clients on /call/register_ekyc_front_back_face.

Standard library only (threads + http.client + ssl), so it runs wherever the server runs, with no
build step. A client spends well under 1 ms of CPU per request against the server's ~1 s, so the
GIL does not limit the offered load; the driver reports its own CPU time to show that.

Subcommands
  inputs  --out DIR [--seed S] [--docs N]
      Fixed-seed request inputs: synthetic card fronts/backs from tools/cardgen with a real
      faces-dev face in the portrait slot, and selfies (other photos of the same person). Writes
      DIR/manifest.json. Kinds (expected outcome): genuine (registered), impostor (code 4, another
      person's selfie), noface (code 1, a card back as the selfie), duplicate (E850, the selfie of a
      "resident" user registered before the run under another user_id).
  run     --url URL --cacert PEM --keys FILE --inputs DIR --server-pid PID
          [--clients 1,5,10,20] [--duration 60] [--soak SECONDS] [--json OUT]
      Drives each concurrency level for a fixed duration and prints p50/p95/p99 latency,
      throughput, outcomes by (HTTP status, envelope code), 503 timing and Retry-After, the
      server's CPU seconds per request (utime+stime from /proc/PID/stat), peak RSS (VmHWM) and
      sampled VmRSS, the load average, and per-stage means from /metrics. --soak runs one level
      (the first of --clients, default 5) for SECONDS and reports RSS at every minute.

Every register request carries a unique user_id. A registered genuine user is deleted again by
the same client (delete_user_face face_id=all, timed separately) so that the next request with
that face is not a duplicate of it, and two clients never register the same person at once (a
per-identity lease): E850 then comes only from the "duplicate" inputs. Clients honour Retry-After
on 503/429 (a real client would), so a refused client does not spin.
"""
import argparse
import csv
import http.client
import json
import os
import random
import re
import resource
import shutil
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

ROUTE = "register_ekyc_front_back_face"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The shared development faces beside the repository (../shared, as CMake's EKYC_SHARED_DIR);
# EKYC_SHARED_DIR or --faces point elsewhere.
FACES = os.path.join(os.environ.get("EKYC_SHARED_DIR") or os.path.join(ROOT, "..", "shared"),
                     "data", "faces-dev")


# ----------------------------------------------------------------------------- inputs
def cmd_inputs(a):
    rng = random.Random(a.seed)
    ids = {}
    with open(os.path.join(a.faces, "identities.csv")) as f:
        for row in csv.DictReader(f):
            if row["set"] == "deepface":
                ids.setdefault(row["identity"], []).append(row["image"])
    people = sorted((k for k, v in ids.items() if len(v) >= 2), key=lambda k: (-len(ids[k]), k))
    residents, genuine = people[:1], people[1:]
    os.makedirs(a.out, exist_ok=True)
    by_image = {}

    def face_dir(name, who):
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        for p in who:
            for img in ids[p]:
                dst = os.path.join(d, os.path.basename(img))
                if not os.path.exists(dst):
                    shutil.copyfile(os.path.join(a.faces, img), dst)
                by_image[os.path.basename(img)] = p
        return d

    def cards(name, faces_dir, count, seed):
        out = os.path.join(a.out, name)
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools/cardgen/cardgen.py"), "--out", out,
                        "--count", str(count), "--seed", str(seed), "--levels", "phone",
                        "--types", "CCCD_CHIP,CAN_CUOC", "--faces", faces_dir],
                       check=True, stdout=subprocess.DEVNULL)
        docs = []
        for i in range(count):
            stem = [n[:-5] for n in sorted(os.listdir(out)) if n.startswith("%04d_" % i) and n.endswith(".json")]
            front = next(s for s in stem if "_front_" in s)
            back = next(s for s in stem if "_back_" in s)
            with open(os.path.join(out, front + ".json")) as f:
                photo = os.path.basename(json.load(f)["photo"])
            docs.append({"front": os.path.join(name, front + ".jpg"), "back": os.path.join(name, back + ".jpg"),
                         "identity": by_image[photo], "card_photo": photo})
        return docs

    gdir = face_dir("faces_genuine", genuine)
    rdir = face_dir("faces_resident", residents)
    gdocs = cards("cards_genuine", gdir, a.docs, a.seed)
    rdocs = cards("cards_resident", rdir, 2, a.seed + 1)

    def other_photo(who, not_this):
        pics = sorted(os.path.basename(p) for p in ids[who] if os.path.basename(p) != not_this)
        return rng.choice(pics)

    items = []
    for d in gdocs:
        items.append(dict(d, kind="genuine", selfie=os.path.join("faces_genuine", other_photo(d["identity"], d["card_photo"]))))
    for d in gdocs[:2]:
        who = rng.choice([p for p in genuine if p != d["identity"]])
        items.append(dict(d, kind="impostor", selfie=os.path.join("faces_genuine", other_photo(who, ""))))
    for k, d in enumerate(gdocs[2:4]):
        items.append(dict(d, kind="noface", selfie=gdocs[-1 - k]["back"]))
    # The resident is registered (before the run) with exactly the selfie the duplicate inputs use,
    # so E850 does not depend on how close two different photos of one person are.
    resident_selfie = os.path.join("faces_resident", other_photo(residents[0], ""))
    for d in rdocs:
        items.append(dict(d, kind="duplicate", selfie=resident_selfie))
    # Interleave kinds so every stretch of the run sees the same mix.
    order = sorted(range(len(items)), key=lambda i: (i % 5, i))
    items = [items[i] for i in order]
    man = {"seed": a.seed, "route": ROUTE, "items": items,
           "residents": [{"user_id": "load-resident-0", "image": resident_selfie}]}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(man, f, indent=1)
    kinds = {}
    for it in items:
        kinds[it["kind"]] = kinds.get(it["kind"], 0) + 1
    print("inputs: %s in %s" % (", ".join("%d %s" % (v, k) for k, v in sorted(kinds.items())), a.out))


# ----------------------------------------------------------------------------- HTTP
def multipart(fields, files):
    """Returns (content type, body prefix, body suffix); the user_id goes between them."""
    b = "----ekycload%016x" % random.Random(len(files)).getrandbits(64)
    pre = b""
    for name, (fname, data) in files.items():
        pre += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: image/jpeg\r\n\r\n" % (b, name, fname)).encode() + data + b"\r\n"
    for name, value in fields.items():
        pre += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, name, value)).encode()
    pre += ("--%s\r\nContent-Disposition: form-data; name=\"user_id\"\r\n\r\n" % b).encode()
    return "multipart/form-data; boundary=" + b, pre, ("\r\n--%s--\r\n" % b).encode()


class Conn:
    """One keep-alive HTTPS connection; reconnects after a transport error or Connection: close."""

    def __init__(self, url, ctx, timeout):
        u = urllib.parse.urlparse(url)
        self.host, self.port, self.https = u.hostname, u.port, u.scheme == "https"
        self.ctx, self.timeout, self.c = ctx, timeout, None

    def post(self, path, body, headers):
        """Returns (status, headers dict lower-case, body bytes) or raises OSError/HTTPException."""
        for attempt in (0, 1):
            if self.c is None:
                if self.https:
                    self.c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=self.timeout)
                else:
                    self.c = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.c.request("POST", path, body=body, headers=headers)
                r = self.c.getresponse()
                data = r.read()
                h = {k.lower(): v for k, v in r.getheaders()}
                if h.get("connection", "").lower() == "close":
                    self.close()
                return r.status, h, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed while idle: retry once on a new one.
                self.close()
                if attempt == 1:
                    raise
            except Exception:
                self.close()
                raise

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None


def get(url, ctx, path, timeout=10):
    u = urllib.parse.urlparse(url)
    cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    kw = {"context": ctx} if u.scheme == "https" else {}
    c = cls(u.hostname, u.port, timeout=timeout, **kw)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


# ----------------------------------------------------------------------------- server probes
def proc_cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (int(parts[11]) + int(parts[12])) / tck  # utime, stime (fields 14, 15)


def proc_mem_kb(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out.get("VmRSS", 0), out.get("VmHWM", 0)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


STAGE_RE = re.compile(r'^ekyc_stage_(duration_seconds_sum|duration_seconds_count|cpu_seconds_total)'
                      r'\{route="%s",stage="([a-z_]+)"\} ([0-9.e+-]+)$' % ROUTE)
WORKER_CPU_RE = re.compile(r'^ekyc_worker_cpu_seconds_total ([0-9.e+-]+)$')


def stage_totals(url, ctx):
    """{stage: [wall sum, count, cpu sum]} of the register route, plus "_worker_cpu"."""
    try:
        _, text = get(url, ctx, "/metrics")
    except OSError:
        return {}
    tot = {}
    for line in text.splitlines():
        m = STAGE_RE.match(line)
        if m:
            k = ["duration_seconds_sum", "duration_seconds_count", "cpu_seconds_total"].index(m.group(1))
            tot.setdefault(m.group(2), [0.0, 0.0, 0.0])[k] = float(m.group(3))
        m = WORKER_CPU_RE.match(line)
        if m:
            tot["_worker_cpu"] = [0.0, 0.0, float(m.group(1))]
    return tot


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


# ----------------------------------------------------------------------------- the run
class Schedule:
    """Round-robin over the inputs; a genuine input is skipped while its person is in flight."""

    def __init__(self, items):
        self.items, self.i, self.busy, self.mu = items, 0, set(), threading.Lock()

    def take(self):
        with self.mu:
            for _ in range(len(self.items)):
                it = self.items[self.i % len(self.items)]
                self.i += 1
                if it["kind"] != "genuine":
                    return it
                if it["identity"] not in self.busy:
                    self.busy.add(it["identity"])
                    return it
            raise RuntimeError("no input available")  # only non-genuine inputs are never leased

    def release(self, it):
        if it["kind"] == "genuine":
            with self.mu:
                self.busy.discard(it["identity"])


class Level:
    def __init__(self):
        self.mu = threading.Lock()
        self.req = []     # (kind, status, code, seconds, retry_after, t_end)
        self.deletes = []  # (status, seconds)
        self.messages = {}  # "status code" -> first error message (non-200 answers)


def envelope_code(data):
    try:
        return str(json.loads(data).get("code", ""))
    except (ValueError, AttributeError):
        return "?"


def envelope_error(data):
    try:
        return str(json.loads(data).get("error", ""))[:200]
    except (ValueError, AttributeError):
        return data[:200].decode("utf-8", "replace")


def client_loop(cid, args, bodies, keys, sched, lv, ctx, t_end, run_id, unregister):
    conn = Conn(args.url, ctx, args.timeout)
    key = keys[cid % len(keys)]
    seq = 0
    path = "/call/" + ROUTE
    while time.monotonic() < t_end:
        it = sched.take()
        uid = "load-%s-%d-%d" % (run_id, cid, seq)
        seq += 1
        ctype, pre, suf = bodies[id(it)]
        body = pre + uid.encode() + suf
        hdr = {"x-api-key": key, "Content-Type": ctype}
        t0 = time.monotonic()
        try:
            status, h, data = conn.post(path, body, hdr)
            code = envelope_code(data)
        except Exception as e:  # transport errors are a kind of their own
            status, h, code, data = 0, {}, type(e).__name__, b""
        dt = time.monotonic() - t0
        retry = h.get("retry-after")
        with lv.mu:
            lv.req.append((it["kind"], status, code, dt, retry, time.monotonic()))
            if status != 200:
                lv.messages.setdefault("%d %s" % (status, code), envelope_error(data) if status else code)
        if status == 200 and code == "" and unregister:
            # Remove the new user so the next request with this face is not its duplicate.
            dbody = json.dumps({"user_id": uid, "face_id": "all"}).encode()
            while True:
                t1 = time.monotonic()
                try:
                    ds, dh, _ = conn.post("/call/delete_user_face", dbody,
                                          {"x-api-key": key, "Content-Type": "application/json"})
                except Exception:
                    ds, dh = 0, {}
                with lv.mu:
                    lv.deletes.append((ds, time.monotonic() - t1))
                if ds == 200:
                    break
                time.sleep(float(dh.get("retry-after", "1")))
        sched.release(it)
        if status in (429, 503):
            time.sleep(float(retry or 1))
    conn.close()


def run_level(args, n, duration, bodies, keys, sched, ctx, run_id, pid, minute_cb=None):
    lv = Level()
    rss_samples = []
    stop = threading.Event()

    def sampler():
        t0 = time.monotonic()
        next_minute = 60
        while not stop.wait(1.0):
            rss, hwm = proc_mem_kb(pid)
            la = loadavg()[0]
            rss_samples.append((time.monotonic() - t0, rss, hwm, la))
            if minute_cb and time.monotonic() - t0 >= next_minute:
                with lv.mu:
                    done = len(lv.req)
                minute_cb(next_minute // 60, rss, hwm, la, done)
                next_minute += 60

    stages0 = stage_totals(args.url, ctx)
    la0 = loadavg()
    cpu0 = proc_cpu_s(pid)
    me0 = resource.getrusage(resource.RUSAGE_SELF)
    t_start = time.monotonic()
    t_end = t_start + duration
    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    clients = [threading.Thread(target=client_loop, args=(c, args, bodies, keys, sched, lv, ctx, t_end, run_id,
                                                          not args.keep_users)) for c in range(n)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    elapsed = time.monotonic() - t_start
    stop.set()
    th.join()
    cpu1 = proc_cpu_s(pid)
    me1 = resource.getrusage(resource.RUSAGE_SELF)
    la1 = loadavg()
    stages1 = stage_totals(args.url, ctx)
    rss, hwm = proc_mem_kb(pid)

    served = [r for r in lv.req if r[1] not in (0, 429, 503)]
    ok = [r for r in lv.req if r[1] == 200]
    refused = [r for r in lv.req if r[1] == 503]
    outcomes = {}
    for r in lv.req:
        k = "%d %s" % (r[1], r[2] or "ok")
        outcomes[k] = outcomes.get(k, 0) + 1
    by_kind = {}
    for r in lv.req:
        d = by_kind.setdefault(r[0], {})
        k = "%d %s" % (r[1], r[2] or "ok")
        d[k] = d.get(k, 0) + 1
    stages = {}
    for s, (tot, cnt, cpu) in stages1.items():
        t0, c0, u0 = stages0.get(s, [0.0, 0.0, 0.0])
        if cnt > c0:
            stages[s] = {"mean_s": (tot - t0) / (cnt - c0), "count": cnt - c0,
                         "cpu_per_served_s": (cpu - u0) / max(1, len(served))}
    # None: a server without the CPU counters (before ekyc_stage_cpu_seconds_total existed).
    worker_cpu = (stages1["_worker_cpu"][2] - stages0.get("_worker_cpu", [0, 0, 0])[2]
                  if "_worker_cpu" in stages1 else None)
    stages.pop("_worker_cpu", None)
    lat = [r[3] for r in served]
    res = {
        "clients": n, "duration_s": duration, "elapsed_s": round(elapsed, 2),
        "requests": len(lv.req), "served": len(served), "http_200": len(ok),
        "throughput_rps": round(len(served) / elapsed, 3),
        "latency_s": {"p50": pct(lat, 50), "p95": pct(lat, 95), "p99": pct(lat, 99), "max": max(lat) if lat else None},
        "outcomes": outcomes, "outcomes_by_kind": by_kind, "error_messages": lv.messages,
        "refused_503": {"count": len(refused), "p50_s": pct([r[3] for r in refused], 50),
                        "p99_s": pct([r[3] for r in refused], 99),
                        "max_s": max([r[3] for r in refused]) if refused else None,
                        "with_retry_after": sum(1 for r in refused if r[4] is not None)},
        "deletes": {"count": len(lv.deletes), "failed": sum(1 for d in lv.deletes if d[0] != 200),
                    "p50_s": pct([d[1] for d in lv.deletes], 50)},
        "server_cpu_s": round(cpu1 - cpu0, 2),
        "server_cpu_s_per_served": round((cpu1 - cpu0) / max(1, len(served)), 3),
        "worker_cpu_s_per_served": None if worker_cpu is None else round(worker_cpu / max(1, len(served)), 3),
        "server_rss_kb_end": rss, "server_hwm_kb": hwm,
        "server_rss_kb_max_sampled": max([s[1] for s in rss_samples], default=rss),
        "loadavg_start": la0, "loadavg_end": la1,
        "loadavg1_mean": round(sum(s[3] for s in rss_samples) / max(1, len(rss_samples)), 2),
        "driver_cpu_s": round(me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime, 2),
        "stages": stages,
        "rss_samples": [(round(t), r) for t, r, _, _ in rss_samples],
    }
    return res


def fmt_level(r):
    l = r["latency_s"]
    f = lambda x: "-" if x is None or x != x else "%.2f" % x
    ref = r["refused_503"]
    lines = ["clients %d: %d requests in %.0f s, served %d (%.2f req/s), p50 %s s, p95 %s s, p99 %s s, max %s s"
             % (r["clients"], r["requests"], r["elapsed_s"], r["served"], r["throughput_rps"],
                f(l["p50"]), f(l["p95"]), f(l["p99"]), f(l["max"])),
             "  outcomes (HTTP code): " + ", ".join("%s: %d" % kv for kv in sorted(r["outcomes"].items())),
             "  by input kind: " + "; ".join("%s {%s}" % (k, ", ".join("%s: %d" % kv for kv in sorted(v.items())))
                                             for k, v in sorted(r["outcomes_by_kind"].items())),
             "  errors: " + "; ".join("%s: %s" % kv for kv in sorted(r["error_messages"].items())),
             "  503: %d (p50 %s s, p99 %s s, max %s s, %d with Retry-After); deletes %d (%d failed)"
             % (ref["count"], f(ref["p50_s"]), f(ref["p99_s"]), f(ref["max_s"]), ref["with_retry_after"],
                r["deletes"]["count"], r["deletes"]["failed"]),
             "  server CPU %.1f s = %.3f s per served request; RSS end %d MiB, peak (VmHWM) %d MiB, max sampled %d MiB"
             % (r["server_cpu_s"], r["server_cpu_s_per_served"], r["server_rss_kb_end"] // 1024,
                r["server_hwm_kb"] // 1024, r["server_rss_kb_max_sampled"] // 1024),
             "  load average: start %s, end %s, 1-min mean during run %.2f; driver CPU %.2f s"
             % (r["loadavg_start"], r["loadavg_end"], r["loadavg1_mean"], r["driver_cpu_s"]),
             ("  stages, wall s per call / worker-thread CPU s per served request: " + ", ".join(
                 "%s %.3f / %.3f" % (s, v["mean_s"], v["cpu_per_served_s"]) for s, v in sorted(r["stages"].items()))
              + "; worker threads in all jobs (incl. deletes) %.3f CPU s per served request"
              % r["worker_cpu_s_per_served"]) if r["worker_cpu_s_per_served"] is not None else
             ("  stages, wall s per call: " + ", ".join(
                 "%s %.3f" % (s, v["mean_s"]) for s, v in sorted(r["stages"].items())))]
    return "\n".join(lines)


def cmd_run(a):
    with open(os.path.join(a.inputs, "manifest.json")) as f:
        man = json.load(f)
    ctx = ssl.create_default_context(cafile=a.cacert) if a.cacert else None
    with open(a.keys) as f:
        keys = [ln.strip() for ln in f if ln.strip()]
    read = lambda p: open(os.path.join(a.inputs, p), "rb").read()
    bodies = {}
    for it in man["items"]:
        bodies[id(it)] = multipart({"check_rotate": "true", "threshold": "0.5"},
                                   {"image_card1": ("front.jpg", read(it["front"])),
                                    "image_card2": ("back.jpg", read(it["back"])),
                                    "image_general": ("selfie.jpg", read(it["selfie"]))})
    # Residents: registered once (register_user_face) so the duplicate inputs meet them.
    conn = Conn(a.url, ctx, a.timeout)
    for res in man["residents"]:
        ctype, pre, suf = multipart({}, {"image_face": ("face.jpg", read(res["image"]))})
        status, _, data = conn.post("/call/register_user_face", pre + res["user_id"].encode() + suf,
                                    {"x-api-key": keys[0], "Content-Type": ctype})
        code = envelope_code(data)
        if status != 200 or code not in ("", "E850"):
            sys.exit("resident registration failed: HTTP %d code %s" % (status, code))
    conn.close()
    pid = a.server_pid
    run_id = "%x" % int(time.time())
    sched = Schedule(man["items"])
    levels = [int(x) for x in a.clients.split(",")]
    print("# %s, %d cores (%s), server pid %d, %d inputs, duration %s s per level"
          % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), os.cpu_count(), cpu_model(), pid,
             len(man["items"]), a.soak or a.duration), flush=True)
    if a.warmup > 0:  # first requests load lazily-initialised state in each worker
        run_level(a, 2, a.warmup, bodies, keys, sched, ctx, run_id + "w", pid)
    results = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
               "cpu": cpu_model(), "levels": []}
    if a.soak:
        n = levels[0]
        print("soak: %d clients for %d s; RSS each minute:" % (n, a.soak), flush=True)

        def minute(m, rss, hwm, la, done):
            print("  minute %2d: VmRSS %d MiB, VmHWM %d MiB, load %.2f, %d requests" % (m, rss // 1024, hwm // 1024, la, done),
                  flush=True)
            results.setdefault("soak_minutes", []).append({"minute": m, "rss_kb": rss, "hwm_kb": hwm, "load1": la,
                                                           "requests": done})
        r = run_level(a, n, a.soak, bodies, keys, sched, ctx, run_id, pid, minute)
        results["levels"].append(r)
        print(fmt_level(r), flush=True)
    else:
        for n in levels:
            r = run_level(a, n, a.duration, bodies, keys, sched, ctx, run_id + "c%d" % n, pid)
            results["levels"].append(r)
            print(fmt_level(r), flush=True)
            time.sleep(a.pause)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("inputs")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--docs", type=int, default=12, help="genuine card pairs")
    p.add_argument("--faces", default=os.path.normpath(FACES),
                   help="faces-dev directory (deepface/ with pairs); default: %(default)s")
    p = sub.add_parser("run")
    p.add_argument("--url", required=True)
    p.add_argument("--cacert", default="")
    p.add_argument("--keys", required=True, help="file with one API key per line (client i uses key i mod n)")
    p.add_argument("--inputs", required=True)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--clients", default="1,5,10,20")
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--soak", type=float, default=0)
    p.add_argument("--warmup", type=float, default=10, help="seconds at 2 clients before measuring (0 = none)")
    p.add_argument("--pause", type=float, default=3, help="seconds between levels")
    p.add_argument("--timeout", type=float, default=120, help="client socket timeout")
    p.add_argument("--keep-users", action="store_true", help="do not delete registered users")
    p.add_argument("--json", default="")
    a = ap.parse_args()
    {"inputs": cmd_inputs, "run": cmd_run}[a.cmd](a)


if __name__ == "__main__":
    main()
