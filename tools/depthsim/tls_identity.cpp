#include "tls_identity.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace depthsim {

namespace {

struct OpenSslDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(X509* certificate) const { X509_free(certificate); }
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
  void operator()(ASN1_INTEGER* serial) const { ASN1_INTEGER_free(serial); }
};
template <typename T>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter>;

[[noreturn]] void fail(const std::string& what) {
  const unsigned long code = ERR_get_error();
  char reason[256] = "no OpenSSL reason";
  if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
  throw std::runtime_error("TLS identity: " + what + ": " + reason);
}

void check(int ok, const char* what) {
  if (ok != 1) fail(what);
}

void add_extension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  OpenSslPtr<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  if (!extension) fail(std::string("extension ") + value);
  check(X509_add_ext(certificate, extension.get(), -1), "X509_add_ext");
}

std::string read_bio(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

TlsIdentity generate_self_signed_identity(int valid_days) {
  OpenSslPtr<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) fail("EC key generation");

  OpenSslPtr<X509> certificate(X509_new());
  if (!certificate) fail("X509_new");
  check(X509_set_version(certificate.get(), 2), "X509_set_version");
  unsigned char serial_bytes[8];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes), "RAND_bytes");
  std::uint64_t serial_value = 0;
  for (unsigned char byte : serial_bytes) serial_value = (serial_value << 8) | byte;
  OpenSslPtr<ASN1_INTEGER> serial(ASN1_INTEGER_new());
  check(ASN1_INTEGER_set_uint64(serial.get(), serial_value >> 1), "serial");
  check(X509_set_serialNumber(certificate.get(), serial.get()), "X509_set_serialNumber");
  if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600)) fail("notBefore");
  if (!X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 86400L * valid_days))
    fail("notAfter");
  check(X509_set_pubkey(certificate.get(), key.get()), "X509_set_pubkey");

  X509_NAME* name = X509_get_subject_name(certificate.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0),
        "subject CN");
  check(X509_set_issuer_name(certificate.get(), name), "X509_set_issuer_name");
  add_extension(certificate.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  add_extension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(certificate.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(certificate.get(), NID_ext_key_usage, "serverAuth");
  add_extension(certificate.get(), NID_subject_key_identifier, "hash");
  add_extension(certificate.get(), NID_authority_key_identifier, "keyid:always");
  if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0) fail("X509_sign");

  OpenSslPtr<BIO> certificate_bio(BIO_new(BIO_s_mem()));
  OpenSslPtr<BIO> key_bio(BIO_new(BIO_s_mem()));
  if (!certificate_bio || !key_bio) fail("BIO_new");
  check(PEM_write_bio_X509(certificate_bio.get(), certificate.get()), "PEM_write_bio_X509");
  check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  return TlsIdentity{read_bio(certificate_bio.get()), read_bio(key_bio.get())};
}

TlsIdentity load_identity(const std::string& certificate_path, const std::string& key_path) {
  return TlsIdentity{read_file(certificate_path), read_file(key_path)};
}

}  // namespace depthsim
