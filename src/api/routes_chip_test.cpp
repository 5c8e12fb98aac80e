// Integration tests of the chip routes through the real server over HTTPS (loopback, temp data
// dir, SQLite store, the real engines). Chip data: synthetic sets signed by test CSCAs the fixture
// makes with OpenSSL (chip/testkit.h) and puts in EKYC_CSCA_DIR. Faces for the selfie match:
// ../shared/data/faces-dev and face-videos-dev (those tests skip, saying so, when absent); the
// other tests use a drawn test portrait (no face).
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>

#include "api/errors.h"
#include "api/routes_common.h"
#include "chip/testkit.h"

namespace ekyc::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using chip::testkit::ChipSetOptions;
using chip::testkit::KeyType;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string B64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string UnB64(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n) - (text.size() >= 2 && text[text.size() - 1] == '=' ? 1 : 0) -
             (text.size() >= 2 && text[text.size() - 2] == '=' ? 1 : 0));
  return out;
}

const std::string kCards = std::string(EKYC_SOURCE_DIR) + "/tests/data/cards/";
const std::string kFaces = std::string(EKYC_SHARED_DIR) + "/data/faces-dev/deepface/";
const std::string kVideos = std::string(EKYC_SHARED_DIR) + "/data/face-videos-dev/";

// The chip data of a set as request fields (base64 text).
json ChipJson(const chip::ChipData& d) {
  json j = {{"sod", B64(d.sod)}};
  if (!d.com.empty()) j["com"] = B64(d.com);
  for (const auto& [dg, bytes] : d.dgs) j["dg" + std::to_string(dg)] = B64(bytes);
  return j;
}

ChipSetOptions Seed(uint64_t seed) {
  ChipSetOptions o;
  o.seed = seed;
  return o;
}

class ChipRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("ekyc-chip-routes-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    // Two trusted test CSCAs: a current PKI, and one whose document signer has expired.
    auto pki = chip::testkit::MakePki();
    chip::testkit::PkiOptions old;
    old.ds_not_before = -400LL * 86400;
    old.ds_not_after = -2LL * 86400;
    auto expired = chip::testkit::MakePki(old);
    auto stranger = chip::testkit::MakePki();
    ASSERT_TRUE(pki.ok() && expired.ok() && stranger.ok());
    pki_ = new chip::testkit::Pki(std::move(*pki));
    expired_ = new chip::testkit::Pki(std::move(*expired));
    stranger_ = new chip::testkit::Pki(std::move(*stranger));
    const std::string csca = (*dir_ / "csca").string();
    ASSERT_TRUE(chip::testkit::WriteTrustDir(csca, {pki_->csca.get(), expired_->csca.get()}).ok());

    auto config = Config::Load(MapEnv({{"EKYC_DATA_DIR", dir_->string()},
                                       {"EKYC_MODEL_DIR", EKYC_MODEL_DIR},
                                       {"EKYC_CSCA_DIR", csca}}));
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    caps_ = new std::shared_ptr<Capabilities>(
        LoadCapabilities(*config, {std::string(EKYC_BINARY_DIR) + "/data/vn-admin.tsv"}, nullptr));
    ServerOptions opt;
    opt.host = "127.0.0.1";
    opt.data_dir = dir_->string();
    opt.api_keys_file = (*dir_ / "api-keys.json").string();
    opt.workers = 1;
    opt.queue = 4;
    opt.request_timeout_ms = 120'000;
    opt.server_version = "test";
    ApiKeyStore keys(opt.api_keys_file);
    auto k = keys.Add("tester");
    auto k2 = keys.Add("other");
    ASSERT_TRUE(k.ok() && k2.ok());
    key_ = new std::string(*k);
    other_key_ = new std::string(*k2);
    RouteTable routes = RouteTable::WithVendorRoutes();
    InstallVendorRoutes(routes, *caps_);
    auto chipcaps = LoadChipCapabilities(*config);
    ASSERT_EQ(ChipCapabilitiesError(*chipcaps), "");
    InstallChipRoutes(routes, *caps_, chipcaps);
    auto s = Server::Create(opt, std::move(routes), CapabilityChecks(*caps_),
                            {CapabilityWorkerInit(*caps_)},
                            Logger::ToString(std::make_shared<std::string>(), "info"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = s->release();
    ASSERT_TRUE(server_->Start().ok());
  }
  static void TearDownTestSuite() {
    if (server_) server_->Stop();
    delete server_;
    server_ = nullptr;
    delete caps_;
    delete key_;
    delete other_key_;
    delete pki_;
    delete expired_;
    delete stranger_;
    fs::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }
  static bool HaveFaces() { return fs::exists(kFaces + "img1.jpg"); }

  static json Post(const std::string& route, const std::string& body, const std::string& ctype,
                   int* http, const std::string* key = nullptr) {
    httplib::SSLClient c("127.0.0.1", server_->port());
    c.set_ca_cert_path(server_->cert_path().c_str());
    c.enable_server_certificate_verification(true);
    c.set_read_timeout(120, 0);
    auto res = c.Post(("/call/" + route).c_str(), {{"x-api-key", key ? *key : *key_}}, body,
                      ctype.c_str());
    EXPECT_TRUE(res) << httplib::to_string(res.error());
    if (!res) return json();
    if (http) *http = res->status;
    return json::parse(res->body);
  }
  static json CallJson(const std::string& route, const json& body, int* http = nullptr,
                       const std::string* key = nullptr) {
    return Post(route, body.dump(), "application/json", http, key);
  }
  // Multipart with the chip data as file parts (raw bytes) and the rest as text parts.
  static json CallFiles(const std::string& route, const std::map<std::string, std::string>& files,
                        const std::map<std::string, std::string>& fields, int* http = nullptr) {
    httplib::SSLClient c("127.0.0.1", server_->port());
    c.set_ca_cert_path(server_->cert_path().c_str());
    c.enable_server_certificate_verification(true);
    c.set_read_timeout(120, 0);
    httplib::MultipartFormDataItems items;
    for (const auto& [k, v] : files)
      items.push_back({k, v, k + ".bin", "application/octet-stream"});
    for (const auto& [k, v] : fields) items.push_back({k, v, "", ""});
    auto res = c.Post(("/call/" + route).c_str(), {{"x-api-key", *key_}}, items);
    EXPECT_TRUE(res);
    if (!res) return json();
    if (http) *http = res->status;
    return json::parse(res->body);
  }
  static chip::testkit::ChipSet Set(ChipSetOptions o, const chip::testkit::Pki* pki = nullptr) {
    auto s = chip::testkit::MakeChipSet(pki ? *pki : *pki_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(*s);
  }
  // A negative case: HTTP 200, E470, the specific reason among the failures, never verified.
  static void ExpectNotVerified(const json& r, int http, const std::string& reason) {
    EXPECT_EQ(http, 200) << r.dump();
    EXPECT_EQ(r["code"], "E470") << r.dump();
    EXPECT_EQ(r["error"], "Chip data not verified");
    ASSERT_TRUE(r["output"].is_object()) << r.dump();
    const json& c = r["output"]["chip"];
    EXPECT_FALSE(c["verified"].get<bool>());
    bool found = false;
    for (const auto& f : c["failures"]) found = found || f == reason;
    EXPECT_TRUE(found) << "expected " << reason << " in " << c["failures"].dump();
    EXPECT_TRUE(r["output"]["match"].is_null());
  }

  static fs::path* dir_;
  static std::shared_ptr<Capabilities>* caps_;
  static std::string* key_;
  static std::string* other_key_;
  static chip::testkit::Pki* pki_;
  static chip::testkit::Pki* expired_;
  static chip::testkit::Pki* stranger_;
  static Server* server_;
};
fs::path* ChipRoutesTest::dir_ = nullptr;
std::shared_ptr<Capabilities>* ChipRoutesTest::caps_ = nullptr;
std::string* ChipRoutesTest::key_ = nullptr;
std::string* ChipRoutesTest::other_key_ = nullptr;
chip::testkit::Pki* ChipRoutesTest::pki_ = nullptr;
chip::testkit::Pki* ChipRoutesTest::expired_ = nullptr;
chip::testkit::Pki* ChipRoutesTest::stranger_ = nullptr;
Server* ChipRoutesTest::server_ = nullptr;

TEST_F(ChipRoutesTest, GenuineSetVerifiesWithFieldsInPredictShape) {
  auto set = Set(Seed(101));
  int http = 0;
  json r = CallJson("chip_verify", ChipJson(set.data), &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  const json& out = r["output"];
  EXPECT_TRUE(out["chip"]["verified"].get<bool>()) << out["chip"].dump(2);
  EXPECT_EQ(out["chip"]["passive_authentication"], "passed");
  EXPECT_EQ(out["chip"]["data_groups"]["DG13"]["proven"], true);
  const json& f = out["fields"];
  EXPECT_EQ(f["source"], "chip");
  EXPECT_EQ(f["id"]["value"], set.person.id);
  EXPECT_EQ(f["id"]["confidence"], 1.0);
  EXPECT_TRUE(f["id"].contains("validate")) << f["id"].dump();
  // One idconf per digit, as predict gives them; every digit proven.
  ASSERT_EQ(f["id"]["validate"]["idconf"].size(), set.person.id.size()) << f["id"].dump();
  for (const auto& c : f["id"]["validate"]["idconf"]) EXPECT_EQ(c, 1.0);
  EXPECT_EQ(f["ho_ten"]["value"], set.person.name);
  EXPECT_TRUE(f["ngay_sinh"]["normalized"].contains("year"));
  EXPECT_TRUE(f["nguyen_quan"]["normalized"].contains("tinh"));
  EXPECT_TRUE(f["ngay_het_han"].contains("is_valid"));
  EXPECT_EQ(f["mrz"]["checks_ok"], true);
  EXPECT_EQ(f["class_name"]["normalized"]["code"], "CCCD_CHIP");
  EXPECT_TRUE(out["match"].is_null());  // no selfie sent
  // The same set as multipart file parts.
  std::map<std::string, std::string> files = {{"sod", set.data.sod}, {"com", set.data.com}};
  for (const auto& [dg, b] : set.data.dgs) files["dg" + std::to_string(dg)] = b;
  r = CallFiles("chip_verify", files, {}, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_TRUE(r["output"]["chip"]["verified"].get<bool>());
}

TEST_F(ChipRoutesTest, EveryNegativeCaseHasItsOwnFailureAndIsNeverVerified) {
  int http = 0;
  // A changed byte in each data group.
  ChipSetOptions with_aa = Seed(102);
  with_aa.aa_key = KeyType::kEcP256;
  auto set = Set(with_aa);
  for (const auto& [dg, bytes] : set.data.dgs) {
    chip::ChipData d = set.data;
    d.dgs[dg][d.dgs[dg].size() - 2] ^= 0x01;
    json r = CallJson("chip_verify", ChipJson(d), &http);
    ExpectNotVerified(r, http, "chip.dg_hash_mismatch");
    EXPECT_EQ(r["output"]["chip"]["data_groups"]["DG" + std::to_string(dg)]["hash"], "failed")
        << dg;
    if (dg == 13) {
      EXPECT_EQ(r["output"]["fields"]["id"]["confidence"], 0.0)
          << "unproven fields keep confidence 0";
    }
  }
  ChipSetOptions o = Seed(103);
  o.sod.corrupt_signature = true;
  json r = CallJson("chip_verify", ChipJson(Set(o).data), &http);
  ExpectNotVerified(r, http, "chip.sod_signature_invalid");

  o = Seed(104);
  o.sod.include_certificate = false;
  r = CallJson("chip_verify", ChipJson(Set(o).data), &http);
  ExpectNotVerified(r, http, "chip.sod_signer_certificate_missing");

  r = CallJson("chip_verify", ChipJson(Set(Seed(105), expired_).data), &http);
  ExpectNotVerified(r, http, "chip.ds_expired");

  r = CallJson("chip_verify", ChipJson(Set(Seed(106), stranger_).data), &http);
  ExpectNotVerified(r, http, "chip.csca_not_trusted");

  chip::ChipData truncated = Set(Seed(107)).data;
  truncated.sod.resize(truncated.sod.size() / 2);
  r = CallJson("chip_verify", ChipJson(truncated), &http);
  ExpectNotVerified(r, http, "chip.sod_malformed");

  o = Seed(108);
  o.dg13_extra = {{25, "x"}};
  r = CallJson("chip_verify", ChipJson(Set(o).data), &http);
  ExpectNotVerified(r, http, "chip.dg13_unknown_tags");
  EXPECT_EQ(r["output"]["chip"]["passive_authentication"], "passed");

  o = Seed(109);
  o.sod.corrupt_content = true;
  r = CallJson("chip_verify", ChipJson(Set(o).data), &http);
  ExpectNotVerified(r, http, "chip.sod_content_digest_mismatch");
}

TEST_F(ChipRoutesTest, ActiveAuthenticationRightKeyPassesWrongKeyFailsNoncesAreSingleUse) {
  for (KeyType t : {KeyType::kRsa2048, KeyType::kEcP256}) {
    ChipSetOptions o = Seed(110);
    o.aa_key = t;
    auto set = Set(o);
    int http = 0;
    json c = CallJson("chip_challenge", json::object(), &http);
    ASSERT_EQ(http, 200) << c.dump();
    const std::string id = c["output"]["challenge_id"];
    const std::string challenge = UnB64(c["output"]["challenge"]);
    ASSERT_EQ(challenge.size(), 8u);
    EXPECT_GT(c["output"]["expires_in_s"].get<int>(), 0);
    auto sig = chip::testkit::SignChallenge(set.aa_key.get(), challenge);
    ASSERT_TRUE(sig.ok());
    json body = ChipJson(set.data);
    body["aa_challenge_id"] = id;
    body["aa_signature"] = B64(*sig);
    json r = CallJson("chip_verify", body, &http);
    ASSERT_EQ(http, 200) << r.dump();
    EXPECT_FALSE(r.contains("code")) << r.dump();
    EXPECT_EQ(r["output"]["chip"]["active_authentication"], "passed");
    EXPECT_TRUE(r["output"]["chip"]["verified"].get<bool>());
    // The same answer again (a replay): the nonce is spent.
    r = CallJson("chip_verify", body, &http);
    ExpectNotVerified(r, http, "chip.aa_challenge_unknown");
    // A fresh nonce answered with another key (a clone without the chip's private key).
    c = CallJson("chip_challenge", json::object(), &http);
    auto clone = chip::testkit::MakeKey(t);
    ASSERT_TRUE(clone.ok());
    auto bad = chip::testkit::SignChallenge(clone->get(), UnB64(c["output"]["challenge"]));
    ASSERT_TRUE(bad.ok());
    body["aa_challenge_id"] = c["output"]["challenge_id"];
    body["aa_signature"] = B64(*bad);
    r = CallJson("chip_verify", body, &http);
    ExpectNotVerified(r, http, "chip.aa_signature_invalid");
    EXPECT_EQ(r["output"]["chip"]["passive_authentication"], "passed");
    // A nonce issued to another API key cannot be spent with this one.
    c = CallJson("chip_challenge", json::object(), &http, other_key_);
    auto sig2 = chip::testkit::SignChallenge(set.aa_key.get(), UnB64(c["output"]["challenge"]));
    ASSERT_TRUE(sig2.ok());
    body["aa_challenge_id"] = c["output"]["challenge_id"];
    body["aa_signature"] = B64(*sig2);
    r = CallJson("chip_verify", body, &http);
    ExpectNotVerified(r, http, "chip.aa_challenge_unknown");
  }
}

TEST_F(ChipRoutesTest, BadRequestsAre4xx) {
  auto set = Set(Seed(111));
  int http = 0;
  json body = ChipJson(set.data);
  body.erase("sod");
  json r = CallJson("chip_verify", body, &http);
  EXPECT_EQ(http, 422) << r.dump();
  body = ChipJson(set.data);
  body.erase("dg13");
  r = CallJson("chip_verify", body, &http);
  EXPECT_EQ(http, 422) << r.dump();
  body = ChipJson(set.data);
  body["dg1"] = "@@@ not base64 @@@";
  r = CallJson("chip_verify", body, &http);
  EXPECT_EQ(http, 422) << r.dump();
  EXPECT_EQ(r["code"], "E422");
  body = ChipJson(set.data);
  body["dg13"] = B64(std::string(64 << 10, 'x'));
  r = CallJson("chip_verify", body, &http);
  EXPECT_EQ(http, 413) << r.dump();
  body = ChipJson(set.data);
  body["aa_challenge_id"] = "abc";
  r = CallJson("chip_verify", body, &http);
  EXPECT_EQ(http, 422) << r.dump();
  // Not chip data at all, but well-formed base64: the content fails, specifically.
  body = ChipJson(set.data);
  body["sod"] = B64("hello");
  r = CallJson("chip_verify", body, &http);
  ExpectNotVerified(r, http, "chip.sod_malformed");
}

TEST_F(ChipRoutesTest, SelfieMatchedAgainstTheChipPortrait) {
  if (!HaveFaces())
    GTEST_SKIP() << "../shared/data/faces-dev not available: selfie matching not tested";
  ChipSetOptions o = Seed(112);
  o.portrait = Slurp(kFaces + "img1.jpg");
  auto set = Set(o);
  json body = ChipJson(set.data);
  body["image_general"] = B64(Slurp(kFaces + "img2.jpg"));  // the same person
  int http = 0;
  json r = CallJson("chip_verify", body, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  const json& m = r["output"]["match"];
  EXPECT_EQ(m["is_matched"]["value"], "True") << m.dump();
  EXPECT_EQ(m["face_source"], "chip_dg2");
  EXPECT_EQ(m["liveness_detail"]["mode"], "passive");
  EXPECT_GT(m["is_matched"]["similarity"].get<double>(), 0.5);
  // Another person: the vendor's "Matching fail".
  body["image_general"] = B64(Slurp(kFaces + "img26.jpg"));
  r = CallJson("chip_verify", body, &http);
  EXPECT_EQ(http, 200);
  EXPECT_EQ(r["code"], "4") << r.dump();
  EXPECT_EQ(r["output"]["match"]["is_matched"]["value"], "False");
  EXPECT_TRUE(r["output"]["chip"]["verified"].get<bool>());
  // A JPEG 2000 portrait is decoded (OpenJPEG through OpenCV) and matched too.
  cv::Mat face = cv::imread(kFaces + "img1.jpg");
  std::vector<uchar> jp2;
  ASSERT_TRUE(cv::imencode(".jp2", face, jp2));
  o.portrait = std::string(jp2.begin(), jp2.end());
  o.portrait_kind = chip::ImageKind::kJpeg2000;
  body = ChipJson(Set(o).data);
  body["image_general"] = B64(Slurp(kFaces + "img2.jpg"));
  r = CallJson("chip_verify", body, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_EQ(r["output"]["chip"]["portrait"]["format"], "jpeg2000");
  EXPECT_EQ(r["output"]["match"]["is_matched"]["value"], "True") << r.dump();
}

// The committed synthetic chip card (front and back images) with a chip set of the same person:
// every printed field is compared with the chip.
TEST_F(ChipRoutesTest, CardImagesAreCrossCheckedAgainstTheChip) {
  json front = json::parse(Slurp(kCards + "0003_cccd_chip_front_phone.json"))["fields"];
  json back = json::parse(Slurp(kCards + "0003_cccd_chip_back_phone.json"))["fields"];
  chip::testkit::Person p;
  p.id = front["id"];
  p.name = front["ho_ten"];
  p.dob = front["ngay_sinh"];
  p.sex = front["gioi_tinh"];
  p.nationality = front["quoc_tich"];
  p.origin = front["nguyen_quan"];
  p.residence = front["ho_khau_thuong_tru"];
  p.expiry = front["ngay_het_han"];
  p.issued = back["ngay_cap"];
  p.marks = back["di_hinh"];
  p.ethnicity = "Kinh";
  p.religion = "Không";
  p.father = "MAI VĂN HÙNG";
  p.mother = "NGUYỄN THỊ HOA";
  p.old_id = "139021833";
  ChipSetOptions o = Seed(113);
  o.person = p;
  auto set = Set(o);
  json body = ChipJson(set.data);
  body["image_card1"] = B64(Slurp(kCards + "0003_cccd_chip_front_phone.jpg"));
  body["image_card2"] = B64(Slurp(kCards + "0003_cccd_chip_back_phone.jpg"));
  int http = 0;
  json r = CallJson("chip_verify", body, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_TRUE(r["output"]["chip"]["verified"].get<bool>()) << r["output"]["chip"].dump(2);
  const json& card = r["output"]["card"];
  ASSERT_EQ(card["sides"].size(), 2u) << r.dump();
  const json& x = card["crosscheck"];
  RecordProperty("crosscheck", x.dump());
  EXPECT_EQ(x["fields"]["id"], "match") << x.dump();
  EXPECT_TRUE(x["fields"]["ho_ten"] == "match" || x["fields"]["ho_ten"] == "match_folded")
      << x.dump();
  EXPECT_EQ(x["fields"]["ngay_sinh"], "match") << x.dump();
  EXPECT_EQ(x["fields"]["noi_cap"], "not_on_chip") << x.dump();
  EXPECT_TRUE(x["id_matches"].get<bool>());
  EXPECT_GE(x["compared"].get<int>(), 6) << x.dump();
  // The same card against another person's chip: the ID and name mismatch.
  body = ChipJson(Set(Seed(114)).data);
  body["image_card1"] = B64(Slurp(kCards + "0003_cccd_chip_front_phone.jpg"));
  r = CallJson("chip_verify", body, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_EQ(r["output"]["card"]["crosscheck"]["fields"]["id"], "mismatch");
  EXPECT_FALSE(r["output"]["card"]["crosscheck"]["consistent"].get<bool>());
}

TEST_F(ChipRoutesTest, RegistrationFromChipDataIsMarkedInTheStoreAndAuditLog) {
  if (!HaveFaces())
    GTEST_SKIP() << "../shared/data/faces-dev not available: chip registration not tested";
  ChipSetOptions o = Seed(115);
  o.portrait = Slurp(kFaces + "img5.jpg");
  auto set = Set(o);
  json body = ChipJson(set.data);
  body["user_id"] = "chip-user-1";
  body["image_general"] = B64(Slurp(kFaces + "img6.jpg"));  // img5/img6: the same person
  int http = 0;
  json r = CallJson("register_ekyc_front_back_face", body, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  ASSERT_EQ(r["output"].size(), 5u);
  EXPECT_EQ(r["output"][0]["source"], "chip");
  EXPECT_EQ(r["output"][0]["id"]["value"], set.person.id);
  EXPECT_TRUE(r["output"][1].is_null());  // no card images
  EXPECT_EQ(r["output"][2]["is_matched"]["value"], "True");
  EXPECT_TRUE(r["output"][2]["chip"]["verified"].get<bool>());
  EXPECT_TRUE(r["output"][2]["registration"]["registered"].get<bool>());
  EXPECT_EQ(r["output"][2]["registration"]["identity_source"], "chip");
  auto user = (*caps_)->store->GetUser({"test"}, store::kDefaultCollection, "chip-user-1", false);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->identity_source, "chip");
  auto log = (*caps_)->store->ReadAudit(store::kDefaultCollection, "chip-user-1", 5);
  ASSERT_TRUE(log.ok());
  bool audited = false;
  for (const auto& a : *log) {
    if (a.operation == "register" &&
        a.detail.rfind("identity=chip; passive_authentication=passed", 0) == 0)
      audited = true;
    EXPECT_EQ(a.detail.find(set.person.id), std::string::npos);  // no personal data
  }
  EXPECT_TRUE(audited);
  // Chip data that do not verify register nothing.
  chip::ChipData forged = set.data;
  forged.dgs[13][forged.dgs[13].size() - 2] ^= 0x01;
  body = ChipJson(forged);
  body["user_id"] = "chip-user-2";
  body["image_general"] = B64(Slurp(kFaces + "img6.jpg"));
  r = CallJson("register_ekyc_front_back_face", body, &http);
  EXPECT_EQ(r["code"], "E470") << r.dump();
  EXPECT_FALSE(r["output"][2]["registration"]["registered"].get<bool>());
  EXPECT_EQ((*caps_)
                ->store->GetUser({"test"}, store::kDefaultCollection, "chip-user-2", false)
                .status()
                .reason(),
            "store.not_found");
  // Another person's selfie: Matching fail, nothing stored.
  body = ChipJson(set.data);
  body["user_id"] = "chip-user-3";
  body["image_general"] = B64(Slurp(kFaces + "img26.jpg"));
  r = CallJson("register_ekyc_front_back_face", body, &http);
  EXPECT_EQ(r["code"], "4") << r.dump();
  EXPECT_EQ((*caps_)
                ->store->GetUser({"test"}, store::kDefaultCollection, "chip-user-3", false)
                .status()
                .reason(),
            "store.not_found");
  // Chip data beside a card image that is not this chip's card (the committed synthetic card, a
  // generated chip person): registered from the chip, marked chip+card_images, and the audit
  // entry says the card did not match.
  o = Seed(117);
  o.portrait = Slurp(kFaces + "img8.jpg");
  body = ChipJson(Set(o).data);
  body["user_id"] = "chip-user-4";
  body["image_general"] = B64(Slurp(kFaces + "img9.jpg"));  // img8/img9: the same person
  body["image_card1"] = B64(Slurp(kCards + "0003_cccd_chip_front_phone.jpg"));
  r = CallJson("register_ekyc_front_back_face", body, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  EXPECT_EQ(r["output"][1]["crosscheck"]["id_matches"], false) << r["output"][1].dump();
  EXPECT_EQ(r["output"][2]["registration"]["identity_source"], "chip+card_images");
  log = (*caps_)->store->ReadAudit(store::kDefaultCollection, "chip-user-4", 5);
  ASSERT_TRUE(log.ok());
  audited = false;
  for (const auto& a : *log) {
    if (a.operation == "register" && a.detail.rfind("identity=chip+card_images;", 0) == 0 &&
        a.detail.find("card_id_matches=false") != std::string::npos)
      audited = true;
  }
  EXPECT_TRUE(audited);
}

TEST_F(ChipRoutesTest, VideoRegistrationFromChipDataMatchesTheLiveFrame) {
  const std::string clip = kVideos + "grid_bbaf2n.mp4";
  if (!fs::exists(clip))
    GTEST_SKIP() << "../shared/data/face-videos-dev not available: video path not tested";
  // The chip portrait is a frame of the clip's speaker, so the card holder is the person filmed.
  cv::VideoCapture cap(clip);
  cv::Mat frame;
  for (int i = 0; i < 10 && cap.read(frame); ++i) {
  }
  ASSERT_FALSE(frame.empty());
  std::vector<uchar> jpg;
  cv::imencode(".jpg", frame, jpg);
  ChipSetOptions o = Seed(116);
  o.portrait = std::string(jpg.begin(), jpg.end());
  auto set = Set(o);
  std::map<std::string, std::string> files = {{"sod", set.data.sod},
                                              {"video_general", Slurp(clip)}};
  for (const auto& [dg, b] : set.data.dgs) files["dg" + std::to_string(dg)] = b;
  int http = 0;
  json r =
      CallFiles("register_ekyc_front_back_face_video", files, {{"user_id", "chip-video-1"}}, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  EXPECT_EQ(r["output"][2]["is_matched"]["liveness"], "True") << r.dump();
  EXPECT_EQ(r["output"][2]["liveness_detail"]["mode"], "video");
  EXPECT_EQ(r["output"][2]["registration"]["identity_source"], "chip");
}

TEST_F(ChipRoutesTest, CardPathOfTheRegistrationRoutesIsUnchangedWithoutChipData) {
  int http = 0;
  // No `sod`: the vendor route answers as before (here: its own missing-field error).
  json r = CallJson("register_ekyc_front_back_face", {{"user_id", "card-only"}}, &http);
  EXPECT_EQ(http, 422) << r.dump();
  EXPECT_NE(r["error"].get<std::string>().find("image_"), std::string::npos) << r.dump();
}

}  // namespace
}  // namespace ekyc::api
