#!/usr/bin/env python3
"""Crash safety at scale (docs/reliability.md): SIGKILL the store at random moments, many times.

A worker process (src/store/crash_worker.cpp, built as store_crash_worker) registers users (1-3
faces each), checks duplicates, searches and deletes users and faces on a real store, printing a
journal line before each operation starts and after it is acknowledged. This script kills it with
SIGKILL at a random moment after it is ready, restarts it, and repeats. Then it checks:

  - lost acknowledged writes: every acknowledged registration, face deletion and user deletion
    is in the tables (a registered user has exactly the acknowledged faces, a deleted one is gone);
  - half-written users: an operation cut by the kill left its user entirely before or entirely
    after it; no user without faces, no face without its embedding, no row nobody wrote;
  - the index after every restart: the store's own consistency check (index vs tables) at each
    open, duplicate checks that must find the stored face, and searches that must return the
    stored user first.

    tools/reliability/crash_safety.py --worker build/src/store/store_crash_worker \\
        --backend sqlite --backend postgres --kills 100

PostgreSQL: a throw-away cluster (Debian's postgresql-15 binaries, Unix socket only) is started
in a temporary directory and removed at the end. Exit status 0 when every check holds.
"""
import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

PG_BIN = "/usr/lib/postgresql/15/bin/"


class Journal:
    """The state the acknowledged operations imply."""

    def __init__(self):
        self.live = {}      # user -> {face_id: k}
        self.deleted = set()
        self.frozen = {}    # user -> observed faces (tuple) or None (absent): cut by a kill
        self.counts = {"REG": 0, "DUP": 0, "SEARCH": 0, "DEL": 0, "DELFACE": 0, "SNAPSHOT": 0}
        self.errors = []
        self.pending = None  # (op, args) begun, not acknowledged

    def apply(self, line):
        parts = line.split()
        if len(parts) < 2:
            return
        kind, op, args = parts[0], parts[1], parts[2:]
        if kind == "BEGIN":
            self.pending = (op, args)
        elif kind == "ACK":
            self.pending = None
            self.counts[op] = self.counts.get(op, 0) + 1
            if op == "REG":
                user, n, faces = args[0], int(args[1]), args[2].split(",")
                self.live[user] = {f: k for k, f in enumerate(faces)}
            elif op == "DEL":
                self.live.pop(args[0], None)
                self.deleted.add(args[0])
            elif op == "DELFACE":
                self.live[args[0]].pop(args[1], None)
        elif kind in ("ERROR", "FAIL"):
            self.errors.append(line)

    def cut_users(self):
        """Users whose state an operation cut by the kill may have changed, with the allowed states."""
        if self.pending is None:
            return {}
        op, args = self.pending
        if op == "REG":
            return {args[0]: ("absent", ("n", int(args[1])))}
        if op == "DUP":
            return {args[0]: ("absent", ("n", 1))}
        if op == "DEL":
            return {args[0]: (tuple(sorted(self.live.get(args[0], {}))), "absent")}
        if op == "DELFACE":
            before = tuple(sorted(self.live.get(args[0], {})))
            return {args[0]: (before, tuple(f for f in before if f != args[1]))}
        return {}

    def live_file(self, path):
        with open(path, "w") as f:
            for user, faces in self.live.items():
                if faces:
                    f.write("%s %s\n" % (user, ",".join("%s:%d" % (fid, k) for fid, k in faces.items())))


def state_ok(observed, allowed):
    for a in allowed:
        if a == "absent" and observed is None:
            return True
        if isinstance(a, tuple) and a and a[0] == "n" and observed is not None and len(observed) == a[1]:
            return True
        if isinstance(a, tuple) and (not a or a[0] != "n") and observed is not None and tuple(sorted(observed)) == a:
            return True
    return False


