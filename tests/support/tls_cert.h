// Test support: self-signed TLS certificates generated at test time with the OpenSSL API,
// so no key material is checked in and nothing expires in the repository.
#pragma once

#include <string>

namespace understudy::testing {

struct TestCertificate {
  std::string cert_path;  // PEM certificate, also usable as a CA file (it is self-signed)
  std::string key_path;   // PEM private key (P-256)
};

// Writes <dir>/<name>.crt and <dir>/<name>.key: a self-signed CA certificate with common
// name `name`, valid from an hour ago for a day, whose subjectAltName covers localhost and
// 127.0.0.1. Returns empty paths if OpenSSL fails.
TestCertificate make_self_signed_certificate(const std::string& dir, const std::string& name);

}  // namespace understudy::testing
