#include "doc/crosscheck.h"

#include <algorithm>

#include "doc/fields.h"
#include "doc/mrz.h"
#include "doc/params.h"
#include "doc/result_fields.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

// Same value up to case and accents.
bool Agrees(const std::string& a, const std::string& b) {
  return EditDistance(FoldKey(a), FoldKey(b)) == 0;
}

std::string SexFromMrz(const std::string& s) {
  return s == "M" ? "Nam" : s == "F" ? "Nữ" : "";
}

}  // namespace

void CrossCheck(DocResult* r, const std::string& name, const std::string& machine_value,
                const std::string& source, bool machine_trusted, bool accent_free_machine) {
  const CrossCheckParams& p = kCrossCheck;
  if (machine_value.empty()) return;
  Field* f = GetMutable(r, name);
  if (f == nullptr || !f->present()) {
    if (machine_trusted && !accent_free_machine)
      SetField(r, name, MakeField(machine_value, p.machine_alone, source));
    else if (machine_trusted)
      SetField(r, name, MakeField(machine_value, p.accent_free_alone, source));
    return;
  }
  if (Agrees(f->value, machine_value)) {
    // Same letters: the error-checked machine value also settles the tone marks and case that OCR
    // gets wrong (accent-free MRZ names keep the printed accents, unchecked).
    if (machine_trusted && !accent_free_machine) f->value = machine_value;
    f->confidence =
        std::max(f->confidence, accent_free_machine ? p.accent_free_agreement : p.agreement);
    f->source = "ocr+" + source;
  } else if (machine_trusted && !accent_free_machine) {
    f->value = machine_value;
    f->confidence = p.machine_alone;
    f->source = source;
  } else if (machine_trusted) {
    // Accent-free machine text (MRZ names) whose letters the reading got wrong: the checked
    // letters, with the printed marks where the letters line up; lower confidence. A machine
    // name that is the start of the printed one was cut to the MRZ's length: the printed one stays.
    const std::string printed = FoldKey(f->value), machine = FoldKey(machine_value);
    if (printed.rfind(machine, 0) != 0) f->value = SpellWithMarks(f->value, machine_value);
    f->confidence = std::min(f->confidence, p.accent_free_disagreement);
  }
}

void CrossCheckMachineReadable(DocResult* r, bool qr_side) {
  if (r->qr && qr_side) {
    const QrPayload q = *r->qr;
    CrossCheck(r, "id", q.id, "qr", true);
    CrossCheck(r, "ho_ten", vn::TextTools::Upper(q.name), "qr", true);
    CrossCheck(r, "ngay_sinh", q.birth_date, "qr", true);
    CrossCheck(r, "gioi_tinh", q.sex, "qr", true);
    // The QR carries the residence as printed; a disagreement is an OCR error.
    CrossCheck(r, "ho_khau_thuong_tru", q.address, "qr", true);
    CrossCheck(r, "ngay_cap", q.issue_date, "qr", true);
    if (!q.expiry_date.empty()) CrossCheck(r, "ngay_het_han", q.expiry_date, "qr", true);
  }
  if (!r->mrz) return;
  MrzData m = *r->mrz;
  const bool ok = m.checks_ok;
  // The MRZ writes years with two digits: a printed birth date with the same day, month and year
  // digits settles the century (the MRZ's own guess rests on the ID's century digit and today),
  // when that century is possible at all (a century digit misread on the page is not).
  if (const Field* dob = r->Get("ngay_sinh"); dob && dob->present() && !m.birth_date.empty()) {
    const std::string& printed = dob->value;
    const auto printed_date = vn::ParseDate(printed);
    if (printed.size() == 10 && m.birth_date.size() == 10 && printed != m.birth_date &&
        printed.compare(0, 6, m.birth_date, 0, 6) == 0 &&
        printed.compare(8, 2, m.birth_date, 8, 2) == 0 && printed_date &&
        PlausibleBirthDate(*printed_date, m.personal_number)) {
      m.birth_date = printed;
      r->mrz->birth_date = printed;
    }
  }
  if (r->type == DocType::kPassport) {
    CrossCheck(r, "id", m.document_number, "mrz", ok);
    CrossCheck(r, "so_dinh_danh", m.personal_number, "mrz", ok);
    CrossCheck(r, "ngay_sinh", m.birth_date, "mrz", ok);
    CrossCheck(r, "ngay_het_han", m.expiry_date, "mrz", ok);
    CrossCheck(r, "gioi_tinh", m.sex == "M" ? "NAM" : m.sex == "F" ? "NỮ" : "", "mrz", ok);
    CrossCheck(r, "ho_ten", m.surname + " " + m.given_names, "mrz", ok, true);
  } else if (r->side == Side::kBack) {
    CrossCheck(r, "id", m.personal_number, "mrz", ok);
    CrossCheck(r, "ngay_sinh", m.birth_date, "mrz", ok);
    CrossCheck(r, "gioi_tinh", SexFromMrz(m.sex), "mrz", ok);
    CrossCheck(r, "ngay_het_han", m.expiry_date, "mrz", ok);
    if (!r->Get("ho_ten"))
      CrossCheck(r, "ho_ten", m.surname + " " + m.given_names, "mrz", ok, true);
  }
}

}  // namespace ekyc::doc
