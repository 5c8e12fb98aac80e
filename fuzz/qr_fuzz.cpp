// The text a card's QR code decodes to, through the chip-CCCD / Căn cước payload parser.
#include "doc/qr.h"
#include "fuzz/fuzz_target.h"

EKYC_FUZZ_TARGET(qr) {
  auto p = ekyc::doc::ParseQrPayload(ekyc::fuzz::AsView(data, size));
  if (p.ok() && p->field_count < 7) __builtin_trap();  // fewer than 7 fields is an error
  return 0;
}
