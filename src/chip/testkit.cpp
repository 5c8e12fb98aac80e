#include "chip/testkit.h"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "chip/asn1_lds.h"
#include "doc/doc.h"
#include "doc/mrz.h"
#include "vn/vn.h"

namespace ekyc::chip::testkit {
namespace {

// ---- DER building (encoding only; every decoder is OpenSSL's) ----
std::string Len(size_t n) {
  if (n < 0x80) return std::string(1, static_cast<char>(n));
  std::string b;
  while (n > 0) {
    b.insert(b.begin(), static_cast<char>(n & 0xFF));
    n >>= 8;
  }
  return std::string(1, static_cast<char>(0x80 | b.size())) + b;
}
std::string Tag(uint32_t tag) {
  std::string t;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if ((tag >> shift) != 0 || shift == 0) t += static_cast<char>((tag >> shift) & 0xFF);
  }
  return t;
}
std::string Tlv(uint32_t tag, const std::string& value) {
  return Tag(tag) + Len(value.size()) + value;
}
std::string Int(int v) {
  return Tlv(0x02, std::string(1, static_cast<char>(v)));
}

std::string Digest(const std::string& data, const EVP_MD* md) {
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), h, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(h), n);
}

Status Fail(const std::string& what) {
  return Internal("chip.testkit", what + " (" + ossl::TakeError() + ")");
}

void Name(X509_NAME* n, const std::string& cn) {
  X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("VN"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("ekyc test PKI"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
}

bool AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string Pick(std::mt19937_64& rng, const std::vector<std::string>& v) {
  return v[rng() % v.size()];
}

std::string Mrz2(int v) {
  char b[3];
  std::snprintf(b, sizeof b, "%02d", v % 100);
  return b;
}

std::string MrzDate(const std::string& ddmmyyyy) {
  auto d = vn::ParseDate(ddmmyyyy);
  if (!d || !d->valid()) return "<<<<<<";
  return Mrz2(d->year) + Mrz2(d->month) + Mrz2(d->day);
}

char Cd(const std::string& s) {
  const int c = doc::MrzCheckDigit(s);
  return c < 0 ? '<' : static_cast<char>('0' + c);
}

}  // namespace

Result<ossl::PkeyPtr> MakeKey(KeyType type) {
  EVP_PKEY* k = nullptr;
  switch (type) {
    case KeyType::kRsa2048:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyType::kRsa1024:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024));
      break;
    case KeyType::kEcP256:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kNone:
      return InvalidArgument("chip.testkit", "no key type");
  }
  if (k == nullptr) return Fail("key generation failed");
  return ossl::PkeyPtr(k);
}

Result<ossl::X509Ptr> MakeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer,
                               EVP_PKEY* issuer_key) {
  ossl::X509Ptr x(X509_new());
  if (!x) return Fail("X509_new");
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), spec.serial);
  Name(X509_get_subject_name(x.get()), spec.common_name);
  X509_set_issuer_name(
      x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : X509_get_subject_name(x.get()));
  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(spec.not_after));
  X509_set_pubkey(x.get(), key);
  bool ok = AddExt(x.get(), issuer, NID_subject_key_identifier, "hash");
  if (issuer != nullptr)
    ok = ok && AddExt(x.get(), issuer, NID_authority_key_identifier, "keyid:always");
  if (spec.ca) {
    ok = ok && AddExt(x.get(), issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
         AddExt(x.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && AddExt(x.get(), issuer, NID_key_usage, "critical,digitalSignature");
  }
  if (!ok) return Fail("certificate extension");
  if (X509_sign(x.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) <= 0)
    return Fail("X509_sign");
  return x;
}

std::string Pem(X509* cert) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

Result<std::string> MakeCrl(X509* issuer, EVP_PKEY* issuer_key, const std::vector<X509*>& revoked,
                            int64_t last_update, int64_t next_update) {
  ossl::Ptr<X509_CRL, X509_CRL_free> crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer));
  ossl::Ptr<ASN1_TIME, ASN1_TIME_free> last(
      ASN1_TIME_set(nullptr, static_cast<time_t>(last_update)));
  ossl::Ptr<ASN1_TIME, ASN1_TIME_free> next(
      ASN1_TIME_set(nullptr, static_cast<time_t>(next_update)));
  X509_CRL_set1_lastUpdate(crl.get(), last.get());
  X509_CRL_set1_nextUpdate(crl.get(), next.get());
  for (X509* c : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(c));
    X509_REVOKED_set_revocationDate(r, last.get());
    X509_CRL_add0_revoked(crl.get(), r);
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), issuer_key, EVP_sha256()) <= 0) return Fail("X509_CRL_sign");
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

