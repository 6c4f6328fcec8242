// Key choice for one attempt (design §5, issue "Key choice"): weighted random among the
// provider's keys that are present, whose `models` globs allow the model, that have not
// already failed in this request, and that are not cooling down. When the target is the
// last one left and every such key is cooling, cooling keys are allowed (a cooling provider
// beats no answer); a key that is not cooling is always preferred.
// Providers that need no key yield an empty choice with no error. A client-supplied key is
// used when the provider allows direct keys. Pure apart from the Random draw.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "lib/config/config.h"
#include "lib/core/clock.h"
#include "lib/core/random.h"
#include "lib/router/health.h"

namespace understudy {

struct KeyChoice {
  const KeyConfig* key = nullptr;  // null: no key (keyless provider or direct key)
  std::string value;               // the secret to send
  std::string name;                // for trails: key name, "client" for direct keys, "" none
};

struct KeyQuery {
  const ProviderConfig* provider = nullptr;
  std::string model;
  const std::set<std::string>* failed = nullptr;  // key names that failed in this request
  bool allow_cooling = false;                     // last target: ignore cooldowns
  std::string direct_key;                         // the client's bearer token, if any
  TimePoint now{};
};

struct KeyChoiceResult {
  std::optional<KeyChoice> choice;  // nullopt: no usable key; `why` says why
  std::string why;
};

KeyChoiceResult choose_key(const KeyQuery& q, const HealthState& health, Random& random);

// True when some key other than `except` could still be chosen (for the decision table).
bool has_other_key(const KeyQuery& q, const HealthState& health, const std::string& except);

// True when the key's `models` globs allow `model` (empty = all).
bool key_allows_model(const KeyConfig& key, const std::string& model);

}  // namespace understudy
