#include "api/tls.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

namespace ekyc::api {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

Status TlsError(const std::string& what) {
  return Internal("tls.setup_failed", what + ": " + OpenSslError());
}

Status AddExt(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return TlsError("cannot add certificate extension");
  return Status::Ok();
}

// Writes with a file descriptor opened 0600 so the key is never readable by others, even briefly.
Status WritePem(const std::string& path, mode_t mode, const std::function<bool(FILE*)>& write) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Internal("tls.setup_failed", "cannot create " + tmp);
  ::fchmod(fd, mode);
  FILE* f = ::fdopen(fd, "w");
  if (f == nullptr) {
    ::close(fd);
    return Internal("tls.setup_failed", "cannot open " + tmp);
  }
  bool ok = write(f);
  ok = std::fclose(f) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return TlsError("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace

Result<TlsFiles> EnsureSelfSignedCert(const std::string& dir) {
  TlsFiles files{dir + "/server.crt", dir + "/server.key", false};
  std::error_code ec;
  if (std::filesystem::exists(files.cert, ec) && std::filesystem::exists(files.key, ec))
    return files;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("tls.setup_failed", "cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);

  PKeyPtr pkey(EVP_EC_gen("P-256"));
  if (!pkey) return TlsError("cannot generate an EC P-256 key");
  X509Ptr cert(X509_new());
  if (!cert) return TlsError("cannot allocate a certificate");
  X509_set_version(cert.get(), 2);  // v3
  // Random positive serial: clients may cache certificates by issuer+serial.
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1)
    return TlsError("no randomness for the serial number");
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  if (bn == nullptr || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) == nullptr) {
    BN_free(bn);
    return TlsError("cannot set the serial number");
  }
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);  // the CA/B maximum validity
  X509_set_pubkey(cert.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ekyc self-signed"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // CA:TRUE lets clients trust this self-signed certificate directly (curl --cacert, requests).
  if (Status s = AddExt(cert.get(), NID_basic_constraints, "critical,CA:TRUE"); !s.ok()) return s;
  if (Status s = AddExt(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
      !s.ok())
    return s;
  if (Status s = AddExt(cert.get(), NID_ext_key_usage, "serverAuth"); !s.ok()) return s;
  if (Status s = AddExt(cert.get(), NID_subject_key_identifier, "hash"); !s.ok()) return s;
  if (Status s = AddExt(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
      !s.ok()) {
    return s;
  }
  if (X509_sign(cert.get(), pkey.get(), EVP_sha256()) == 0)
    return TlsError("cannot sign the certificate");

  EKYC_RETURN_IF_ERROR(WritePem(files.key, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  }));
  EKYC_RETURN_IF_ERROR(
      WritePem(files.cert, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; }));
  files.generated = true;
  return files;
}

Status ConfigureServerContext(SSL_CTX& ctx, const std::string& cert, const std::string& key) {
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1)
    return TlsError("cannot set TLS 1.2 minimum");
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION |
                                SSL_OP_CIPHER_SERVER_PREFERENCE);
  // TLS 1.2 suites: ECDHE (forward secrecy) with AEAD only. TLS 1.3 suites are all acceptable.
  if (SSL_CTX_set_cipher_list(&ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
    return TlsError("cannot set the TLS 1.2 cipher list");
  }
  if (SSL_CTX_use_certificate_chain_file(&ctx, cert.c_str()) != 1) {
    return TlsError("cannot load TLS certificate " + cert + " (set EKYC_TLS_CERT to a PEM file)");
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return TlsError("cannot load TLS private key " + key +
                    " (set EKYC_TLS_KEY to an unencrypted PEM key)");
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    return TlsError("TLS private key " + key + " does not match certificate " + cert);
  }
  return Status::Ok();
}

}  // namespace ekyc::api
