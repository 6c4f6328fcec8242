// Test support: a small, strict XML 1.0 parser for checking the JUnit reports of `simulate`
// as XML (no new dependency). It accepts a prolog, elements, attributes in single or double
// quotes, text, comments and the predefined and numeric character references, and rejects
// anything malformed: mismatched or unclosed tags, duplicate attributes, a raw '<' or '&'
// in text or attribute values, unknown entities, characters XML forbids, invalid UTF-8,
// content after the root. Not a general-purpose parser: no DTD, no CDATA, no namespaces.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace understudy::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // values with references decoded
  std::vector<XmlElement> children;
  std::string text;  // all character data directly inside, decoded

  // Every descendant (not itself) named `name`, in document order.
  std::vector<const XmlElement*> descendants(const std::string& name) const;
};

struct XmlParse {
  bool ok = false;
  std::string error;  // "byte 120: ..." when !ok
  XmlElement root;
};

XmlParse parse_xml(std::string_view document);

}  // namespace understudy::testing
