// Compares what the QR code and the MRZ say with the printed fields of the same card, for display.
// The server already uses QR and MRZ to confirm or fill fields; this shows the operator where
// they agree and where they do not. Formats (docs/vn.md): printed dates dd/mm/yyyy, QR ddmmyyyy,
// MRZ yymmdd; the TD1 MRZ document number is the last 9 digits of the 12-digit ID and its
// optional data the full ID.

// Upper case, no diacritics (đ → D), single spaces: how MRZ and QR spell names and places.
export function fold(s) {
  if (typeof s !== 'string') return '';
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
    .toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim();
}

const digits = (s) => (typeof s === 'string' ? s.replace(/\D/g, '') : '');
const present = (s) => typeof s === 'string' && s !== '' && s !== 'N/A';

// 'agree' | 'differ' | 'missing' (one side has nothing to compare).
function verdict(a, b, same) {
  if (!present(a) || !present(b)) return 'missing';
  return same(a, b) ? 'agree' : 'differ';
}

function sexOf(s) {
  const f = fold(s);
  if (f === 'M' || f === 'NAM' || f === 'MALE') return 'M';
  if (f === 'F' || f === 'NU' || f === 'FEMALE') return 'F';
  return f;
}

// dd/mm/yyyy → yymmdd
function printedToMrz(s) {
  const d = digits(s);
  return d.length === 8 ? d.slice(6, 8) + d.slice(2, 4) + d.slice(0, 2) : d;
}

// A date from the MRZ (raw yymmdd, or already dd/mm/yyyy) against a printed dd/mm/yyyy.
function sameDate(mrz, printed) {
  const m = digits(mrz);
  return m.length === 6 ? m === printedToMrz(printed) : m === digits(printed);
}

// rows: {label: field label key, source value, printed value, verdict}
export function qrRows(qr, fields) {
  const v = (name) => (fields[name] ? fields[name].value : undefined);
  const rows = [
    ['id', qr.id, v('id'), (a, b) => digits(a) === digits(b)],
    ['ho_ten', qr.name, v('ho_ten'), (a, b) => fold(a) === fold(b)],
    ['ngay_sinh', qr.birth_date, v('ngay_sinh'), (a, b) => digits(a) === digits(b)],
    ['gioi_tinh', qr.sex, v('gioi_tinh'), (a, b) => sexOf(a) === sexOf(b)],
    ['ho_khau_thuong_tru', qr.address, v('ho_khau_thuong_tru'), (a, b) => fold(a) === fold(b)],
    ['ngay_cap', qr.issue_date, v('ngay_cap'), (a, b) => digits(a) === digits(b)],
  ];
  if (present(qr.expiry_date)) rows.push(['ngay_het_han', qr.expiry_date, v('ngay_het_han'), (a, b) => digits(a) === digits(b)]);
  return rows.map(([field, source, printed, same]) => ({ field, source, printed, verdict: verdict(source, printed, same) }));
}

export function mrzRows(mrz, fields) {
  const v = (name) => (fields[name] ? fields[name].value : undefined);
  const id = v('id') || v('so_dinh_danh');
  const mrzId = present(mrz.personal_number) ? mrz.personal_number : mrz.document_number;
  const name = [mrz.surname, mrz.given_names].filter(present).join(' ');
  const rows = [
    { field: 'id', source: mrzId, printed: id,
      verdict: verdict(mrzId, id, (a, b) => digits(a) === digits(b) || fold(a) === fold(b)) },
  ];
  if (present(mrz.personal_number) && present(mrz.document_number) && present(id) && digits(id).length === 12) {
    rows.push({ field: 'mrz_document_number', source: mrz.document_number, printed: digits(id).slice(-9),
      verdict: digits(mrz.document_number) === digits(id).slice(-9) ? 'agree' : 'differ' });
  }
  rows.push(
    { field: 'ho_ten', source: name, printed: v('ho_ten'), verdict: verdict(name, v('ho_ten'), (a, b) => fold(a) === fold(b)) },
    { field: 'ngay_sinh', source: mrz.birth_date, printed: v('ngay_sinh'),
      verdict: verdict(mrz.birth_date, v('ngay_sinh'), sameDate) },
    { field: 'gioi_tinh', source: mrz.sex, printed: v('gioi_tinh'),
      verdict: verdict(mrz.sex, v('gioi_tinh'), (a, b) => sexOf(a) === sexOf(b)) },
  );
  const expiry = v('ngay_het_han');
  rows.push({ field: 'ngay_het_han', source: mrz.expiry_date, printed: expiry,
    // A lifetime card prints "Không thời hạn": nothing to compare a date with.
    verdict: digits(expiry || '').length === 8
      ? verdict(mrz.expiry_date, expiry, sameDate) : 'missing' });
  return rows;
}
