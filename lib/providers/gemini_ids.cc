#include "lib/providers/gemini_ids.h"

#include <cctype>
#include <cstdint>
#include <optional>

namespace understudy {

namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool is_std_base64_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
}

// True when `sig` is standard base64 whose padding can be dropped and restored exactly:
// length a multiple of 4, and "=" only as 0-2 trailing padding characters.
bool is_canonical_std_base64(std::string_view sig) {
  if (sig.empty() || sig.size() % 4 != 0) return false;
  size_t end = sig.size();
  while (end > 0 && sig[end - 1] == '=' && sig.size() - end < 2) --end;
  for (size_t i = 0; i < end; ++i) {
    if (!is_std_base64_char(sig[i])) return false;
  }
  return true;
}

std::string transliterate_to_url(std::string_view sig) {
  std::string out;
  for (char c : sig) {
    if (c == '=') break;
    out.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
  }
  return out;
}

std::string transliterate_to_std(std::string_view payload) {
  std::string out;
  for (char c : payload) out.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

void append_field(std::string& id, char tag, std::string_view payload) {
  id.push_back('-');
  id.push_back(tag);
  id += std::to_string(payload.size());
  id.push_back('_');
  id.append(payload);
}

struct Field {
  char tag;
  std::string_view payload;
};

// Reads "-<tag><len>_<payload>" at `pos`; advances `pos` past it.
std::optional<Field> read_field(std::string_view id, size_t& pos) {
  if (pos + 4 > id.size() || id[pos] != '-') return std::nullopt;
  Field f{id[pos + 1], {}};
  size_t p = pos + 2;
  size_t len = 0;
  size_t digits = 0;
  while (p < id.size() && std::isdigit(static_cast<unsigned char>(id[p])) && digits < 7) {
    len = len * 10 + static_cast<size_t>(id[p] - '0');
    ++p;
    ++digits;
  }
  if (digits == 0 || p >= id.size() || id[p] != '_') return std::nullopt;
  ++p;
  if (len > id.size() - p) return std::nullopt;
  f.payload = id.substr(p, len);
  for (char c : f.payload) {
    if (url_value(c) < 0) return std::nullopt;
  }
  pos = p + len;
  return f;
}

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_utf8(std::string_view s) {
  static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    std::uint32_t cp = c;
    if (c >= 0x80) {
      if ((c & 0xe0) == 0xc0) {
        extra = 1, cp = c & 0x1f;
      } else if ((c & 0xf0) == 0xe0) {
        extra = 2, cp = c & 0x0f;
      } else if ((c & 0xf8) == 0xf0) {
        extra = 3, cp = c & 0x07;
      } else {
        return false;
      }
    }
    if (extra >= s.size() - i) return false;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < kMinForLength[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// Both decoded fields came from JSON strings, so they are text: bytes that are not UTF-8
// mean the id is not ours, and sending them on would make the request body unserializable.
bool base64url_decode_text(std::string_view payload, std::string& out) {
  return base64url_decode(payload, out) && is_utf8(out);
}

bool apply_field(const Field& f, GeminiCallRef& ref) {
  switch (f.tag) {
    case 'i':
      return base64url_decode_text(f.payload, ref.upstream_id);
    case 's':
      ref.thought_signature = transliterate_to_std(f.payload);
      return f.payload.size() % 4 != 1;  // no canonical base64 strips to that length
    case 'S':
      return base64url_decode_text(f.payload, ref.thought_signature);
    default:
      return false;
  }
}

}  // namespace

std::string gemini_call_stem(std::string_view response_id, int candidate, int ordinal) {
  std::string stem = "g";
  for (char c : response_id) {
    if (stem.size() > 12) break;
    if (std::isalnum(static_cast<unsigned char>(c))) stem.push_back(c);
  }
  stem.push_back('_');
  stem.append(std::to_string(candidate));
  stem.push_back('_');
  stem.append(std::to_string(ordinal));
  return stem;
}

std::string encode_gemini_call_id(std::string_view stem, const GeminiCallRef& ref) {
  std::string id = "call_";
  id.append(stem);
  if (!ref.upstream_id.empty()) append_field(id, 'i', base64url_encode(ref.upstream_id));
  const std::string& sig = ref.thought_signature;
  if (!sig.empty()) {
    if (is_canonical_std_base64(sig)) {
      append_field(id, 's', transliterate_to_url(sig));
    } else {
      append_field(id, 'S', base64url_encode(sig));
    }
  }
  return id;
}

GeminiCallRef decode_gemini_call_id(std::string_view id) {
  constexpr std::string_view kPrefix = "call_";
  if (id.substr(0, kPrefix.size()) != kPrefix) return {};
  size_t pos = id.find('-');
  if (pos == std::string_view::npos) return {};
  GeminiCallRef ref;
  bool seen_i = false, seen_sig = false;
  while (pos < id.size()) {
    auto f = read_field(id, pos);
    if (!f) return {};
    bool& seen = f->tag == 'i' ? seen_i : seen_sig;
    if (seen || !apply_field(*f, ref)) return {};
    seen = true;
  }
  return ref;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kUrlAlphabet[(v >> s) & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    unsigned v = byte(i) << 16;
    out.push_back(kUrlAlphabet[(v >> 18) & 63]);
    out.push_back(kUrlAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kUrlAlphabet[(v >> 18) & 63]);
    out.push_back(kUrlAlphabet[(v >> 12) & 63]);
    out.push_back(kUrlAlphabet[(v >> 6) & 63]);
  }
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 == 1) return false;
  out.clear();
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = url_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, or two different texts would decode to the same bytes.
  return (acc & ((1u << bits) - 1)) == 0;
}

}  // namespace understudy
