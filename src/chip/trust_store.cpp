// The operator's CSCA trust store: certificates and CRLs from one directory (EKYC_CSCA_DIR),
// loaded with OpenSSL's PEM/DER decoders. TrustAnchors reloads it when the directory changes.
#include "chip/trust_store.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace ekyc::chip {
namespace {

namespace fs = std::filesystem;
constexpr uintmax_t kMaxFileBytes = 16 << 20;  // a CSCA master list is a few MB at most

bool Wanted(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".der" || ext == ".crl";
}

Status BadFile(const std::string& file, const std::string& why) {
  return InvalidArgument("chip.trust_store_bad_file", "trust store file " + file + ": " + why);
}

struct Loaded {
  std::vector<ossl::X509Ptr> certs;
  std::vector<ossl::CrlPtr> crls;
};

Result<Loaded> ReadFile(const fs::path& path) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return BadFile(path.filename().string(), "cannot be read");
  if (size > kMaxFileBytes) return BadFile(path.filename().string(), "larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  Loaded out;
  if (bytes.find("-----BEGIN") != std::string::npos) {
    ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr);
    const std::string err = ossl::TakeError();
    if (infos == nullptr)
      return BadFile(path.filename().string(), "PEM does not decode (" + err + ")");
    for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
      X509_INFO* info = sk_X509_INFO_value(infos, i);
      if (info->x509 != nullptr) {
        X509_up_ref(info->x509);
        out.certs.emplace_back(info->x509);
      }
      if (info->crl != nullptr) {
        X509_CRL_up_ref(info->crl);
        out.crls.emplace_back(info->crl);
      }
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
  } else {
    const unsigned char* p = ossl::Bytes(bytes);
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(bytes.size()));
    if (cert != nullptr && p == ossl::Bytes(bytes) + bytes.size()) {
      out.certs.emplace_back(cert);
    } else {
      X509_free(cert);
      p = ossl::Bytes(bytes);
      X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size()));
      if (crl == nullptr || p != ossl::Bytes(bytes) + bytes.size()) {
        X509_CRL_free(crl);
        ossl::ClearErrors();
        return BadFile(path.filename().string(), "neither a DER certificate nor a DER CRL");
      }
      out.crls.emplace_back(crl);
    }
  }
  ossl::ClearErrors();
  if (out.certs.empty() && out.crls.empty())
    return BadFile(path.filename().string(), "holds no certificate or CRL");
  return out;
}

std::vector<fs::path> Files(const std::string& dir, std::error_code& ec) {
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && Wanted(it->path())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status AddAnchor(TrustStore::Impl& impl, std::vector<TrustEntry>& entries, ossl::X509Ptr cert,
                 TrustEntry entry) {
  if (X509_STORE_add_cert(impl.store.get(), cert.get()) != 1) {
    return BadFile(entry.file, "certificate rejected by OpenSSL (" + ossl::TakeError() + ")");
  }
  impl.anchor_entry.push_back(entries.size());
  impl.anchors.push_back(std::move(cert));
  entries.push_back(std::move(entry));
  return Status::Ok();
}

}  // namespace

TrustStore::TrustStore() : impl_(std::make_unique<Impl>()) {}
TrustStore::~TrustStore() = default;

int TrustStore::anchors() const {
  return static_cast<int>(impl_->anchors.size()) - impl_->links;
}

