// Small helpers over DocResult's ordered field list, shared by the stages that fill it.
//
// Thread-safety: pure functions over the caller's DocResult.
#pragma once

#include <algorithm>
#include <string>
#include <utility>

#include "doc/doc.h"

namespace ekyc::doc {

// A field with `value`, or an absent one ("N/A") when `value` is empty.
inline Field MakeField(std::string value, double conf, std::string source) {
  Field f;
  if (value.empty()) return f;
  f.value = std::move(value);
  f.confidence = std::clamp(conf, 0.0, 1.0);
  f.source = std::move(source);
  return f;
}

// Replaces the field `name`, or appends it (output order is insertion order).
inline void SetField(DocResult* r, const std::string& name, Field f) {
  for (auto& [n, v] : r->fields) {
    if (n == name) {
      v = std::move(f);
      return;
    }
  }
  r->fields.emplace_back(name, std::move(f));
}

inline Field* GetMutable(DocResult* r, const std::string& name) {
  for (auto& [n, v] : r->fields)
    if (n == name) return &v;
  return nullptr;
}

}  // namespace ekyc::doc