Result<Pki> MakePki(const PkiOptions& o) {
  const int64_t now = o.now != 0 ? o.now : static_cast<int64_t>(std::time(nullptr));
  Pki p;
  EKYC_ASSIGN_OR_RETURN(p.csca_key, MakeKey(o.csca_key));
  EKYC_ASSIGN_OR_RETURN(p.ds_key, MakeKey(o.ds_key));
  EKYC_ASSIGN_OR_RETURN(
      p.csca, MakeCert({o.country_name, now + o.csca_not_before, now + o.csca_not_after, true, 1},
                       p.csca_key.get(), nullptr, nullptr));
  EKYC_ASSIGN_OR_RETURN(p.ds, MakeCert({"Test Document Signer", now + o.ds_not_before,
                                        now + o.ds_not_after, false, o.ds_serial},
                                       p.ds_key.get(), p.csca.get(), p.csca_key.get()));
  return p;
}

Person MakePerson(uint64_t seed) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 7);
  Person p;
  const bool female = rng() % 2 == 1;
  p.sex = female ? "Nữ" : "Nam";
  const std::string family =
      Pick(rng, {"NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "PHAN", "VŨ", "VÕ", "ĐẶNG",
                 "BÙI", "ĐỖ", "HỒ", "NGÔ", "DƯƠNG", "LÝ"});
  const std::string middle = female ? Pick(rng, {"THỊ", "NGỌC", "THANH", "THU", "MINH"})
                                    : Pick(rng, {"VĂN", "ĐỨC", "MINH", "HỮU", "QUANG", "THANH"});
  const std::string given =
      female ? Pick(rng, {"AN", "HÀ", "HƯƠNG", "LAN", "MAI", "PHƯƠNG", "THẢO", "TRANG", "YẾN"})
             : Pick(rng, {"BÌNH", "CƯỜNG", "DŨNG", "LONG", "NAM", "QUÂN", "SƠN", "TUẤN", "VIỆT"});
  p.name = family + " " + middle + " " + given;
  const int year = 1970 + static_cast<int>(rng() % 35);  // ages 20-55 at issue: dated expiry
  const int month = 1 + static_cast<int>(rng() % 12);
  const int day = 1 + static_cast<int>(rng() % 28);
  vn::Date dob{year, month, day};
  p.dob = dob.ToString();
  static const char* kProvinces[] = {"001", "079", "062", "048", "031", "092", "038", "040"};
  const std::string prov = kProvinces[rng() % 8];
  const int century = year >= 2000 ? 2 : 0;
  char serial[8];
  std::snprintf(serial, sizeof serial, "%06d", static_cast<int>(rng() % 1000000));
  p.id = prov + std::to_string(century + (female ? 1 : 0)) + Mrz2(year) + serial;
  p.nationality = "Việt Nam";
  p.ethnicity = Pick(rng, {"Kinh", "Kinh", "Kinh", "Tày", "Mường", "Khơ-me"});
  p.religion = Pick(rng, {"Không", "Không", "Phật giáo", "Công giáo"});
  static const std::vector<std::string> kPlaces = {
      "Phường Xuân La, Quận Tây Hồ, TP. Hà Nội",
      "Xã Nam Tiến, Huyện Phú Xuyên, TP. Hà Nội",
      "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
      "Xã Đắk Tơ Lung, Huyện Kon Rẫy, Tỉnh Kon Tum",
      "Phường Hải Châu I, Quận Hải Châu, TP. Đà Nẵng",
      "Xã Thủy Xuân Tiên, Huyện Chương Mỹ, TP. Hà Nội"};
  p.origin = Pick(rng, kPlaces);
  p.residence = "Số " + std::to_string(1 + rng() % 300) + " Nguyễn Trãi, " + Pick(rng, kPlaces);
  p.marks = Pick(rng, {"Nốt ruồi C:2cm dưới sau mép phải", "Sẹo chấm C:1cm trên đầu mày trái",
                       "Nốt ruồi C:1cm trên trước cánh mũi trái"});
  vn::Date issue{2021 + static_cast<int>(rng() % 3), 1 + static_cast<int>(rng() % 12),
                 1 + static_cast<int>(rng() % 28)};
  p.issued = issue.ToString();
  bool lifetime = false;
  auto expiry = vn::ExpectedExpiry(dob, issue, &lifetime);
  p.expiry = expiry ? expiry->ToString() : "Không thời hạn";
  p.father = Pick(rng, {"NGUYỄN VĂN HÙNG", "TRẦN ĐỨC THẮNG", "LÊ QUANG HẢI", "PHẠM VĂN BA"});
  p.mother = Pick(rng, {"NGUYỄN THỊ HOA", "LÊ THỊ NGA", "TRẦN THỊ LIÊN", "ĐỖ THỊ TƯƠI"});
  char old_id[12];
  std::snprintf(old_id, sizeof old_id, "%09d", static_cast<int>(rng() % 1000000000));
  p.old_id = rng() % 3 == 0 ? std::string() : std::string(old_id);
  return p;
}