class Backend:
    def __init__(self, kind, work):
        self.kind = kind
        self.work = work
        self.pg_dir = None

    def start(self):
        if self.kind == "sqlite":
            self.dir = os.path.join(self.work, "sqlite")
            os.makedirs(self.dir, exist_ok=True)
            return
        self.pg_dir = tempfile.mkdtemp(prefix="ekyc-crash-pg-")
        sock = os.path.join(self.pg_dir, "sock")
        os.makedirs(sock)
        run_as = ["/usr/sbin/runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if run_as:
            shutil.chown(self.pg_dir, "postgres", "postgres")
            shutil.chown(sock, "postgres", "postgres")
        data = os.path.join(self.pg_dir, "data")
        log = open(os.path.join(self.work, "pg-setup.log"), "a")
        subprocess.check_call(run_as + [PG_BIN + "initdb", "-D", data, "-A", "trust", "-U", "ekyc", "-E", "UTF8"],
                              stdout=log, stderr=log)
        self.port = random.randint(20000, 60000)
        subprocess.check_call(run_as + [PG_BIN + "pg_ctl", "-D", data, "-l", os.path.join(self.pg_dir, "server.log"),
                                        "-o", "-p %d -k %s -c listen_addresses=''" % (self.port, sock),
                                        "-w", "-t", "60", "start"], stdout=log, stderr=log)
        self.sock = sock
        self.run_as = run_as
        self.data = data
        self.psql(["-d", "postgres", "-c", "CREATE DATABASE crash"])
        self.dsn = "host=%s port=%d user=ekyc dbname=crash" % (sock, self.port)
        self.key = os.path.join(self.work, "pg-data.key")

    def psql(self, args):
        return subprocess.check_output(["psql", "-h", self.sock, "-p", str(self.port), "-U", "ekyc", "-At"] + args,
                                       text=True)

    def stop(self):
        if self.pg_dir:
            subprocess.call(self.run_as + [PG_BIN + "pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(self.pg_dir, ignore_errors=True)

    def args(self):
        if self.kind == "sqlite":
            return ["--sqlite", self.dir]
        return ["--pg", self.dsn, "--key", self.key]

    def sql(self, query):
        if self.kind == "sqlite":
            con = sqlite3.connect("file:%s?mode=ro" % os.path.join(self.dir, "ekyc.db"), uri=True)
            rows = con.execute(query).fetchall()
            con.close()
            return rows
        out = self.psql(["-d", "crash", "-F", "\t", "-c", query])
        return [tuple(l.split("\t")) for l in out.splitlines() if l]


def run_worker(worker, backend, live_file, run_id, kill_after, log):
    """Starts the worker, kills it `kill_after` seconds after it is ready; returns its lines."""
    p = subprocess.Popen([worker, "run"] + backend.args() + [live_file, run_id], stdout=subprocess.PIPE,
                         stderr=log)
    lines, ready = [], threading.Event()
    buf = b""

    def reader():
        nonlocal buf
        while True:
            chunk = p.stdout.read1(65536) if hasattr(p.stdout, "read1") else p.stdout.read(4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                lines.append(line.decode())
                if line.startswith(b"OPEN") or line.startswith(b"FAIL"):
                    ready.set()
        ready.set()

    t = threading.Thread(target=reader)
    t.start()
    ready.wait(120)
    time.sleep(kill_after)
    exited = p.poll()
    p.send_signal(signal.SIGKILL)
    p.wait()
    t.join()
    return lines, exited  # a line cut by the kill (no newline) was never acknowledged


def verify(worker, backend, users):
    path = os.path.join(backend.work, "users-%s.txt" % backend.kind)
    with open(path, "w") as f:
        f.write("\n".join(sorted(users)) + "\n")
    out = subprocess.check_output([worker, "verify"] + backend.args() + [path], text=True)
    state, consistent = {}, None
    for line in out.splitlines():
        p = line.split()
        if p[0] == "USER":
            state[p[1]] = None if p[2] == "absent" else tuple(sorted(x for x in p[2].split(",") if x != "-"))
        elif p[0] == "CONSISTENT":
            consistent = " ".join(p[1:])
    return state, consistent


def run_backend(kind, a, work):
    b = Backend(kind, work)
    b.start()
    j = Journal()
    rng = random.Random(a.seed)
    log = open(os.path.join(work, "worker-%s.log" % kind), "w")
    opens = {"ok": 0, "bad": []}
    sources = {}
    cut_ops = {}
    lost_at_restart = []
    t0 = time.time()
    try:
        for i in range(a.kills):
            live = os.path.join(work, "live-%s.txt" % kind)
            j.live_file(live)
            kill_after = rng.uniform(a.min_s, a.max_s)
            lines, exited = run_worker(a.worker, b, live, "%s%d" % (kind[0], i), kill_after, log)
            if exited is not None:
                j.errors.append("run %d: the worker exited by itself (status %s) before the kill" % (i, exited))
            for line in lines:
                if line.startswith("OPEN"):
                    src = line.split()[1].split("=")[1]
                    sources[src] = sources.get(src, 0) + 1
                    if line.endswith("consistent=ok"):
                        opens["ok"] += 1
                    else:
                        opens["bad"].append("run %d: %s" % (i, line))
                    continue
                j.apply(line)
            # What the kill cut: resolved now, from the tables, and never touched again.
            cut = j.cut_users()
            if j.pending:
                cut_ops[j.pending[0]] = cut_ops.get(j.pending[0], 0) + 1
            if cut:
                observed, _ = verify(a.worker, b, cut.keys())
                for user, allowed in cut.items():
                    if not state_ok(observed.get(user), allowed):
                        j.errors.append("run %d: user cut mid-operation is in neither state: %s not in %s"
                                        % (i, observed.get(user), allowed))
                    j.frozen[user] = observed.get(user)
                    j.live.pop(user, None)
            j.pending = None
            if a.verbose:
                print("%s kill %d after %.2f s: %d lines, live users %d" % (kind, i, kill_after, len(lines), len(j.live)))
        wall = time.time() - t0
        # Final check: every user ever named.
        users = set(j.live) | j.deleted | set(j.frozen)
        state, consistent = verify(a.worker, b, users)
        lost, half, wrong = [], [], []
        for user, faces in j.live.items():
            got = state.get(user)
            if got is None:
                lost.append("registered user %s is missing" % user)
            elif tuple(sorted(faces)) != got:
                (lost if len(got) < len(faces) else wrong).append("%s: faces %s, expected %s" % (user, got, tuple(sorted(faces))))
        for user in j.deleted - set(j.live) - set(j.frozen):
            if state.get(user) is not None:
                lost.append("deleted user %s is back" % user)
        for user, obs in j.frozen.items():
            if state.get(user) != obs:
                wrong.append("cut user %s changed from %s to %s" % (user, obs, state.get(user)))
        expected_present = sum(1 for u in j.live) + sum(1 for o in j.frozen.values() if o is not None)
        db_users = int(b.sql("SELECT count(*) FROM users")[0][0])
        db_faces = int(b.sql("SELECT count(*) FROM faces")[0][0])
        no_faces = int(b.sql("SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM faces f WHERE f.user_pk = u.id) "
                             "AND NOT EXISTS (SELECT 1 FROM fingerprints p WHERE p.user_pk = u.id)")[0][0])
        no_emb = int(b.sql("SELECT count(*) FROM faces f WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.face_pk = f.id)")[0][0])
        if no_faces:
            half.append("%d users without faces" % no_faces)
        if no_emb:
            half.append("%d faces without an embedding" % no_emb)
        if db_users != expected_present:
            wrong.append("%d users in the table, %d expected" % (db_users, expected_present))
        result = {
            "backend": kind, "kills": a.kills, "kill_window_s": [a.min_s, a.max_s], "seed": a.seed,
            "wall_s": round(wall, 1),
            "acknowledged": {k: v for k, v in j.counts.items()},
            "operations_cut_by_a_kill": cut_ops,
            "opens": {"index_consistent": opens["ok"], "inconsistent": opens["bad"], "index_source": sources},
            "final": {"users": db_users, "faces": db_faces, "index": consistent},
            "lost_acknowledged_writes": len(lost),
            "half_written_users": len(half),
            "other_mismatches": len(wrong),
            "worker_errors": len(j.errors),
            "details": (lost + half + wrong + j.errors + opens["bad"])[:20],
        }
        return result
    finally:
        log.close()
        b.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", required=True)
    p.add_argument("--backend", action="append", choices=["sqlite", "postgres"])
    p.add_argument("--kills", type=int, default=100)
    p.add_argument("--min-s", type=float, default=0.05, help="earliest kill after the worker is ready")
    p.add_argument("--max-s", type=float, default=1.5)
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--out", default="build/crash-safety")
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args()
    backends = a.backend or ["sqlite", "postgres"]
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    results = []
    ok = True
    for kind in backends:
        r = run_backend(kind, a, os.path.abspath(a.out))
        results.append(r)
        print(json.dumps(r, indent=1))
        ok = ok and r["lost_acknowledged_writes"] == 0 and r["half_written_users"] == 0 and \
            r["other_mismatches"] == 0 and r["worker_errors"] == 0 and not r["opens"]["inconsistent"] and \
            r["final"]["index"] == "ok"
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
