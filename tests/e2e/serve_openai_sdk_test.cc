// A real client: the official `openai` Node SDK, installed from the npm registry into a temp
// dir, pointed at `understudy serve` with baseURL. Skipped (with a message) when npm is not
// on PATH; set UNDERSTUDY_SKIP_NODE_SDK=1 to skip it on a machine without registry access.
#include <doctest/doctest.h>

#include <cstdlib>

#include "lib/model/json.h"
#include "tests/support/serve_process.h"

using namespace understudy;
using namespace understudy::testing;

namespace {

const char* kConfig = R"TOML(
[providers.primary]
type = "mock"
models = ["mock-large"]
max_retries = 0

[providers.backup]
type = "mock"
models = ["mock-small"]
max_retries = 0
capabilities = { prefill = false }

[routes.main]
chain = ["primary/mock-large", "backup/mock-small"]

[[faults]]
providers = ["primary"]
message_regex = "^(down|busy)"
status = 503
message = "primary is down"

[[faults]]
providers = ["backup"]
message_regex = "^down"
status = 503
message = "backup is down too"

[[faults]]
providers = ["primary"]
message_regex = "^cut"
action = "stream_cut"
after_tokens = 2
)TOML";

// Prints one JSON object with what the SDK saw.
const char* kScript = R"JS(
import OpenAI from 'openai';
const client = new OpenAI({ baseURL: `http://127.0.0.1:${process.argv[2]}/v1`,
                            apiKey: 'any-key', maxRetries: 0, timeout: 20000 });
const user = (content) => [{ role: 'user', content }];
const failure = (e) => ({ threw: true, api_error: e instanceof OpenAI.APIError,
                          name: e.constructor.name, status: e.status ?? null,
                          message: String(e.message) });
const out = {};
const plain = await client.chat.completions.create({ model: 'main', messages: user('hello sdk') });
out.plain = { content: plain.choices[0].message.content, model: plain.model,
              provider: plain.extra_fields?.provider };
const fell = await client.chat.completions.create({ model: 'main', messages: user('busy primary') });
out.fallback = { content: fell.choices[0].message.content, model: fell.model,
                 fallback_index: fell.extra_fields?.fallback_index };
const stream = await client.chat.completions.create({ model: 'main', stream: true,
                                                      messages: user('stream to the sdk please') });
let text = '', chunks = 0;
for await (const chunk of stream) { chunks++; text += chunk.choices[0]?.delta?.content ?? ''; }
out.stream = { text, chunks };
try {
  await client.chat.completions.create({ model: 'main', messages: user('down everywhere') });
  out.down = { threw: false };
} catch (e) { out.down = failure(e); }
try {
  const s = await client.chat.completions.create({ model: 'main', stream: true,
                                                   messages: user('down everywhere') });
  for await (const _ of s) {}
  out.down_stream = { threw: false };
} catch (e) { out.down_stream = failure(e); }
let cut_text = '';
try {
  const s = await client.chat.completions.create({ model: 'main', stream: true,
                                                   messages: user('cut this stream short') });
  for await (const chunk of s) { cut_text += chunk.choices[0]?.delta?.content ?? ''; }
  out.cut = { threw: false, text: cut_text };
} catch (e) { out.cut = { ...failure(e), text: cut_text }; }
console.log(JSON.stringify(out));
)JS";

bool on_path(const std::string& tool) {
  return run({"sh", "-c", "command -v " + tool}).exit_code == 0;
}

}  // namespace

TEST_CASE("e2e serve: the official OpenAI Node SDK works against the gateway") {
  if (std::getenv("UNDERSTUDY_SKIP_NODE_SDK")) {
    MESSAGE("skipped: UNDERSTUDY_SKIP_NODE_SDK is set");
    return;
  }
  if (!on_path("npm") || !on_path("node")) {
    MESSAGE("skipped: npm/node not on PATH (install nodejs and npm, e.g. `make deps`)");
    return;
  }
  std::string dir = temp_dir();
  write_file(dir, "package.json", R"({"name": "understudy-sdk-test", "private": true})");
  RunOptions npm_opts;
  npm_opts.cwd = dir;
  npm_opts.timeout = std::chrono::milliseconds(240000);
  RunResult install =
      run({"npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "openai"}, npm_opts);
  INFO("npm install failed; set UNDERSTUDY_SKIP_NODE_SDK=1 without registry access. stderr: "
       << install.err);
  REQUIRE(install.exit_code == 0);

  ServeProcess s(kConfig);
  REQUIRE(s.ok());
  write_file(dir, "client.mjs", kScript);
  RunOptions node_opts;
  node_opts.cwd = dir;
  node_opts.timeout = std::chrono::milliseconds(60000);
  RunResult r = run({"node", "client.mjs", std::to_string(s.port())}, node_opts);
  INFO("node stderr: " << r.err);
  INFO("node stdout: " << r.out);
  REQUIRE(r.exit_code == 0);
  Json out = Json::parse(r.out);

  CHECK(out["plain"]["content"] == "You said: hello sdk");
  CHECK(out["plain"]["model"] == "mock-large");
  CHECK(out["plain"]["provider"] == "primary");
  CHECK(out["fallback"]["content"] == "You said: busy primary");
  CHECK(out["fallback"]["model"] == "mock-small");
  CHECK(out["fallback"]["fallback_index"] == 1);
  CHECK(out["stream"]["text"] == "You said: stream to the sdk please");
  CHECK(out["stream"]["chunks"].get<int>() >= 5);

  CHECK(out["down"]["threw"] == true);
  CHECK(out["down"]["api_error"] == true);
  CHECK(out["down"]["name"] == "InternalServerError");
  CHECK(out["down"]["status"] == 503);
  CHECK(out["down"]["message"].get<std::string>().find("primary is down") != std::string::npos);
  CHECK(out["down_stream"]["threw"] == true);
  CHECK(out["down_stream"]["status"] == 503);

  // A stream cut with no prefill-capable target: the SDK raises on the error event.
  CHECK(out["cut"]["threw"] == true);
  CHECK(out["cut"]["api_error"] == true);
  CHECK(out["cut"]["text"] == "You said:");
}
