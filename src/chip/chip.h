// Chip (NFC) data verification for ICAO 9303 identity documents: the Vietnamese CCCD with chip
// (2021) and the Căn cước (2024) carry an ICAO LDS chip. A phone reads the data groups over NFC and
// sends them; this module decides whether they are genuine:
//
//   - parsers, one per file, each a pure function from bytes to Result (fuzz-ready, bounded):
//     ParseCom, ParseDg1 (MRZ), ParseDg2 (portrait), ParseDg13 (Vietnamese personal data, driven
//     by the layout table Dg13Layout()), ParseDg14 (security infos), ParseDg15 (active
//     authentication key), ParseSod (CMS SignedData + LDS security object); all ASN.1 through
//     OpenSSL (ASN1_get_object, d2i_*, ASN.1 templates), never hand-written crypto;
//   - passive authentication (VerifyChip): every data group's hash against the SOD, the SOD's CMS
//     signature against its document signer (DS) certificate, the DS chain against the operator's
//     CSCA trust store (TrustStore, EKYC_CSCA_DIR), validity periods, revocation when a CRL for
//     the issuing CSCA is present; each check reports what it checked and what failed;
//   - active authentication (VerifyActiveAuthentication): the chip's signature over a server nonce
//     (ChallengeStore) with the DG15 key (RSA ISO/IEC 9796-2 scheme 1, ECDSA plain signatures);
//   - the chip's fields in the shape of the card reader's (ChipDocResult) and the comparison of a
//     printed card with the chip (CrossCheckCard).
// docs/chip.md documents the checks, what each proves, the DG13 layout and its sources.
//
// Thread-safety: parsers and verification functions are pure (safe from any thread). TrustStore
// is immutable once loaded (share it read-only); TrustAnchors and ChallengeStore are internally
// synchronised.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "doc/doc.h"

namespace ekyc::vn {
class AddressNormalizer;
}  // namespace ekyc::vn

