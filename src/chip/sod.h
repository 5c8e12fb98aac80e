// The parsed SOD's OpenSSL objects (internal; chip.h holds only an opaque pointer).
//
// Thread-safety: CMS_SignerInfo_verify keeps its digest context in the SignerInfo, so one
// SodHandle is verified by one thread at a time (each request parses its own).
#pragma once

#include <string>
#include <vector>

#include "chip/chip.h"
#include "chip/ossl.h"

namespace ekyc::chip {

class SodHandle {
 public:
  ossl::CmsPtr cms;
  CMS_SignerInfo* signer_info = nullptr;  // owned by cms
  ossl::X509Ptr signer;                   // the certificate matching the SignerInfo, or null
  std::string econtent;                   // the DER LDSSecurityObject that was signed
};

}  // namespace ekyc::chip
