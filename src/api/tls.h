// TLS material and settings for the HTTPS server.
//
// Thread-safety: free functions; EnsureSelfSignedCert must not race with itself on the same
// directory (it runs once at start-up).
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "core/status.h"

namespace ekyc::api {

struct TlsFiles {
  std::string cert;
  std::string key;
  bool generated = false;  // true when created by this call
};

// <dir>/server.crt and <dir>/server.key: reused when both exist, otherwise a new EC P-256 key
// (written with mode 0600) and a self-signed certificate for localhost / 127.0.0.1 / ::1.
Result<TlsFiles> EnsureSelfSignedCert(const std::string& dir);

// TLS 1.2 minimum (1.3 preferred), forward-secret AEAD ciphers only, no compression or
// renegotiation; loads and checks the certificate chain and key.
Status ConfigureServerContext(SSL_CTX& ctx, const std::string& cert, const std::string& key);

}  // namespace ekyc::api