Result<std::shared_ptr<const TrustStore>> TrustStore::Load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status(StatusCode::kFailedPrecondition, "chip.trust_store_unreadable",
                  "the CSCA trust store directory " + dir + " does not exist (EKYC_CSCA_DIR)");
  }
  std::vector<fs::path> files = Files(dir, ec);
  if (ec) {
    return Status(StatusCode::kFailedPrecondition, "chip.trust_store_unreadable",
                  "cannot list the CSCA trust store directory " + dir + ": " + ec.message());
  }
  std::shared_ptr<TrustStore> ts(new TrustStore());
  ts->dir_ = dir;
  ts->impl_->store.reset(X509_STORE_new());
  if (!ts->impl_->store) return Internal("chip.openssl", "X509_STORE_new failed");
  std::set<std::string> seen;
  std::vector<std::pair<ossl::X509Ptr, TrustEntry>> pending_links;
  for (const auto& f : files) {
    EKYC_ASSIGN_OR_RETURN(Loaded l, ReadFile(f));
    for (auto& c : l.certs) {
      TrustEntry e;
      e.file = f.filename().string();
      e.subject = ossl::NameText(X509_get_subject_name(c.get()));
      e.sha256 = ossl::CertSha256(c.get());
      e.not_before = ossl::TimeToUnix(X509_get0_notBefore(c.get()));
      e.not_after = ossl::TimeToUnix(X509_get0_notAfter(c.get()));
      e.self_signed = X509_self_signed(c.get(), /*verify_signature=*/1) == 1;
      ossl::ClearErrors();
      if (!seen.insert(e.sha256).second) continue;  // the same certificate in two files
      if (e.self_signed) {
        EKYC_RETURN_IF_ERROR(AddAnchor(*ts->impl_, ts->certs_, std::move(c), std::move(e)));
      } else {
        pending_links.emplace_back(std::move(c), std::move(e));
      }
    }
    for (auto& crl : l.crls) {
      CrlEntry e;
      e.file = f.filename().string();
      e.issuer = ossl::NameText(X509_CRL_get_issuer(crl.get()));
      e.last_update = ossl::TimeToUnix(X509_CRL_get0_lastUpdate(crl.get()));
      e.next_update = ossl::TimeToUnix(X509_CRL_get0_nextUpdate(crl.get()));
      STACK_OF(X509_REVOKED)* rev = X509_CRL_get_REVOKED(crl.get());
      e.revoked = rev != nullptr ? sk_X509_REVOKED_num(rev) : 0;
      ts->crls_.push_back(std::move(e));
      ts->impl_->crls.push_back(std::move(crl));
    }
  }
  // CSCA link certificates (ICAO 9303-12): a new CSCA key certified by a trusted CSCA. One that
  // verifies under an anchor becomes an anchor itself (chains may stop at it); links of links are
  // resolved in rounds. Anything else that is not self-signed is refused: a stray certificate in
  // the trust store is an operator error worth seeing.
  for (bool added = true; added && !pending_links.empty();) {
    added = false;
    for (auto it = pending_links.begin(); it != pending_links.end();) {
      bool issued = false;
      for (const auto& a : ts->impl_->anchors) {
        if (X509_check_issued(a.get(), it->first.get()) == X509_V_OK &&
            X509_verify(it->first.get(), X509_get0_pubkey(a.get())) == 1 &&
            X509_check_ca(it->first.get()) != 0) {
          issued = true;
          break;
        }
      }
      ossl::ClearErrors();
      if (!issued) {
        ++it;
        continue;
      }
      EKYC_RETURN_IF_ERROR(
          AddAnchor(*ts->impl_, ts->certs_, std::move(it->first), std::move(it->second)));
      ts->impl_->links++;
      it = pending_links.erase(it);
      added = true;
    }
  }
  if (!pending_links.empty()) {
    return BadFile(pending_links.front().second.file,
                   "certificate '" + pending_links.front().second.subject +
                       "' is neither self-signed nor a link certificate signed by a CSCA in the "
                       "trust store");
  }
  return std::shared_ptr<const TrustStore>(std::move(ts));
}

nlohmann::json TrustStore::Summary() const {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  nlohmann::json certs = nlohmann::json::array();
  for (const auto& c : certs_) {
    certs.push_back({{"file", c.file},
                     {"subject", c.subject},
                     {"sha256", c.sha256},
                     {"not_before", c.not_before},
                     {"not_after", c.not_after},
                     {"role", c.self_signed ? "csca" : "link"},
                     {"expired", c.not_after < now}});
  }
  nlohmann::json crls = nlohmann::json::array();
  for (const auto& c : crls_) {
    crls.push_back({{"file", c.file},
                    {"issuer", c.issuer},
                    {"last_update", c.last_update},
                    {"next_update", c.next_update},
                    {"revoked", c.revoked},
                    {"out_of_date", c.next_update != 0 && c.next_update < now}});
  }
  return {{"dir", dir_}, {"anchors", anchors()}, {"certificates", certs}, {"crls", crls}};
}

// ---------------------------------------------------------------------------------------------

std::string TrustAnchors::Fingerprint() const {
  std::error_code ec;
  std::string fp;
  for (const auto& f : Files(dir_, ec)) {
    auto t = fs::last_write_time(f, ec);
    fp += f.filename().string() + ":" + std::to_string(fs::file_size(f, ec)) + ":" +
          std::to_string(t.time_since_epoch().count()) + ";";
  }
  if (ec) fp += "error:" + ec.message();
  return fp;
}

Result<std::unique_ptr<TrustAnchors>> TrustAnchors::Open(const std::string& dir,
                                                         std::chrono::seconds recheck) {
  std::unique_ptr<TrustAnchors> a(new TrustAnchors());
  a->dir_ = dir;
  a->recheck_ = recheck;
  a->fingerprint_ = a->Fingerprint();
  EKYC_ASSIGN_OR_RETURN(a->current_, TrustStore::Load(dir));
  a->checked_ = std::chrono::steady_clock::now();
  return a;
}

std::shared_ptr<const TrustStore> TrustAnchors::Current() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - checked_ < recheck_) return current_;
  checked_ = now;
  std::string fp = Fingerprint();
  if (fp == fingerprint_) return current_;
  auto loaded = TrustStore::Load(dir_);
  if (loaded.ok()) {
    current_ = *loaded;
    fingerprint_ = fp;
    error_.clear();
  } else {
    // Keep serving with the last good store; the change is retried at the next recheck.
    error_ = loaded.status().message();
  }
  return current_;
}

std::string TrustAnchors::last_error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace ekyc::chip
