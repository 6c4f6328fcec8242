#include "tests/support/xml_check.h"

#include <cctype>
#include <cstdint>
#include <stdexcept>

namespace understudy::testing {

namespace {

class XmlParser {
 public:
  explicit XmlParser(std::string_view doc) : s_(doc) {}

  XmlElement document() {
    check_characters();
    if (s_.substr(0, 5) == "<?xml") {
      std::size_t end = s_.find("?>");
      if (end == std::string_view::npos) fail("unterminated XML declaration");
      i_ = end + 2;
    }
    skip_misc();
    if (peek() != '<') fail("expected the root element");
    XmlElement root = element();
    skip_misc();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("byte " + std::to_string(i_) + ": " + why);
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool starts(std::string_view p) const { return s_.substr(i_, p.size()) == p; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  void skip_misc() {
    while (true) {
      skip_space();
      if (!starts("<!--")) return;
      std::size_t end = s_.find("-->", i_ + 4);
      if (end == std::string_view::npos) fail("unterminated comment");
      i_ = end + 3;
    }
  }

  // Valid UTF-8 and only characters XML 1.0 allows.
  void check_characters() {
    for (std::size_t k = 0; k < s_.size();) {
      auto c = static_cast<unsigned char>(s_[k]);
      std::size_t len = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
      if (len == 0 || k + len > s_.size()) {
        i_ = k;
        fail("invalid UTF-8");
      }
      std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
      for (std::size_t j = 1; j < len; ++j) {
        auto cc = static_cast<unsigned char>(s_[k + j]);
        if ((cc & 0xC0) != 0x80) {
          i_ = k;
          fail("invalid UTF-8");
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                     (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (!allowed) {
        i_ = k;
        fail("character not allowed in XML");
      }
      k += len;
    }
  }

  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == ':' || static_cast<unsigned char>(c) >= 0x80;
  }
  std::string name() {
    std::size_t start = i_;
    if (!(std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_' || peek() == ':')) {
      fail("expected a name");
    }
    while (i_ < s_.size() && name_char(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }

  // After '&': a predefined or numeric reference, appended decoded.
  void reference(std::string& out) {
    std::size_t end = s_.find(';', i_);
    if (end == std::string_view::npos) fail("unterminated reference");
    std::string_view ref = s_.substr(i_, end - i_);
    static const std::map<std::string_view, char> kNamed = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    if (auto it = kNamed.find(ref); it != kNamed.end()) {
      out += it->second;
    } else if (ref.size() > 1 && ref[0] == '#') {
      bool hex = ref[1] == 'x';
      std::string digits(ref.substr(hex ? 2 : 1));
      if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF"
                                                         : "0123456789") != std::string::npos) {
        fail("bad character reference");
      }
      out += static_cast<char>(std::stoul(digits, nullptr, hex ? 16 : 10) & 0x7F);
    } else {
      fail("unknown entity &" + std::string(ref) + ";");
    }
    i_ = end + 1;
  }

  std::string attribute_value() {
    char quote = peek();
    if (quote != '"' && quote != '\'') fail("attribute value must be quoted");
    ++i_;
    std::string out;
    while (peek() != quote) {
      if (i_ >= s_.size()) fail("unterminated attribute value");
      char c = s_[i_++];
      if (c == '<') fail("'<' in an attribute value");
      if (c == '&') {
        reference(out);
      } else {
        out += c;
      }
    }
    ++i_;
    return out;
  }

  XmlElement element() {
    expect('<');
    XmlElement e;
    e.name = name();
    while (true) {
      skip_space();
      if (starts("/>")) {
        i_ += 2;
        return e;
      }
      if (peek() == '>') {
        ++i_;
        break;
      }
      std::string attr = name();
      skip_space();
      expect('=');
      skip_space();
      if (!e.attributes.emplace(attr, attribute_value()).second)
        fail("duplicate attribute " + attr);
    }
    content(e);
    return e;
  }

  void content(XmlElement& e) {
    while (true) {
      if (i_ >= s_.size()) fail("unclosed element <" + e.name + ">");
      if (starts("</")) {
        i_ += 2;
        if (name() != e.name) fail("mismatched end tag for <" + e.name + ">");
        skip_space();
        expect('>');
        return;
      }
      if (starts("<!--")) {
        std::size_t end = s_.find("-->", i_ + 4);
        if (end == std::string_view::npos) fail("unterminated comment");
        i_ = end + 3;
      } else if (peek() == '<') {
        e.children.push_back(element());
      } else if (peek() == '&') {
        ++i_;
        reference(e.text);
      } else {
        if (starts("]]>")) fail("']]>' in text");
        e.text += s_[i_++];
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

void collect(const XmlElement& e, const std::string& name, std::vector<const XmlElement*>& out) {
  for (const XmlElement& c : e.children) {
    if (c.name == name) out.push_back(&c);
    collect(c, name, out);
  }
}

}  // namespace

std::vector<const XmlElement*> XmlElement::descendants(const std::string& name) const {
  std::vector<const XmlElement*> out;
  collect(*this, name, out);
  return out;
}

XmlParse parse_xml(std::string_view document) {
  XmlParse out;
  try {
    XmlParser parser(document);
    out.root = parser.document();
    out.ok = true;
  } catch (const std::runtime_error& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace understudy::testing
