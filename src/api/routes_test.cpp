// Integration tests of the ten vendor routes: the real server (HTTPS, loopback, temp data dir) with
// the real capabilities (models from EKYC_MODEL_DIR, vn index from the build, SQLite store).
// Cards: the committed synthetic cards (tests/data/cards). Faces: ../shared/data/faces-dev
// (skipped when absent; the synthetic cards carry drawn portraits, no faces).
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "api/errors.h"
#include "api/routes_common.h"

namespace ekyc::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kCards = std::string(EKYC_SOURCE_DIR) + "/tests/data/cards/";
const std::string kFaces = std::string(EKYC_SHARED_DIR) + "/data/faces-dev/deepface/";
const std::string kVideos = std::string(EKYC_SHARED_DIR) + "/data/face-videos-dev/";

std::string Face(const std::string& name) {
  return Slurp(kFaces + name);
}

std::string Base64(const std::string& bytes) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += a[(n >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
    out += a[(n >> 18) & 63];
    out += a[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? a[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string BlankPng() {
  cv::Mat white(400, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  std::vector<uchar> buf;
  cv::imencode(".png", white, buf);
  return std::string(buf.begin(), buf.end());
}

// The committed synthetic chip-card front with a real face (faces-dev) warped into its portrait
// slot (the card corners come from the card's ground truth), so the whole eKYC path can succeed.
std::string CardFrontWithFace(const std::string& face_file) {
  const std::string base = kCards + "0003_cccd_chip_front_phone";
  cv::Mat card = cv::imread(base + ".jpg");
  json gt = json::parse(Slurp(base + ".json"));
  std::vector<cv::Point2f> c;
  for (const auto& p : gt["corners"]) c.emplace_back(p[0].get<float>(), p[1].get<float>());
  cv::Mat face = cv::imread(kFaces + face_file);
  const double aspect = (0.21 * 85.6) / (0.43 * 54.0);  // portrait slot of docs/doc.md, ID-1 card
  int cw = std::min(face.cols, static_cast<int>(face.rows * aspect));
  int ch = static_cast<int>(cw / aspect);
  face = face(cv::Rect((face.cols - cw) / 2, (face.rows - ch) / 2, cw, ch)).clone();
  auto at = [&](double x, double y) {
    cv::Point2f top = c[0] + (c[1] - c[0]) * x, bottom = c[3] + (c[2] - c[3]) * x;
    return top + (bottom - top) * y;
  };
  std::vector<cv::Point2f> src = {{0, 0}, {float(cw), 0}, {float(cw), float(ch)}, {0, float(ch)}};
  std::vector<cv::Point2f> dst = {at(0.03, 0.38), at(0.24, 0.38), at(0.24, 0.81), at(0.03, 0.81)};
  cv::Mat m = cv::getPerspectiveTransform(src, dst);
  cv::Mat warped, mask;
  cv::warpPerspective(face, warped, m, card.size());
  cv::warpPerspective(cv::Mat(face.size(), CV_8UC1, cv::Scalar(255)), mask, m, card.size());
  warped.copyTo(card, mask);
  std::vector<uchar> buf;
  cv::imencode(".jpg", card, buf, {cv::IMWRITE_JPEG_QUALITY, 90});
  return std::string(buf.begin(), buf.end());
}

// One server for the whole suite: loading the engines takes seconds.
class RoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("ekyc-routes-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    auto config = Config::Load(
        MapEnv({{"EKYC_DATA_DIR", dir_->string()}, {"EKYC_MODEL_DIR", EKYC_MODEL_DIR}}));
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    caps_ = new std::shared_ptr<Capabilities>(
        LoadCapabilities(*config, {std::string(EKYC_BINARY_DIR) + "/data/vn-admin.tsv"}, nullptr));
    ServerOptions opt;
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.data_dir = dir_->string();
    opt.api_keys_file = (*dir_ / "api-keys.json").string();
    opt.workers = 1;
    opt.queue = 4;
    opt.request_timeout_ms = 120'000;
    opt.server_version = "test";
    ApiKeyStore keys(opt.api_keys_file);
    auto k = keys.Add("tester");
    ASSERT_TRUE(k.ok());
    key_ = new std::string(*k);
    RouteTable routes = RouteTable::WithVendorRoutes();
    InstallVendorRoutes(routes, *caps_);
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
    fs::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE((*caps_)->store) << (*caps_)->store_error;
    ASSERT_TRUE((*caps_)->face_error.empty()) << (*caps_)->face_error;
  }
  static bool HaveFaces() { return fs::exists(kFaces + "img1.jpg"); }

  static std::unique_ptr<httplib::SSLClient> Client() {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    c->set_ca_cert_path(server_->cert_path().c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(120, 0);
    return c;
  }
  // Multipart: `files` are sent as file parts, `fields` as text parts.
  static json Call(const std::string& route, const std::map<std::string, std::string>& files,
                   const std::map<std::string, std::string>& fields, int* http = nullptr) {
    httplib::MultipartFormDataItems items;
    for (const auto& [k, v] : files)
      items.push_back({k, v, k + ".jpg", "application/octet-stream"});
    for (const auto& [k, v] : fields) items.push_back({k, v, "", ""});
    auto res = Client()->Post(("/call/" + route).c_str(), {{"x-api-key", *key_}}, items);
    EXPECT_TRUE(res) << httplib::to_string(res.error());
    if (!res) return json();
    if (http) *http = res->status;
    return json::parse(res->body);
  }
  static json CallJson(const std::string& route, const json& body, int* http = nullptr) {
    auto res = Client()->Post(("/call/" + route).c_str(), {{"x-api-key", *key_}}, body.dump(),
                              "application/json");
    EXPECT_TRUE(res) << httplib::to_string(res.error());
    if (!res) return json();
    if (http) *http = res->status;
    return json::parse(res->body);
  }

  static fs::path* dir_;
  static std::shared_ptr<Capabilities>* caps_;
  static std::string* key_;
  static Server* server_;
};
fs::path* RoutesTest::dir_ = nullptr;
std::shared_ptr<Capabilities>* RoutesTest::caps_ = nullptr;
std::string* RoutesTest::key_ = nullptr;
Server* RoutesTest::server_ = nullptr;

TEST_F(RoutesTest, PredictReadsSyntheticCardWithVnAnnotations) {
  int http = 0;
  json r = Call("predict", {{"image_card1", Slurp(kCards + "0003_cccd_chip_front_phone.jpg")}}, {},
                &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  ASSERT_TRUE(r["output"].is_array());
  ASSERT_EQ(r["output"].size(), 1u);
  const json& front = r["output"][0];
  EXPECT_EQ(front["class_name"]["normalized"]["code"], "CCCD_CHIP");
  EXPECT_TRUE(front["id"].contains("validate")) << front.dump();
  EXPECT_TRUE(front["ngay_sinh"]["normalized"].contains("year"));
  EXPECT_TRUE(front["ho_khau_thuong_tru"]["normalized"].contains("tinh"));
  EXPECT_TRUE(front["ngay_het_han"].contains("is_valid"));
  EXPECT_EQ(front["liveness"]["checked"], true) << front["liveness"].dump();
  EXPECT_TRUE(front["liveness"]["score"].is_number());
}

// Card liveness through /call/predict on the committed fixtures (tests/data/cardlive/README.md):
// a real chip card, its grey photocopy and its picture on a screen, each photographed by a phone.
TEST_F(RoutesTest, PredictTellsARealCardFromACopyAndAScreen) {
  const std::string dir = std::string(EKYC_SOURCE_DIR) + "/tests/data/cardlive/";
  for (const auto& [file, expected] : std::vector<std::pair<std::string, std::string>>{
           {"genuine_phone.jpg", "True"}, {"copy_grey.jpg", "False"}, {"screen.jpg", "False"}}) {
    int http = 0;
    json r = Call("predict", {{"image_card1", Slurp(dir + file)}}, {}, &http);
    ASSERT_EQ(http, 200) << file << ": " << r.dump();
    const json& live = r["output"][0]["liveness"];
    EXPECT_EQ(live["liveness"], expected) << file << ": " << live.dump();
    EXPECT_EQ(live["checked"], true);
    EXPECT_TRUE(live["threshold"].is_number());
    EXPECT_TRUE(live["reasons"].is_array());
  }
}

// EKYC_CARD_LIVENESS=off: the vendor's unchecked "True", even for a copy.
TEST_F(RoutesTest, CardLivenessSwitchedOffAnswersTheVendorsTrue) {
  (*caps_)->card_liveness = false;
  int http = 0;
  json r = Call(
      "predict",
      {{"image_card1", Slurp(std::string(EKYC_SOURCE_DIR) + "/tests/data/cardlive/screen.jpg")}},
      {}, &http);
  (*caps_)->card_liveness = true;
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_EQ(r["output"][0]["liveness"], json({{"liveness", "True"}, {"checked", false}}));
}

TEST_F(RoutesTest, PredictBothSidesAsJsonBase64) {
  int http = 0;
  json r = CallJson("predict",
                    {{"image_card1", Base64(Slurp(kCards + "0003_cccd_chip_front_phone.jpg"))},
                     {"image_card2", Base64(Slurp(kCards + "0003_cccd_chip_back_phone.jpg"))},
                     {"check_rotate", false}},
                    &http);
  ASSERT_EQ(http, 200) << r.dump();
  ASSERT_EQ(r["output"].size(), 2u);
  EXPECT_EQ(r["output"][1]["class_name"]["normalized"]["value"], 5);
}

TEST_F(RoutesTest, MalformedInputsAre4xxAndServerKeepsServing) {
  int http = 0;
  json r = CallJson("predict", {{"image_card1", "@@@ not base64 @@@"}}, &http);
  EXPECT_EQ(http, 422) << r.dump();
  EXPECT_EQ(r["code"], "E422");
  r = CallJson("predict", json::object(), &http);
  EXPECT_EQ(http, 422);
  r = CallJson("search_face", {{"image_general", Base64("GIF89a....")}, {"top_k", "0"}}, &http);
  EXPECT_EQ(http, 422);
  r = Call("check_match_image_card_image_general", {{"image_card1", "\xff\xd8\xff\xe0 truncated"}},
           {{"threshold", "2"}}, &http);
  EXPECT_EQ(http, 422) << r.dump();
  // Nothing stored for a registration refused on its input.
  r = CallJson("register_user_face", {{"user_id", "bad-input"}, {"image_face", "%%%"}}, &http);
  EXPECT_EQ(http, 422) << r.dump();
  r = CallJson("get_all_face_of_user", {{"user_id", "bad-input"}}, &http);
  EXPECT_EQ(http, 200);
  EXPECT_EQ(r["code"], "E855") << r.dump();
  r = CallJson("register_ekyc_front_back_face_video", {{"user_id", "v"}}, &http);
  EXPECT_EQ(http, 422) << r.dump();
  r = CallJson("delete_user_face", {{"user_id", "x"}}, &http);
  EXPECT_EQ(http, 422) << r.dump();
}

TEST_F(RoutesTest, NoFaceOnSelfieIsCode1AndNothingStored) {
  int http = 0;
  json r =
      Call("register_user_face", {{"image_face", BlankPng()}}, {{"user_id", "blank-user"}}, &http);
  EXPECT_EQ(http, 200);
  EXPECT_EQ(r["code"], "1") << r.dump();
  EXPECT_EQ(r["error"], "There's no face on capture image");
  r = CallJson("get_all_face_of_user", {{"user_id", "blank-user"}}, &http);
  EXPECT_EQ(r["code"], "E855") << r.dump();
}

TEST_F(RoutesTest, CheckMatchSameAndDifferentPerson) {
  if (!HaveFaces()) GTEST_SKIP() << "faces-dev not available";
  int http = 0;
  json r =
      Call("check_match_image_card_image_general",
           {{"image_card1", Face("img1.jpg")}, {"image_general", Face("img2.jpg")}}, {}, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  EXPECT_EQ(r["output"]["is_matched"]["value"], "True");
  EXPECT_EQ(r["output"]["is_matched"]["liveness_mode"], "passive");
  EXPECT_EQ(r["output"]["card"]["face_source"], "photo");
  r = Call("check_match_image_card_image_general",
           {{"image_card1", Face("img1.jpg")}, {"image_general", Face("img26.jpg")}}, {}, &http);
  EXPECT_EQ(http, 200);
  EXPECT_EQ(r["code"], "4") << r.dump();
  EXPECT_EQ(r["output"]["is_matched"]["value"], "False");
}

TEST_F(RoutesTest, FaceDatabaseLifecycle) {
  if (!HaveFaces()) GTEST_SKIP() << "faces-dev not available";
  int http = 0;
  json r = Call("register_user_face",
                {{"image_face", Face("img1.jpg")}, {"finger_right_index", BlankPng()}},
                {{"user_id", "life-1"}}, &http);
  ASSERT_EQ(http, 200) << r.dump();
  ASSERT_FALSE(r.contains("code")) << r.dump();
  ASSERT_EQ(r["output"]["face_ids"].size(), 1u);
  EXPECT_EQ(r["output"]["fingerprint_ids"].size(), 1u);
  const std::string face_id = r["output"]["face_ids"][0];

  r = CallJson("get_all_face_of_user", {{"user_id", "life-1"}, {"include_images", true}}, &http);
  ASSERT_EQ(http, 200);
  ASSERT_EQ(r["output"]["faces"].size(), 1u) << r.dump();
  EXPECT_EQ(r["output"]["faces"][0]["face_id"], face_id);
  EXPECT_TRUE(r["output"]["faces"][0]["image"]["base64"].is_string());
  EXPECT_EQ(r["output"]["fingerprints"][0]["finger_position"], "right_index");

  r = Call("verify_user_face", {{"image_general", Face("img2.jpg")}}, {{"user_id", "life-1"}},
           &http);
  EXPECT_FALSE(r.contains("code")) << r.dump();
  EXPECT_EQ(r["output"]["is_matched"]["value"], "True");
  r = Call("verify_user_face", {{"image_general", Face("img26.jpg")}}, {{"user_id", "life-1"}},
           &http);
  EXPECT_EQ(r["code"], "4") << r.dump();

  r = Call("search_face", {{"image_general", Face("img4.jpg")}}, {{"top_k", "3"}}, &http);
  ASSERT_FALSE(r.contains("code")) << r.dump();
  EXPECT_EQ(r["output"]["matches"][0]["user_id"], "life-1");
  r = Call("search_face", {{"image_general", Face("img26.jpg")}}, {{"threshold", "0.9"}}, &http);
  EXPECT_EQ(r["code"], "4") << r.dump();
  EXPECT_TRUE(r["output"]["no_match"].get<bool>());

  r = CallJson("delete_user_face", {{"user_id", "life-1"}, {"face_id", face_id}}, &http);
  EXPECT_EQ(http, 200);
  EXPECT_FALSE(r.contains("code")) << r.dump();
  r = CallJson("delete_user_face", {{"user_id", "life-1"}, {"face_id", face_id}}, &http);
  EXPECT_EQ(r["code"], "E855") << r.dump();
  r = CallJson("delete_user_face", {{"user_id", "life-1"}, {"face_id", "all"}}, &http);
  EXPECT_FALSE(r.contains("code")) << r.dump();
  r = CallJson("get_all_face_of_user", {{"user_id", "life-1"}}, &http);
  EXPECT_EQ(r["code"], "E855") << r.dump();
}

TEST_F(RoutesTest, DuplicateFaceOfAnotherUserIsE850) {
  if (!HaveFaces()) GTEST_SKIP() << "faces-dev not available";
  int http = 0;
  json r =
      Call("register_user_face", {{"image_face", Face("img5.jpg")}}, {{"user_id", "dup-a"}}, &http);
  ASSERT_FALSE(r.contains("code")) << r.dump();
  const std::string face_a = r["output"]["face_ids"][0];
  r = Call("register_user_face", {{"image_face", Face("img5.jpg")}}, {{"user_id", "dup-b"}}, &http);
  EXPECT_EQ(http, 200);
  EXPECT_EQ(r["code"], "E850") << r.dump();
  // The answer names who already has the face.
  EXPECT_EQ(r["output"]["duplicate"]["user_id"], "dup-a") << r.dump();
  EXPECT_EQ(r["output"]["duplicate"]["face_id"], face_a) << r.dump();
  r = CallJson("get_all_face_of_user", {{"user_id", "dup-b"}}, &http);
  EXPECT_EQ(r["code"], "E855") << r.dump();
  r = CallJson("delete_user_face", {{"user_id", "dup-a"}, {"face_id", "all"}}, &http);
  EXPECT_FALSE(r.contains("code")) << r.dump();
}

TEST_F(RoutesTest, ThirdPartyCollectionReplaces) {
  if (!HaveFaces()) GTEST_SKIP() << "faces-dev not available";
  int http = 0;
  json r = Call("register_user_face_third_party", {{"image_face", Face("img8.jpg")}},
                {{"user_id", "tp-1"}, {"collection", "bank_x"}}, &http);
  ASSERT_FALSE(r.contains("code")) << r.dump();
  r = Call("register_user_face_third_party", {{"image_face", Face("img9.jpg")}},
           {{"user_id", "tp-1"}, {"database_name", "bank_x"}}, &http);
  ASSERT_FALSE(r.contains("code")) << r.dump();
  r = CallJson("get_all_face_of_user", {{"user_id", "tp-1"}, {"collection", "bank_x"}}, &http);
  EXPECT_EQ(r["output"]["faces"].size(), 1u) << r.dump();
  // Collections are isolated.
  r = CallJson("get_all_face_of_user", {{"user_id", "tp-1"}}, &http);
  EXPECT_EQ(r["code"], "E855") << r.dump();
}

TEST_F(RoutesTest, RegisterEkycReadsMatchesRegistersThenE850ForAnotherUser) {
  if (!HaveFaces()) GTEST_SKIP() << "faces-dev not available";
  int http = 0;
  const std::string front =
      CardFrontWithFace("img26.jpg");  // identity df1, registered nowhere else
  const std::string back = Slurp(kCards + "0003_cccd_chip_back_phone.jpg");
  json r =
      Call("register_ekyc_front_back_face",
           {{"image_card1", front}, {"image_card2", back}, {"image_general", Face("img27.jpg")}},
           {{"user_id", "ekyc-1"}}, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_FALSE(r.contains("code")) << r.dump();
  ASSERT_EQ(r["output"].size(), 5u);
  EXPECT_EQ(r["output"][0]["class_name"]["normalized"]["value"], 4);
  EXPECT_EQ(r["output"][1]["class_name"]["normalized"]["value"], 5);
  EXPECT_EQ(r["output"][2]["is_matched"]["value"], "True");
  EXPECT_TRUE(r["output"][2]["error"].is_null());
  EXPECT_TRUE(r["output"][2]["registration"]["registered"].get<bool>());
  EXPECT_TRUE(r["output"][3].is_null());
  EXPECT_TRUE(r["output"][4].is_null());
  r = CallJson("get_all_face_of_user", {{"user_id", "ekyc-1"}}, &http);
  EXPECT_EQ(r["output"]["faces"].size(), 1u) << r.dump();

  // The same person again under another user id.
  r = Call("register_ekyc_front_back_face",
           {{"image_card1", front}, {"image_card2", back}, {"image_general", Face("img28.jpg")}},
           {{"user_id", "ekyc-2"}, {"check_rotate", "false"}}, &http);
  EXPECT_EQ(r["code"], "E850") << r.dump();
  EXPECT_EQ(r["output"][2]["registration"]["duplicate_user_id"], "ekyc-1") << r.dump();
  EXPECT_EQ(r["output"].size(), 5u);
  r = CallJson("get_all_face_of_user", {{"user_id", "ekyc-2"}}, &http);
  EXPECT_EQ(r["code"], "E855") << r.dump();
}

TEST_F(RoutesTest, RegisterEkycVideoLiveAndReplay) {
  if (!HaveFaces() || !fs::exists(kVideos + "grid_bbaf2n.mp4") ||
      !fs::exists(kVideos + "manikantha_replay.mp4")) {
    GTEST_SKIP() << "faces-dev / face-videos-dev not available";
  }
  int http = 0;
  const std::string front = CardFrontWithFace("img1.jpg");
  const std::string back = Slurp(kCards + "0003_cccd_chip_back_phone.jpg");
  // A genuine clip of someone else: live, but not the card holder.
  json r = Call("register_ekyc_front_back_face_video",
                {{"image_card1", front},
                 {"image_card2", back},
                 {"video_general", Slurp(kVideos + "grid_bbaf2n.mp4")}},
                {{"user_id", "video-1"}}, &http);
  ASSERT_EQ(http, 200) << r.dump();
  EXPECT_EQ(r["code"], "4") << r.dump();
  EXPECT_EQ(r["output"][2]["is_matched"]["liveness"], "True");
  // The same live clip against a challenge it does not perform (the speaker never turns): E460.
  r = Call("register_ekyc_front_back_face_video",
           {{"image_card1", front},
            {"image_card2", back},
            {"video_general", Slurp(kVideos + "grid_bbaf2n.mp4")}},
           {{"user_id", "video-1"}, {"challenge", "left,right"}}, &http);
  EXPECT_EQ(r["code"], "E460") << r.dump();
  EXPECT_EQ(r["output"][2]["liveness_detail"]["challenge"]["passed"], false) << r.dump();
  // A malformed challenge is a field error, before any decoding.
  r = Call("register_ekyc_front_back_face_video",
           {{"image_card1", front},
            {"image_card2", back},
            {"video_general", Slurp(kVideos + "grid_bbaf2n.mp4")}},
           {{"user_id", "video-1"}, {"challenge", "nod"}}, &http);
  EXPECT_EQ(http, 422) << r.dump();
  // A screen replay: refused with E460 before any matching.
  r = Call("register_ekyc_front_back_face_video",
           {{"image_card1", front},
            {"image_card2", back},
            {"video", Slurp(kVideos + "manikantha_replay.mp4")}},
           {{"user_id", "video-1"}}, &http);
  EXPECT_EQ(http, 200);
  EXPECT_EQ(r["code"], "E460") << r.dump();
  EXPECT_EQ(r["output"][2]["is_matched"]["liveness"], "False");
  r = CallJson("get_all_face_of_user", {{"user_id", "video-1"}}, &http);
  EXPECT_EQ(r["code"], "E855") << r.dump();
}

TEST(RoutesUnavailable, MissingCapabilityIs501WithReason) {
  Capabilities caps;
  caps.face_error = "the face embedding model is missing (/nowhere)";
  WorkerContext ctx(0, nullptr);
  auto f = routes::Face(ctx, caps);
  ASSERT_FALSE(f.ok());
  ErrorInfo e = MapStatus(f.status());
  EXPECT_EQ(e.http_status, 501);
  EXPECT_EQ(e.code, "E501");
  EXPECT_NE(e.message.find("/nowhere"), std::string::npos);
  auto s = routes::Store(caps);
  EXPECT_EQ(MapStatus(s.status()).code, "E501");
  auto d = routes::Doc(ctx, caps);
  EXPECT_EQ(MapStatus(d.status()).code, "E501");
}

TEST(RoutesUnavailable, NoWriteAfterTheDeadline) {
  Request r;
  r.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  ErrorInfo e = MapStatus(routes::CheckDeadline(r));
  EXPECT_EQ(e.http_status, 504);
  r.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  EXPECT_TRUE(routes::CheckDeadline(r).ok());
}

TEST(RoutesUnavailable, SpoofIsE460) {
  ErrorInfo e = MapStatus(Status(StatusCode::kPermissionDenied, "live.spoof_detected", "x"));
  EXPECT_EQ(e.http_status, 200);
  EXPECT_EQ(e.code, "E460");
}

TEST(RoutesUnavailable, NotEnoughLivenessEvidenceIsE461) {
  ErrorInfo e = MapStatus(Status(StatusCode::kPermissionDenied, "live.not_enough_evidence", "x"));
  EXPECT_EQ(e.http_status, 200);
  EXPECT_EQ(e.code, "E461");
}

}  // namespace
}  // namespace ekyc::api
