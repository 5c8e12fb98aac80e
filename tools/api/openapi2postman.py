#!/usr/bin/env python3
"""Generates the Postman collection (v2.1) from docs/openapi.yaml.

  openapi2postman.py docs/openapi.yaml docs/postman/ekyc.postman_collection.json          # write
  openapi2postman.py --check docs/openapi.yaml docs/postman/ekyc.postman_collection.json  # compare

One folder per tag; per /call/ route two requests: multipart/form-data (file parts; optional fields
present but disabled) and JSON with a note in each image field saying what goes there. Collection variables: baseUrl, api_key,
user_id, face_id. The output is deterministic (no random ids), so a test can compare the committed
file with a fresh one. Needs python3-yaml only.
"""
import argparse
import hashlib
import json
import sys

import yaml

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
VARIABLES = {"user_id": "{{user_id}}", "face_id": "{{face_id}}"}


class Doc:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.doc
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            node = target
        return node

    def flatten(self, schema):
        """A property schema with its $ref / allOf folded in (the outer description wins)."""
        out = {}
        schema = self.resolve(schema)
        if "oneOf" in schema and "properties" not in schema:
            # Alternative request bodies (a vendor form, or chip data in its place): the first one,
            # the vendor's, is what the collection shows.
            return self.flatten(schema["oneOf"][0])
        for sub in schema.get("allOf", []):
            for k, v in self.flatten(sub).items():
                out.setdefault(k, v)
        for k, v in schema.items():
            if k != "allOf":
                out[k] = v
        return out


def is_media(raw):
    """An image or video field (ImageText / VideoText, directly or through allOf)."""
    refs = [raw.get("$ref", "")] + [x.get("$ref", "") for x in raw.get("allOf", [])]
    return any(r.endswith(("/ImageText", "/VideoText")) for r in refs)


def example_text(name, prop):
    if name in VARIABLES:
        return VARIABLES[name]
    if "example" in prop:
        return str(prop["example"])
    if "default" in prop:
        d = prop["default"]
        return json.dumps(d) if isinstance(d, bool) else str(d)
    return ""


def url(path):
    return {"raw": "{{baseUrl}}" + path, "host": ["{{baseUrl}}"], "path": [p for p in path.split("/") if p]}


def one_line(text):
    return " ".join(str(text or "").split())


def form_request(d, path, op, schema_ref):
    schema = d.flatten(schema_ref)
    required = set(schema.get("required", []))
    form = []
    for name, raw in schema.get("properties", {}).items():
        prop = d.flatten(raw)
        item = {"key": name}
        if prop.get("format") == "binary":
            item.update({"type": "file", "src": []})
        else:
            item.update({"value": example_text(name, prop), "type": "text"})
        item["description"] = ("(required) " if name in required else "") + one_line(prop.get("description"))
        if name not in required:
            item["disabled"] = True
        form.append(item)
    return {
        "name": "%s (multipart)" % op["operationId"],
        "request": {
            "method": "POST",
            "header": [],
            "body": {"mode": "formdata", "formdata": form},
            "url": url(path),
            "description": (op.get("summary", "") + "\n\n" + op.get("description", "")).strip(),
        },
        "response": [],
    }


def json_request(d, path, op, schema_ref):
    schema = d.flatten(schema_ref)
    required = schema.get("required", [])
    body = {}
    props = schema.get("properties", {})
    # Routes whose images are all optional (register_user_face, predict) still need one.
    wanted = set(required)
    if not any(is_media(props[n]) for n in required if n in props):
        wanted.update([n for n, raw in props.items() if is_media(raw)][:1])
    for name, raw in props.items():
        prop = d.flatten(raw)
        if one_line(prop.get("description")).startswith("alias of"):
            continue
        if name not in wanted and not (name in VARIABLES or "default" in prop):
            continue
        if is_media(raw):
            body[name] = "<%s: base64, a data: URL or an https URL>" % name
        elif prop.get("type") == "boolean":
            body[name] = prop.get("default", True)
        elif prop.get("type") in ("number", "integer"):
            body[name] = prop.get("default", 0)
        else:
            body[name] = example_text(name, prop)
    return {
        "name": "%s (JSON)" % op["operationId"],
        "request": {
            "method": "POST",
            "header": [{"key": "Content-Type", "value": "application/json"}],
            "body": {"mode": "raw", "raw": json.dumps(body, indent=2, ensure_ascii=False),
                     "options": {"raw": {"language": "json"}}},
            "url": url(path),
            "description": "The same fields as JSON (images as base64 or URLs): the required ones and those with defaults; every field is in the multipart request and docs/openapi.yaml.",
        },
        "response": [],
    }


def convert(doc):
    d = Doc(doc)
    info = doc["info"]
    server = doc["servers"][0]["url"]
    scheme = d.resolve({"$ref": "#/components/securitySchemes/ApiKey"})
    folders = {t["name"]: {"name": t["name"], "description": t.get("description", ""), "item": []}
               for t in doc.get("tags", [])}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post"):
                continue
            folder = folders[op["tags"][0]]
            if method == "get":
                folder["item"].append({
                    "name": op["operationId"],
                    "request": {"auth": {"type": "noauth"}, "method": "GET", "header": [], "url": url(path),
                                "description": op.get("summary", "")},
                    "response": [],
                })
                continue
            content = op["requestBody"]["content"]
            folder["item"].append(form_request(d, path, op, content["multipart/form-data"]["schema"]))
            folder["item"].append(json_request(d, path, op, content["application/json"]["schema"]))
    name = info["title"]
    return {
        "info": {
            "_postman_id": str(hashlib.sha256(name.encode()).hexdigest()[:32]),
            "name": name,
            "description": info.get("description", "") + "\nGenerated from docs/openapi.yaml by tools/api/openapi2postman.py; do not edit by hand.",
            "version": info["version"],
            "schema": SCHEMA_URL,
        },
        "auth": {"type": "apikey", "apikey": [
            {"key": "key", "value": scheme["name"], "type": "string"},
            {"key": "value", "value": "{{api_key}}", "type": "string"},
            {"key": "in", "value": scheme["in"], "type": "string"},
        ]},
        "variable": [
            {"key": "baseUrl", "value": server, "type": "string"},
            {"key": "api_key", "value": "", "type": "string",
             "description": "the last line of `ekyc keys add NAME`"},
            {"key": "user_id", "value": "user-001", "type": "string"},
            {"key": "face_id", "value": "all", "type": "string"},
        ],
        "item": [f for f in folders.values() if f["item"]],
    }


def render(spec_path):
    with open(spec_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return json.dumps(convert(doc), indent=2, ensure_ascii=False) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="fail when OUT differs from a fresh rendering")
    p.add_argument("spec")
    p.add_argument("out")
    a = p.parse_args()
    text = render(a.spec)
    if a.check:
        try:
            with open(a.out, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print("%s is not the collection generated from %s; regenerate with:\n  %s %s %s" % (
                a.out, a.spec, sys.argv[0], a.spec, a.out))
            return 1
        print("%s matches %s" % (a.out, a.spec))
        return 0
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
