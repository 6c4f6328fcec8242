// The startup floor for `understudy --version` (bench/run.sh): an empty program linked
// against the same shared libraries. cpp-httplib's library runs OpenSSL's initialization
// (OPENSSL_init_ssl with error strings) when it is loaded, before main, whatever main does.
int main() { return 0; }
