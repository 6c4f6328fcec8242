// Tool-call ids that carry Gemini's upstream call id and thought signature.
#include "lib/providers/gemini_ids.h"

#include <doctest/doctest.h>

using namespace understudy;

namespace {

bool id_charset_ok(const std::string& id) {
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace

TEST_CASE("gemini ids: base64url matches the RFC 4648 vectors and rejects bad input") {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(base64url_encode(plain[i]) == coded[i]);
    std::string back;
    CHECK(base64url_decode(coded[i], back));
    CHECK(back == plain[i]);
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  std::string out;
  CHECK_FALSE(base64url_decode("Zm9v+", out));  // '+' is not in the URL alphabet
  CHECK_FALSE(base64url_decode("Z", out));      // impossible length
  CHECK_FALSE(base64url_decode("Zh", out));     // non-zero leftover bits
}

TEST_CASE("gemini ids: stems are deterministic and made of safe characters") {
  CHECK(gemini_call_stem("Zr1bZ8aKI5WmjMcP4fGxqA0", 0, 2) == "gZr1bZ8aKI5Wm_0_2");
  CHECK(gemini_call_stem("a-b_c", 1, 0) == "gabc_1_0");
  CHECK(gemini_call_stem("", 0, 0) == "g_0_0");
}

TEST_CASE("gemini ids: a call without id or signature is a plain call_ id") {
  std::string id = encode_gemini_call_id("gabc_0_0", {});
  CHECK(id == "call_gabc_0_0");
  GeminiCallRef ref = decode_gemini_call_id(id);
  CHECK(ref.upstream_id.empty());
  CHECK(ref.thought_signature.empty());
}

TEST_CASE("gemini ids: canonical base64 signatures round-trip exactly, with any padding") {
  for (std::string sig : {"CiQBjz1rX0exam==", "CiQBjz1rX0exampl+/w=", "AAAA", "ab+/cd/+"}) {
    std::string id = encode_gemini_call_id("gx_0_0", GeminiCallRef{"", sig});
    CAPTURE(id);
    CHECK(id_charset_ok(id));
    CHECK(id.find("-s") != std::string::npos);
    CHECK(decode_gemini_call_id(id).thought_signature == sig);
  }
  CHECK(encode_gemini_call_id("gx_0_0", GeminiCallRef{"", "CiQB/w=="}) == "call_gx_0_0-s6_CiQB_w");
}

TEST_CASE("gemini ids: other signatures and upstream ids round-trip through base64url") {
  GeminiCallRef ref{"fc_7/Ω", "not base64 at all!"};
  std::string id = encode_gemini_call_id("gx_1_3", ref);
  CAPTURE(id);
  CHECK(id_charset_ok(id));
  CHECK(id.find("-S") != std::string::npos);
  GeminiCallRef back = decode_gemini_call_id(id);
  CHECK(back.upstream_id == ref.upstream_id);
  CHECK(back.thought_signature == ref.thought_signature);
  // Unpadded standard base64 is not canonical, so it is kept byte for byte as well.
  CHECK(decode_gemini_call_id(encode_gemini_call_id("g", {"", "CiQB"})).thought_signature ==
        "CiQB");
  CHECK(decode_gemini_call_id(encode_gemini_call_id("g", {"", "CiQ"})).thought_signature == "CiQ");
  // So are the (non-canonical, illustrative) signatures of wire-formats.md.
  for (std::string sig : {"CiQBjz1rX0example==", "CvYBAY89a1+example+opaque+bytes=="}) {
    CHECK(decode_gemini_call_id(encode_gemini_call_id("g", {"", sig})).thought_signature == sig);
  }
}

TEST_CASE("gemini ids: foreign and damaged ids decode to nothing") {
  for (const char* id :
       {"call_7Hk2pQmZ", "toolu_01Qm4Wd8tXh2KzRb9VnE3pLs", "call_x-s3_ab", "call_x-s2_ab-s2_cd",
        "call_x-q2_ab", "call_x-s", "call_x-s99999999_a", "fc-s4_AAAA", "call_x-s4_AA=A", ""}) {
    CAPTURE(id);
    GeminiCallRef ref = decode_gemini_call_id(id);
    CHECK(ref.upstream_id.empty());
    CHECK(ref.thought_signature.empty());
  }
}

TEST_CASE("gemini ids: an id whose fields decode to bytes that are not UTF-8 is not ours") {
  // "____" is base64url for three 0xff bytes: never a JSON string, so never a field of ours.
  for (const char* id : {"call_x-i4_____", "call_x-S4_____", "call_x-i2_wA", "call_x-i4_7aCA"}) {
    CAPTURE(id);
    GeminiCallRef ref = decode_gemini_call_id(id);
    CHECK(ref.upstream_id.empty());
    CHECK(ref.thought_signature.empty());
  }
  GeminiCallRef text{"fc-é-漢-🙂", "sig é 🙂"};
  GeminiCallRef back = decode_gemini_call_id(encode_gemini_call_id("g", text));
  CHECK(back.upstream_id == text.upstream_id);
  CHECK(back.thought_signature == text.thought_signature);
}
