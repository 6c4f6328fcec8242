#include "lib/config/sections_toml.h"

#include "lib/config/secret.h"

namespace understudy {

namespace {

const std::vector<std::string> kServerKeys = {"host",
                                              "port",
                                              "listen",
                                              "auth_tokens",
                                              "max_body_bytes",
                                              "max_concurrent",
                                              "max_queue",
                                              "drop_excess",
                                              "queue_timeout_ms",
                                              "read_timeout_ms",
                                              "shutdown_grace_ms",
                                              "allow_direct_keys"};

// Reads an array of chain entries and records where each was written.
bool read_chain(TomlFields& f, std::string_view key, std::vector<std::string>& out,
                std::vector<ChainSite>& sites) {
  const toml::node* node = f.find(key);
  if (!node || !f.node_strings(*node, f.path_of(key), out)) return false;
  ChainSite site;
  site.path = f.path_of(key);
  site.entries = out;
  const toml::array* array = node->as_array();
  for (std::size_t i = 0; i < array->size(); ++i) site.lines.push_back(line_of(*array->get(i)));
  sites.push_back(std::move(site));
  return true;
}

void read_listen(TomlFields& f, ServerConfig& out) {
  std::string listen;
  if (!f.read_string("listen", listen)) return;
  if (f.has("host") || f.has("port")) {
    f.error("listen", "give either listen or host/port, not both");
    return;
  }
  size_t colon = listen.rfind(':');
  std::string port = colon == std::string::npos ? "" : listen.substr(colon + 1);
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos;
  int port_number = digits ? std::stoi(port) : 0;
  if (host.empty() || port_number < 1 || port_number > 65535) {
    f.error("listen", "invalid listen address \"" + listen +
                          "\": expected host:port with port 1..65535, e.g. \"127.0.0.1:8080\"");
    return;
  }
  out.host = host;
  out.port = port_number;
}

void read_auth_tokens(TomlFields& f, const EnvLookup& env, ServerConfig& out) {
  const toml::node* node = f.find("auth_tokens");
  if (!node) return;
  const toml::array* array = node->as_array();
  if (!array) {
    f.type_error(*node, f.path_of("auth_tokens"), "an array of strings");
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string path = index_path(f.path_of("auth_tokens"), i);
    std::string text;
    if (!f.node_string(*array->get(i), path, text)) continue;
    ResolvedSecret secret = resolve_secret(text, env);
    if (!secret.present) {
      f.error_at(*array->get(i), path, secret.problem);
      continue;
    }
    out.auth_tokens.push_back(secret.value);
  }
}

}  // namespace

void parse_server(TomlFields& f, const EnvLookup& env, ServerConfig& out) {
  f.reject_unknown(kServerKeys);
  if (f.read_string("host", out.host) && out.host.empty()) f.error("host", "empty host");
  f.read_int("port", out.port, 1, 65535);
  read_listen(f, out);
  read_auth_tokens(f, env, out);
  std::int64_t bytes = 0;
  if (f.read_int("max_body_bytes", bytes, 1)) out.max_body_bytes = static_cast<size_t>(bytes);
  f.read_int("max_concurrent", out.max_concurrent, 1, 1000000);
  f.read_int("max_queue", out.max_queue, 0, 1000000);
  f.read_bool("drop_excess", out.drop_excess);
  f.read_millis("queue_timeout_ms", out.queue_timeout, 1);
  f.read_millis("read_timeout_ms", out.read_timeout, 1);
  f.read_millis("shutdown_grace_ms", out.shutdown_grace, 0);
  f.read_bool("allow_direct_keys", out.allow_direct_keys);
}

void parse_routes(TomlFields& f, Config& config, std::vector<ChainSite>& sites) {
  for (auto&& [key, node] : f.table()) {
    std::string name(key.str());
    std::string path = f.path_of(name);
    if (!node.is_table()) {
      f.type_error(node, path, "a table with chain = [...]");
      continue;
    }
    TomlFields r(*node.as_table(), path, f.file(), f.errors());
    r.reject_unknown({"chain"});
    RouteConfig route;
    route.name = name;
    route.origin = origin_string(f.file(), r.line());
    if (name.empty()) r.error_here("empty route name");
    if (!r.has("chain")) {
      r.error_here("missing chain = [\"provider/model\", ...]");
    } else if (read_chain(r, "chain", route.chain, sites) && route.chain.empty()) {
      r.error("chain", "empty chain: list at least one \"provider/model\"");
    }
    config.routes[name] = std::move(route);
  }
}

void parse_fallback(TomlFields& f, FallbackConfig& out, std::vector<ChainSite>& sites) {
  f.reject_unknown({"default", "chains", "on_content_policy", "deadline_ms"});
  read_chain(f, "default", out.default_chain, sites);
  f.read_bool("on_content_policy", out.on_content_policy);
  f.read_millis("deadline_ms", out.deadline, 1);
  const toml::table* chains = f.read_table("chains");
  if (!chains) return;
  TomlFields c(*chains, f.path_of("chains"), f.file(), f.errors());
  for (auto&& [key, node] : *chains) {
    std::string primary(key.str());
    std::vector<std::string> chain;
    if (!read_chain(c, primary, chain, sites)) continue;
    ChainSite key_site;
    key_site.path = c.path_of(primary);
    key_site.entries = {primary};
    key_site.lines = {static_cast<int>(key.source().begin.line)};
    key_site.single = true;
    key_site.allow_routes = false;
    sites.push_back(std::move(key_site));
    out.chains[primary] = std::move(chain);
  }
}

void parse_ask(TomlFields& f, AskConfig& out, std::vector<ChainSite>& sites) {
  f.reject_unknown({"model", "fallbacks"});
  if (f.read_string("model", out.model)) {
    ChainSite site;
    site.path = f.path_of("model");
    site.entries = {out.model};
    site.lines = {f.line_of_key("model")};
    site.single = true;
    sites.push_back(std::move(site));
  }
  read_chain(f, "fallbacks", out.fallbacks, sites);
}

}  // namespace understudy