std::vector<std::string> MrzFor(const Person& p) {
  const std::string doc_number = p.id.substr(p.id.size() - 9);
  std::string l1 = "IDVNM" + doc_number + Cd(doc_number) + p.id + "<<" + Cd(p.id);
  const std::string dob = MrzDate(p.dob), exp = MrzDate(p.expiry);
  const char sex = p.sex == "Nam" ? 'M' : 'F';
  // A card without expiry has fillers and a filler check digit there (as printed on such cards).
  const char exp_cd = exp == "<<<<<<" ? '<' : Cd(exp);
  std::string l2 = dob + Cd(dob) + sex + exp + exp_cd + "VNM" + std::string(11, '<');
  l2 += Cd(l1.substr(5, 25) + l2.substr(0, 7) + l2.substr(8, 7) + l2.substr(18, 11));
  std::string ascii = doc::Unidecode(p.name);
  std::string l3;
  const size_t space = ascii.find(' ');
  std::string surname = ascii.substr(0, space),
              given = space == std::string::npos ? "" : ascii.substr(space + 1);
  for (char& c : given)
    if (c == ' ') c = '<';
  l3 = surname + "<<" + given;
  for (char& c : l3) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  l3.resize(30, '<');
  return {l1, l2, l3};
}

std::string Dg1For(const Person& p) {
  auto lines = MrzFor(p);
  return Tlv(0x61, Tlv(0x5F1F, lines[0] + lines[1] + lines[2]));
}

std::string DrawnTestPortrait(uint64_t seed, ImageKind kind) {
  cv::Mat img(400, 300, CV_8UC3, cv::Scalar(235, 230, 225));
  cv::ellipse(img, {150, 170}, {70, 95}, 0, 0, 360, cv::Scalar(120 + seed % 60, 150, 190), -1);
  cv::rectangle(img, {60, 300}, {240, 400}, cv::Scalar(80, 60, 40), -1);
  std::vector<uchar> buf;
  cv::imencode(kind == ImageKind::kJpeg ? ".jpg" : ".jp2", img, buf);
  std::string out(buf.begin(), buf.end());
  if (kind == ImageKind::kJpeg2000Codestream) {
    // The codestream box of the JP2 file.
    const size_t at = out.find("jp2c");
    if (at != std::string::npos) out = out.substr(at + 4);
  }
  return out;
}

