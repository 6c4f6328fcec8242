#include "lib/providers/json_access.h"

namespace understudy {

const Json& member(const Json& obj, const char* key) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

long long int_member(const Json& obj, const char* key, long long fallback) {
  const Json& v = member(obj, key);
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) return static_cast<long long>(v.get<double>());
  return fallback;
}

}  // namespace understudy