namespace ekyc::chip {

// ---------------------------------------------------------------------------------------------
// Limits (bytes as read from the chip). Real files are far smaller; anything larger is refused
// before parsing. Why each value: docs/chip.md, "Limits".
struct Limits {
  size_t max_com = 1 << 10;        // a tag list and two versions: < 100 bytes
  size_t max_dg1 = 1 << 10;        // a TD1 MRZ in two TLV headers: 95 bytes
  size_t max_dg2 = 1 << 20;        // one portrait: 10-30 KB JPEG on CCCDs, larger JPEG 2000 exists
  size_t max_dg13 = 16 << 10;      // Vietnamese personal data: about 0.5-1 KB
  size_t max_dg14 = 16 << 10;      // a few SecurityInfos with EC parameters
  size_t max_dg15 = 4 << 10;       // one public key (RSA 4096 at most)
  size_t max_sod = 128 << 10;      // CMS SignedData with the DS certificate (2-4 KB typical)
  size_t max_other_dg = 64 << 10;  // DG3-DG12, DG16: hashed, not parsed
  int max_depth = 8;               // nesting of constructed TLVs walked by the parsers
  int max_dg13_fields = 64;
  size_t max_dg13_value = 2 << 10;           // one DG13 value (an address is ~100-200 bytes)
  int64_t max_portrait_pixels = 16'000'000;  // decoded DG2 image
};
const Limits& DefaultLimits();

// Size limit for data group `dg` (0 = EF.COM, 100 = EF.SOD).
size_t MaxBytesFor(int dg, const Limits& limits = DefaultLimits());

// ---------------------------------------------------------------------------------------------
// Parsers. Errors are InvalidArgument with reasons "chip.<file>_malformed" (com, dg1, dg2, dg13,
// dg14, dg15, sod) or "chip.<file>_too_large"; messages say what was wrong without echoing data.

// EF.COM (not signed by the SOD: informational only).
struct Com {
  std::string lds_version;       // "0107" = LDS 1.7
  std::string unicode_version;   // "040000"
  std::vector<int> data_groups;  // from the tag list, e.g. {1, 2, 13, 14, 15}
};
Result<Com> ParseCom(std::string_view bytes, const Limits& limits = DefaultLimits());

// DG1: the MRZ (tag 0x61 / 0x5F1F). TD1 (90 characters) for ID cards, TD3 (88) for passports.
struct Dg1 {
  std::string mrz;                 // as stored, fillers kept
  std::vector<std::string> lines;  // 3 x 30 or 2 x 44
};
Result<Dg1> ParseDg1(std::string_view bytes, const Limits& limits = DefaultLimits());

// DG2: the first facial image (tag 0x75 / 0x7F61 / 0x7F60 / 0x5F2E|0x7F2E, ISO/IEC 19794-5).
enum class ImageKind { kJpeg, kJpeg2000, kJpeg2000Codestream };
const char* ImageKindName(ImageKind kind);  // "jpeg", "jpeg2000", "jpeg2000-codestream"
struct Dg2 {
  int instances = 0;  // biometric templates in the group (the first is used)
  ImageKind kind = ImageKind::kJpeg;
  int declared_width = 0;  // from the ISO/IEC 19794-5 image information block
  int declared_height = 0;
  std::string image;  // the encoded image
};
Result<Dg2> ParseDg2(std::string_view bytes, const Limits& limits = DefaultLimits());
// Decodes the portrait (OpenCV imgcodecs; JPEG 2000 through its OpenJPEG codec). Dimensions are
// read from the image's own header and checked against limits.max_portrait_pixels first.
// Errors: chip.dg2_undecodable, chip.dg2_too_many_pixels.
Result<cv::Mat> DecodePortrait(const Dg2& dg2, const Limits& limits = DefaultLimits());

// DG13: Vietnamese personal data, read with the layout table below.
enum class Dg13ValueType { kText, kDate, kTextList, kNone };
struct Dg13FieldSpec {
  int tag;                         // the INTEGER that opens the field's SEQUENCE
  std::vector<std::string> names;  // output field names (vendor names where one exists), one per
                                   // value; kNone: none
  Dg13ValueType type;
  const char* meaning;   // English description
  const char* evidence;  // how well the project knows this entry (docs/chip.md)
};
// The table (data, not code paths): tags 1-16 as the project found them (docs/chip.md, "DG13").
const std::vector<Dg13FieldSpec>& Dg13Layout();

struct Dg13Field {
  int tag = 0;
  std::vector<std::string> names;   // from the layout table; empty for unknown tags
  std::vector<std::string> values;  // NFC UTF-8, in order
};
struct Dg13 {
  std::vector<Dg13Field> fields;  // in file order
  std::vector<int> unknown_tags;  // field tags not in the layout table (values not exposed)
  int skipped_elements = 0;       // elements that are not fields (header data of unknown meaning)
  // First value of the field named `name`; nullptr when absent.
  const std::string* Get(std::string_view name) const;
};
Result<Dg13> ParseDg13(std::string_view bytes, const Limits& limits = DefaultLimits());

// DG14: SecurityInfos (tag 0x6E). Only what active authentication needs is interpreted.
struct Dg14 {
  std::vector<std::string> protocols;                 // dotted OIDs of every SecurityInfo
  std::optional<std::string> aa_signature_algorithm;  // ActiveAuthenticationInfo's OID
};
Result<Dg14> ParseDg14(std::string_view bytes, const Limits& limits = DefaultLimits());

// DG15: the active authentication public key (tag 0x6F, SubjectPublicKeyInfo).
struct Dg15 {
  std::string spki_der;
  std::string key_type;  // "RSA" or "EC"
  int bits = 0;          // modulus / field size
};
Result<Dg15> ParseDg15(std::string_view bytes, const Limits& limits = DefaultLimits());

// EF.SOD: CMS SignedData (tag 0x77) whose content is an LDSSecurityObject.
struct SodSigner {
  std::string subject, issuer, serial_hex;
  int64_t not_before = 0, not_after = 0;  // unix seconds
  std::string sha256;                     // fingerprint of the DER certificate, hex
};
class SodHandle;  // the parsed CMS structure (internal)
struct Sod {
  std::string hash_algorithm;            // "SHA256", ...
  std::map<int, std::string> dg_hashes;  // data group number -> hash bytes
  int lds_version_info = -1;        // LDSSecurityObject version (0: LDS 1.6 and before, 1: 1.7+)
  std::string signature_algorithm;  // of the SignerInfo, e.g. "sha256WithRSAEncryption"
  std::optional<SodSigner> signer;  // the certificate that matches the SignerInfo, if included
  std::shared_ptr<const SodHandle> handle;
};
Result<Sod> ParseSod(std::string_view bytes, const Limits& limits = DefaultLimits());

// ---------------------------------------------------------------------------------------------
// CSCA trust store: the operator's country signing CA certificates and CRLs (docs/chip.md,
// "Trust store"). Files in one directory: *.pem, *.crt, *.cer, *.der (certificates, PEM or DER,
// several per PEM file) and *.crl (PEM or DER). Self-signed certificates are trust anchors; a CSCA
// link certificate (a new CSCA key certified by a trusted CSCA) that verifies is an anchor too.
// Other files are ignored.
struct TrustEntry {
  std::string file;
  std::string subject;
  std::string sha256;
  int64_t not_before = 0, not_after = 0;
  bool self_signed = false;
};
struct CrlEntry {
  std::string file;
  std::string issuer;
  int64_t last_update = 0, next_update = 0;  // next_update 0: none
  int revoked = 0;
};
class TrustStore {
 public:
  // Errors: chip.trust_store_unreadable (directory missing or unreadable),
  // chip.trust_store_bad_file (a certificate/CRL file that does not parse, named in the message).
  // An empty directory is not an error: every chain then fails with chip.csca_not_trusted.
  static Result<std::shared_ptr<const TrustStore>> Load(const std::string& dir);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  const std::string& dir() const { return dir_; }
  const std::vector<TrustEntry>& certificates() const { return certs_; }
  const std::vector<CrlEntry>& crls() const { return crls_; }
  int anchors() const;             // self-signed CSCA certificates (link certificates not counted)
  nlohmann::json Summary() const;  // for readiness and `ekyc chip trust-store`

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  TrustStore();
  std::string dir_;
  std::vector<TrustEntry> certs_;
  std::vector<CrlEntry> crls_;
  std::unique_ptr<Impl> impl_;
};

// The trust store of a directory, reloaded when its files change (checked at most every
// `recheck` interval), so a CSCA can be added or rotated without a restart. A reload that fails
// keeps the previous store and records the error.
// Thread-safety: all methods may be called concurrently.
class TrustAnchors {
 public:
  static Result<std::unique_ptr<TrustAnchors>> Open(
      const std::string& dir, std::chrono::seconds recheck = std::chrono::seconds(10));
  std::shared_ptr<const TrustStore> Current();
  std::string last_error() const;
  const std::string& dir() const { return dir_; }

