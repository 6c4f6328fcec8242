#include "lib/providers/json_member.h"

namespace understudy {

const Json& json_member(const Json& obj, const char* key) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::int64_t json_int(const Json& obj, const char* key) {
  const Json& v = json_member(obj, key);
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number()) return static_cast<std::int64_t>(v.get<double>());
  return 0;
}

}  // namespace understudy
