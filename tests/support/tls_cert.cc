#include "tests/support/tls_cert.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

namespace understudy::testing {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool fill_certificate(X509* cert, EVP_PKEY* key, const std::string& name) {
  unsigned char serial[8];
  if (RAND_bytes(serial, sizeof serial) != 1) return false;
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  X509_NAME* subject = X509_get_subject_name(cert);
  return ok && X509_set_version(cert, 2) == 1 &&
         X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr &&
         X509_gmtime_adj(X509_getm_notAfter(cert), 86400) != nullptr &&
         X509_set_pubkey(cert, key) == 1 &&
         X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1,
                                    0) == 1 &&
         X509_set_issuer_name(cert, subject) == 1 &&
         add_extension(cert, NID_basic_constraints, "critical,CA:TRUE") &&
         add_extension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign") &&
         add_extension(cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1") &&
         X509_sign(cert, key, EVP_sha256()) > 0;
}

template <typename Write>
bool write_pem(const std::string& path, Write write) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  bool ok = write(f) == 1;
  return std::fclose(f) == 0 && ok;
}

}  // namespace

TestCertificate make_self_signed_certificate(const std::string& dir, const std::string& name) {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, CertFree> cert(X509_new());
  if (!key || !cert || !fill_certificate(cert.get(), key.get(), name)) return {};
  TestCertificate out{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  bool ok = write_pem(out.cert_path, [&](FILE* f) { return PEM_write_X509(f, cert.get()); }) &&
            write_pem(out.key_path, [&](FILE* f) {
              return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
            });
  return ok ? out : TestCertificate{};
}

}  // namespace understudy::testing