 private:
  TrustAnchors() = default;
  std::string Fingerprint() const;
  std::string dir_;
  std::chrono::seconds recheck_{10};
  mutable std::mutex mu_;
  std::shared_ptr<const TrustStore> current_;
  std::string fingerprint_;
  std::chrono::steady_clock::time_point checked_;
  std::string error_;
};

// ---------------------------------------------------------------------------------------------
// Verification

enum class CheckOutcome { kPassed, kFailed, kNotChecked };
const char* CheckOutcomeName(CheckOutcome o);  // "passed", "failed", "not_checked"

struct Check {
  std::string name;  // "sod", "dg_hash:DG1", "sod_signature", "ds_chain", "validity", ...
  CheckOutcome outcome = CheckOutcome::kNotChecked;
  std::string reason;   // stable reason when failed / not checked ("chip.dg_hash_mismatch")
  std::string checked;  // what was checked, in words
  std::string detail;   // what failed or why it was not checked (no personal data)
  nlohmann::json info = nlohmann::json::object();
};

// What the phone sent: data groups as read (with their own tags), and EF.SOD / EF.COM.
struct ChipData {
  std::string sod;
  std::string com;                 // optional
  std::map<int, std::string> dgs;  // 1..16
};

// A verified active authentication needs the nonce the server issued and the chip's answer.
struct ActiveAuthInput {
  std::string challenge;  // the 8 bytes given to the chip (INTERNAL AUTHENTICATE)
  std::string signature;  // the chip's response
};

struct VerifyOptions {
  // Time the certificates and CRLs are checked at (unix seconds); unset: now.
  std::optional<int64_t> at_time;
  std::optional<ActiveAuthInput> active_auth;
  bool decode_portrait = true;  // decode DG2's image (ChipReport::portrait) as part of its check
  Limits limits = DefaultLimits();
};

struct ChipReport {
  // Every data group hash, the SOD signature, the DS chain, validity and revocation (when a CRL
  // was there) passed: the data groups were written by the holder of a DS key the trust store's
  // CSCA certified.
  bool passive_authentication = false;
  // passive_authentication, and the data were understood (DG1, DG2, DG13 parsed, no unknown DG13
  // tags, DG1 and DG13 agree), and active authentication passed when it was attempted.
  bool verified = false;
  std::vector<Check> checks;

