// AES-256-GCM sealing of embeddings and images, and the data key file.
//
// Format of a sealed blob: version byte (1) | 12-byte random nonce | ciphertext | 16-byte tag.
// The associated data (not stored) names the row a blob belongs to, so moving a blob to another
// row makes decryption fail.
//
// Thread-safety: DataKey is immutable after construction; Seal/Open are safe from any thread.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ekyc::store {

class DataKey {
 public:
  static constexpr size_t kKeyBytes = 32;

  // Reads a key file holding 64 hex characters (surrounding whitespace allowed).
  static Result<DataKey> Load(const std::string& path);
  // Loads, or when the file is missing and `create` is set, generates it with mode 0600.
  static Result<DataKey> LoadOrCreate(const std::string& path, bool create);
  static DataKey Random();
  Status WriteFile(const std::string& path) const;  // refuses to overwrite

  Result<std::string> Seal(std::string_view plaintext, std::string_view aad) const;
  Result<std::string> Open(std::string_view sealed, std::string_view aad) const;

  // A value stored beside the data: opening it proves the key is the one the data was written
  // with, without revealing the key.
  Result<std::string> MakeCheckValue() const;
  bool Verify(const std::string& check_value) const;

  ~DataKey();
  DataKey(const DataKey&) = default;
  DataKey& operator=(const DataKey&) = default;

 private:
  DataKey() = default;
  std::array<unsigned char, kKeyBytes> key_{};
};

// Associated data for each kind of sealed value.
std::string EmbeddingAad(std::string_view collection, std::string_view user_id,
                         std::string_view face_id, std::string_view model_id);
std::string FaceImageAad(std::string_view collection, std::string_view user_id,
                         std::string_view face_id);
std::string FingerprintAad(std::string_view collection, std::string_view user_id,
                           std::string_view fingerprint_id);

// float vector <-> little-endian bytes (x86/ARM hosts are little-endian; checked at build time).
std::string FloatsToBytes(const std::vector<float>& v);
Result<std::vector<float>> BytesToFloats(std::string_view bytes);

}  // namespace ekyc::store
