// QR/MRZ cross-check: the printed fields against the side's machine-readable data. Agreement
// raises a field's confidence; a disagreement takes the error-checked machine value (QR error
// correction, MRZ check digits). Accent-free MRZ names check letters only, never tone marks.
//
// Thread-safety: pure functions over the caller's DocResult.
#pragma once

#include <string>

#include "doc/doc.h"

namespace ekyc::doc {

// One field against one machine-readable value (see the header comment). `machine_trusted`: the
// value passed its checks; `accent_free_machine`: it cannot vouch for diacritics (MRZ names).
void CrossCheck(DocResult* r, const std::string& name, const std::string& machine_value,
                const std::string& source, bool machine_trusted, bool accent_free_machine = false);

// Every field the side's QR (on the QR side) and MRZ carry, checked against the printed ones.
void CrossCheckMachineReadable(DocResult* r, bool qr_side);

}  // namespace ekyc::doc