std::string Dg2For(const std::string& image, ImageKind kind, int width, int height) {
  auto be16 = [](int v) {
    return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)};
  };
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  // ISO/IEC 19794-5:2005 facial record: no feature points, frontal, full-frontal image type.
  std::string info;
  info += static_cast<char>(1);                                 // face image type: full frontal
  info += static_cast<char>(kind == ImageKind::kJpeg ? 0 : 1);  // image data type
  info += be16(width) + be16(height);
  info += static_cast<char>(1);  // colour space: sRGB
  info += static_cast<char>(2);  // source: digital still camera
  info += be16(0) + be16(0);     // device type, quality
  const uint32_t block = 20 + 12 + static_cast<uint32_t>(image.size());
  std::string facial = be32(block) + be16(0) + std::string(1, '\x01') + std::string(1, '\x00') +
                       std::string(1, '\x00') + std::string(3, '\x00') + be16(0) +
                       std::string(3, '\x00') + std::string(3, '\x00');
  std::string record = std::string("FAC\0", 4) + std::string("010\0", 4) + be32(14 + block) +
                       be16(1) + facial + info + image;
  std::string header = Tlv(0x80, std::string("\x01\x01", 2)) + Tlv(0x81, std::string("\x02", 1)) +
                       Tlv(0x87, std::string("\x01\x01", 2)) +
                       Tlv(0x88, std::string("\x00\x08", 2));
  std::string bit = Tlv(0x7F60, Tlv(0xA1, header) + Tlv(0x5F2E, record));
  return Tlv(0x75, Tlv(0x7F61, Int(1) + bit));
}

std::string Dg13For(const Person& p, const std::vector<Dg13Extra>& extra) {
  auto field = [](int tag, uint32_t type, const std::string& v) {
    return Tlv(0x30, Int(tag) + Tlv(type, v));
  };
  constexpr uint32_t kUtf8 = 0x0C, kPrintable = 0x13;
  std::string fields =
      field(1, kPrintable, p.id) + field(2, kUtf8, p.name) + field(3, kPrintable, p.dob) +
      field(4, kUtf8, p.sex) + field(5, kUtf8, p.nationality) + field(6, kUtf8, p.ethnicity) +
      field(7, kUtf8, p.religion) + field(8, kUtf8, p.origin) + field(9, kUtf8, p.residence) +
      field(10, kUtf8, p.marks) + field(11, kPrintable, p.issued) + field(12, kUtf8, p.expiry) +
      Tlv(0x30, Int(13) + Tlv(0x30, Tlv(kUtf8, p.father)) + Tlv(0x30, Tlv(kUtf8, p.mother))) +
      Tlv(0x30, Int(14)) + field(15, kPrintable, p.old_id);
  for (const auto& e : extra) fields += field(e.tag, kUtf8, e.value);
  // An element that is not a field first (real cards carry header bytes of unknown meaning).
  return Tlv(0x6D, Tlv(0x02, std::string(1, '\x01')) + Tlv(0x30, fields));
}

std::string Dg14For(const std::string& signature_oid) {
  ossl::ObjPtr aa(OBJ_txt2obj("2.23.136.1.1.5", 1));
  ossl::ObjPtr sig(OBJ_txt2obj(signature_oid.c_str(), 1));
  auto der_oid = [](ASN1_OBJECT* o) {
    unsigned char* out = nullptr;
    int n = i2d_ASN1_OBJECT(o, &out);
    std::string s(reinterpret_cast<char*>(out), n);
    OPENSSL_free(out);
    return s;
  };
  // A second, unrelated SecurityInfo (chip authentication public key info OID, no key) shows
  // that other infos are listed and skipped.
  ossl::ObjPtr other(OBJ_txt2obj("0.4.0.127.0.7.2.2.3.2.2", 1));
  std::string info1 = Tlv(0x30, der_oid(aa.get()) + Int(1) + der_oid(sig.get()));
  std::string info2 = Tlv(0x30, der_oid(other.get()) + Int(1));
  return Tlv(0x6E, Tlv(0x31, info1 + info2));
}

Result<std::string> Dg15For(EVP_PKEY* aa_key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(aa_key, &der);
  if (n <= 0) return Fail("i2d_PUBKEY");
  std::string spki(reinterpret_cast<char*>(der), n);
  OPENSSL_free(der);
  return Tlv(0x6F, spki);
}

