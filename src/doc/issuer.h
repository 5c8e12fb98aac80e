// The issuing authority (`noi_cap`) of card backs and passports, from a closed vocabulary.
// National authorities are fixed phrases, found by their distinctive words. A provincial police
// director is a small grammar: "GIÁM ĐỐC" + "CÔNG AN" or "CA" + an optional unit word ("TỈNH",
// "THÀNH PHỐ", "TP.") + the name of one province, spelled as the official list spells it, so a
// mark the page recogniser lost or changed ("TÍNH GIÁ LAI") comes back from the list, not from
// the sample. Card types whose every card names one authority give it when the print was not read.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "doc/doc.h"
#include "doc/words.h"

namespace ekyc::doc {

// Province names an issuer may name, NFC as the official list writes them ("Bà Rịa - Vũng Tàu").
using ProvinceNames = std::vector<std::string>;

// A provincial police director's title as read, from its first word ("GIÁM ĐỐC CÔNG AN TÍNH GIÁ
// LAI", "GIÁM ĐỐC CAAN GIANG"), spelled canonically in capitals: the unit word and the province's
// official marks ("GIÁM ĐỐC CÔNG AN TỈNH GIA LAI", "GIÁM ĐỐC CA AN GIANG"). A province written in
// the other tone placement ("HÒA" for the list's "Hoà") keeps the printed placement. Empty when
// the text is not that grammar with exactly one province of `provinces` within the tolerance
// (IssuerParams): a province cut short is not completed.
std::string ParseProvincialIssuer(const std::string& read, const ProvinceNames& provinces);

// The issuer printed on the page; empty when none is read. Without `provinces`, a provincial
// title is returned as read.
std::string FindIssuer(const std::vector<Segment>& segs, DocType type,
                       const ProvinceNames& provinces);

// The authority every card of `type` names (Căn cước, chip CCCD; CCCD 2016 by its issue date
// `issue_dmy`, "dd/mm/yyyy"), for when the page pass missed the print; empty for types issued by
// provincial or several authorities, or a CCCD 2016 without a valid issue date.
std::string IssuerOfDocumentType(DocType type, const std::string& issue_dmy);

}  // namespace ekyc::doc