  std::optional<Sod> sod;
  std::optional<Com> com;
  std::optional<Dg1> dg1;
  std::optional<Dg2> dg2;
  std::optional<Dg13> dg13;
  std::optional<Dg14> dg14;
  std::optional<Dg15> dg15;
  std::map<int, bool> dg_hash_ok;  // data groups sent -> hash matched the SOD
  std::optional<TrustEntry> csca;  // the anchor the DS chained to
  cv::Mat portrait;                // DG2's image decoded (BGR), when it decoded

  // True when `dg` was sent, its hash matched and passive authentication passed.
  bool Proven(int dg) const;
  const Check* Find(std::string_view name) const;
  // Reasons of the failed checks, in check order.
  std::vector<std::string> FailureReasons() const;
  nlohmann::json ToJson() const;
};

// Passive authentication plus parsing of every data group sent, and active authentication when
// options.active_auth is set. Never fails: every problem is a failed check in the report.
ChipReport VerifyChip(const ChipData& data, const TrustStore& trust,
                      const VerifyOptions& options = {});

// The SOD signature and DS chain checks on their own (used by VerifyChip).
Check VerifySodSignature(const Sod& sod);
// Chain, validity and revocation checks of the SOD's signer against the trust store.
std::vector<Check> VerifySignerChain(const Sod& sod, const TrustStore& trust, int64_t at_time,
                                     std::optional<TrustEntry>* anchor = nullptr);

// Active authentication (ICAO 9303-11 §6.1): the chip's signature over `challenge` with the DG15
// key. RSA: ISO/IEC 9796-2 digital signature scheme 1 (trailer 0xBC = SHA-1, or 0xhhCC with hash
// identifier hh for SHA-1/224/256/384/512). ECDSA: the plain r||s format of BSI TR-03111 with the
// hash named by DG14's ActiveAuthenticationInfo (required for EC keys).
Check VerifyActiveAuthentication(const Dg15& dg15, const std::optional<Dg14>& dg14,
                                 const ActiveAuthInput& input);

// ---------------------------------------------------------------------------------------------
// Active authentication nonces (single use, bounded lifetime, bound to the API key that asked).
// Thread-safety: all methods may be called concurrently.
class ChallengeStore {
 public:
  struct Options {
    std::chrono::seconds lifetime{300};  // a phone needs seconds; 5 minutes covers retries
    size_t max_outstanding = 100'000;    // beyond this, new challenges are refused (503)
  };
  explicit ChallengeStore(Options options);
  ChallengeStore() : ChallengeStore(Options{}) {}

  struct Issued {
    std::string id;          // opaque, 32 hex characters
    std::string challenge;   // 8 random bytes
    int64_t expires_at = 0;  // unix seconds
  };
  // Errors: chip.challenge_store_full (ResourceExhausted).
  Result<Issued> Issue(const std::string& owner);
  // Returns the challenge and forgets it (single use): whatever the verification then says, the
  // same id is never accepted again. Errors: chip.challenge_unknown (never issued, already used,
  // expired, or issued to another API key).
  Result<std::string> Take(const std::string& id, const std::string& owner);
  size_t outstanding() const;

 private:
  struct Entry {
    std::string challenge;
    std::string owner;
    std::chrono::steady_clock::time_point expires;
  };
  void PurgeLocked(std::chrono::steady_clock::time_point now);
  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

// ---------------------------------------------------------------------------------------------
// The chip's fields as the card reader's DocResult (vendor field names, source "chip"),
// confidence 1.0 for fields of proven data groups and 0.0 otherwise. The type is the chip CCCD,
// or the Căn cước when issued from 2024-07-01; the MRZ block comes from DG1.
doc::DocResult ChipDocResult(const ChipReport& report);

// One printed field against the chip's.
struct FieldComparison {
  std::string field;
  std::string outcome;  // "match", "match_folded" (equal without diacritics/case), "mismatch",
                        // "not_printed" (absent or unread on the card), "not_on_chip"
};
struct CardCrossCheck {
  std::vector<FieldComparison> fields;
  int compared = 0, matched = 0, mismatched = 0;
  bool id_matches = false;  // the printed ID number (or MRZ document number) equals the chip's
  nlohmann::json ToJson() const;
};
// Every field read from the card images against the chip's value of the same name. Dates, sex and
// nationality are compared as parsed values, addresses by their normalized units when a normalizer
// is given (else as folded text), names and other text as NFC upper case (then folded).
CardCrossCheck CrossCheckCard(const doc::DocResult& chip, const std::vector<doc::DocResult>& sides,
                              const vn::AddressNormalizer* normalizer = nullptr);

}  // namespace ekyc::chip