std::string ComFor(const std::vector<int>& dgs) {
  static const uint8_t kTags[17] = {0,    0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68,
                                    0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70};
  std::string list;
  for (int dg : dgs) list += static_cast<char>(kTags[dg]);
  return Tlv(0x60, Tlv(0x5F01, "0107") + Tlv(0x5F36, "040000") + Tlv(0x5C, list));
}

Result<std::string> MakeSod(const std::map<int, std::string>& dgs, X509* ds, EVP_PKEY* ds_key,
                            const SodOptions& o) {
  const EVP_MD* md = EVP_get_digestbyname(o.hash.c_str());
  if (md == nullptr) return InvalidArgument("chip.testkit", "unknown hash " + o.hash);
  ossl::Ptr<asn1::LDS_SECURITY_OBJECT, asn1::LDS_SECURITY_OBJECT_free> lso(
      asn1::LDS_SECURITY_OBJECT_new());
  ASN1_INTEGER_set(lso->version, 0);
  X509_ALGOR_set0(lso->hash_algorithm, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_UNDEF, nullptr);
  // LDS_SECURITY_OBJECT_new made the (empty) SEQUENCE OF already.
  if (lso->hashes == nullptr) lso->hashes = sk_ASN1_TYPE_new_null();
  for (const auto& [dg, bytes] : dgs) {
    ossl::Ptr<asn1::DG_HASH, asn1::DG_HASH_free> h(asn1::DG_HASH_new());
    ASN1_INTEGER_set(h->number, dg);
    const std::string d = Digest(bytes, md);
    ASN1_OCTET_STRING_set(h->hash, reinterpret_cast<const unsigned char*>(d.data()),
                          static_cast<int>(d.size()));
    unsigned char* der = nullptr;
    const int n = asn1::i2d_DG_HASH(h.get(), &der);
    ASN1_STRING* s = ASN1_STRING_new();
    ASN1_STRING_set(s, der, n);
    OPENSSL_free(der);
    ASN1_TYPE* t = ASN1_TYPE_new();
    ASN1_TYPE_set(t, V_ASN1_SEQUENCE, s);
    sk_ASN1_TYPE_push(lso->hashes, t);
  }
  unsigned char* lso_der = nullptr;
  const int lso_len = asn1::i2d_LDS_SECURITY_OBJECT(lso.get(), &lso_der);
  if (lso_len <= 0) return Fail("i2d LDS security object");
  std::string content(reinterpret_cast<char*>(lso_der), lso_len);
  OPENSSL_free(lso_der);

  ossl::CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_BINARY | CMS_PARTIAL));
  ossl::ObjPtr type(OBJ_txt2obj("2.23.136.1.1.1", 1));
  if (!cms || CMS_set1_eContentType(cms.get(), type.get()) != 1) return Fail("CMS set up");
  const int flags = CMS_BINARY | CMS_NOSMIMECAP | (o.include_certificate ? 0 : CMS_NOCERTS);
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), ds, ds_key, EVP_sha256(), flags);
  if (si == nullptr) return Fail("CMS_add1_signer");
  ossl::BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1) return Fail("CMS_final");
  if (o.corrupt_signature) {
    ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
    sig->data[sig->length / 2] ^= 0x01;
  }
  if (o.corrupt_content) {
    ASN1_OCTET_STRING** c = CMS_get0_content(cms.get());
    (*c)->data[(*c)->length - 1] ^= 0x01;  // the last byte of the last data group's hash
  }
  unsigned char* der = nullptr;
  const int n = i2d_CMS_ContentInfo(cms.get(), &der);
  if (n <= 0) return Fail("i2d_CMS_ContentInfo");
  std::string ci(reinterpret_cast<char*>(der), n);
  OPENSSL_free(der);
  return Tlv(0x77, ci);
}

