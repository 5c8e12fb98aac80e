"""docs/openapi.yaml as JSON Schema validators (python3-yaml, python3-jsonschema).

OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4/5: `nullable: true` becomes
`anyOf: [<schema>, {type: null}]`, and `#/components/schemas/X` references point into a
`definitions` section. Annotations JSON Schema does not know (format: binary, example) are ignored
by the validator.
"""
import copy

import jsonschema
import yaml

HTTP_METHODS = ("get", "post", "put", "delete", "patch", "head", "options")


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _convert(node):
    if isinstance(node, list):
        return [_convert(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == "$ref" and isinstance(v, str) and v.startswith("#/components/schemas/"):
            out[k] = "#/definitions/" + v[len("#/components/schemas/"):]
        elif k in ("properties", "definitions"):
            out[k] = {name: _convert(s) for name, s in v.items()}
        elif k in ("example", "nullable"):
            continue
        else:
            out[k] = _convert(v)
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


class Spec:
    def __init__(self, path):
        self.doc = load(path)
        self.definitions = {n: _convert(s) for n, s in self.doc["components"]["schemas"].items()}
        self._validators = {}

    def resolve(self, obj):
        """Follows a `$ref` inside the document (responses, headers, schemas)."""
        while isinstance(obj, dict) and "$ref" in obj:
            node = self.doc
            for part in obj["$ref"][2:].split("/"):
                node = node[part]
            obj = node
        return obj

    def json_schema(self, schema):
        s = _convert(copy.deepcopy(schema))
        s["definitions"] = self.definitions
        return s

    def check_schemas(self):
        """Every schema of the document is a valid JSON Schema (draft 4) and every $ref resolves."""
        for name, s in self.doc["components"]["schemas"].items():
            js = self.json_schema(s)
            jsonschema.Draft4Validator.check_schema(js)
            jsonschema.Draft4Validator(js).is_valid(None)  # resolves refs lazily; touch once
        refs = []

        def walk(n):
            if isinstance(n, dict):
                if isinstance(n.get("$ref"), str):
                    refs.append(n["$ref"])
                for v in n.values():
                    walk(v)
            elif isinstance(n, list):
                for v in n:
                    walk(v)

        walk(self.doc)
        for r in refs:
            self.resolve({"$ref": r})
        return len(refs)

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method, op in item.items():
                if method in HTTP_METHODS:
                    yield path, method, op

    def response(self, path, method, status):
        op = self.doc["paths"][path][method]
        r = op["responses"].get(str(status))
        return self.resolve(r) if r is not None else None

    def validator(self, path, method, status, media="application/json"):
        key = (path, method, status, media)
        if key not in self._validators:
            r = self.response(path, method, status)
            if r is None or media not in r.get("content", {}):
                self._validators[key] = None
            else:
                js = self.json_schema(r["content"][media]["schema"])
                self._validators[key] = jsonschema.Draft4Validator(js)
        return self._validators[key]

    def component_validator(self, name):
        key = ("component", name)
        if key not in self._validators:
            self._validators[key] = jsonschema.Draft4Validator(
                self.json_schema({"$ref": "#/components/schemas/" + name}))
        return self._validators[key]

    def error_codes(self):
        """{code: http status} from x-ekyc-error-codes."""
        return {str(e["code"]): int(e["http"]) for e in self.doc["x-ekyc-error-codes"]}
