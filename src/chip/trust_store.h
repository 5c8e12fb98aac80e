// TrustStore internals shared by the chain check (internal).
#pragma once

#include <vector>

#include "chip/chip.h"
#include "chip/ossl.h"

namespace ekyc::chip {

struct TrustStore::Impl {
  ossl::StorePtr store;                // every trusted certificate: CSCAs and verified links
  std::vector<ossl::X509Ptr> anchors;  // same, in load order
  std::vector<size_t> anchor_entry;    // index of each into TrustStore::certificates()
  int links = 0;                       // how many of them are link certificates
  std::vector<ossl::CrlPtr> crls;      // in the order of TrustStore::crls()
};

}  // namespace ekyc::chip