Result<std::string> SignChallenge(EVP_PKEY* key, const std::string& challenge,
                                  const std::string& hash) {
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    const std::string h = hash.empty() ? "SHA1" : hash;
    const EVP_MD* md = EVP_get_digestbyname(h.c_str());
    if (md == nullptr) return InvalidArgument("chip.testkit", "unknown hash");
    std::string trailer;
    if (EVP_MD_get_type(md) == NID_sha1) {
      trailer = "\xBC";
    } else {
      const int nid = EVP_MD_get_type(md);
      const char id = nid == NID_sha256   ? 0x34
                      : nid == NID_sha384 ? 0x36
                      : nid == NID_sha512 ? 0x35
                                          : 0x38;
      trailer = std::string{id, static_cast<char>(0xCC)};
    }
    const size_t k = static_cast<size_t>(EVP_PKEY_get_size(key));
    const size_t hlen = static_cast<size_t>(EVP_MD_get_size(md));
    std::string m1(k - hlen - trailer.size() - 1, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(m1.data()), static_cast<int>(m1.size()));
    std::string f = "\x6A" + m1 + Digest(m1 + challenge, md) + trailer;
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    std::string sig(k, '\0');
    size_t n = k;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n, ossl::Bytes(f),
                      f.size()) != 1)
      return Fail("raw RSA signature");
    sig.resize(n);
    return sig;
  }
  const EVP_MD* md = EVP_get_digestbyname(hash.empty() ? "SHA256" : hash.c_str());
  ossl::MdCtxPtr m(EVP_MD_CTX_new());
  size_t n = 0;
  if (EVP_DigestSignInit(m.get(), nullptr, md, nullptr, key) != 1 ||
      EVP_DigestSign(m.get(), nullptr, &n, ossl::Bytes(challenge), challenge.size()) != 1)
    return Fail("ECDSA sign");
  std::string der(n, '\0');
  if (EVP_DigestSign(m.get(), reinterpret_cast<unsigned char*>(der.data()), &n,
                     ossl::Bytes(challenge), challenge.size()) != 1)
    return Fail("ECDSA sign");
  const unsigned char* p = ossl::Bytes(der);
  ossl::Ptr<ECDSA_SIG, ECDSA_SIG_free> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(n)));
  const int half = (EVP_PKEY_get_bits(key) + 7) / 8;
  std::string out(2 * half, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(out.data()), half);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(out.data()) + half,
               half);
  return out;
}

Result<ChipSet> MakeChipSet(const Pki& pki, const ChipSetOptions& o) {
  ChipSet set;
  set.person = o.person ? *o.person : MakePerson(o.seed);
  std::string image =
      o.portrait.empty() ? DrawnTestPortrait(o.seed, o.portrait_kind) : o.portrait;
  std::vector<uchar> buf(image.begin(), image.end());
  cv::Mat decoded = cv::imdecode(buf, cv::IMREAD_COLOR);
  set.data.dgs[1] = Dg1For(set.person);
  set.data.dgs[2] = Dg2For(image, o.portrait_kind, decoded.cols, decoded.rows);
  set.data.dgs[13] = Dg13For(set.person, o.dg13_extra);
  if (o.aa_key != KeyType::kNone) {
    EKYC_ASSIGN_OR_RETURN(set.aa_key, MakeKey(o.aa_key));
    EKYC_ASSIGN_OR_RETURN(set.data.dgs[15], Dg15For(set.aa_key.get()));
    if (o.aa_key == KeyType::kEcP256) set.data.dgs[14] = Dg14For();
  }
  EKYC_ASSIGN_OR_RETURN(set.data.sod, MakeSod(set.data.dgs, pki.ds.get(), pki.ds_key.get(), o.sod));
  std::vector<int> list;
  for (const auto& [dg, b] : set.data.dgs) list.push_back(dg);
  set.data.com = ComFor(list);
  return set;
}

Status WriteTrustDir(const std::string& dir, const std::vector<X509*>& certs,
                     const std::vector<std::string>& crls) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("chip.testkit", "cannot create " + dir);
  for (size_t i = 0; i < certs.size(); ++i) {
    std::ofstream(dir + "/csca-" + std::to_string(i) + ".pem") << Pem(certs[i]);
  }
  for (size_t i = 0; i < crls.size(); ++i)
    std::ofstream(dir + "/csca-" + std::to_string(i) + ".crl") << crls[i];
  return Status::Ok();
}

}  // namespace ekyc::chip::testkit
