#pragma once
// Self-signed test certificates made with the OpenSSL API (no external process), written as PEM
// into a temporary directory that is removed again.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace depthrec::transport::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "depthrec-transport-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct CertFiles {
  std::string cert;  // PEM certificate (also the CA file that trusts it)
  std::string key;   // PEM private key
};

/// A self-signed P-256 certificate for the given subjectAltName (e.g.
/// "DNS:localhost,IP:127.0.0.1").
inline CertFiles make_self_signed(const TempDir& dir, const std::string& name,
                                  const std::string& subject_alt_name) {
  using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
  using Ext = std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)>;
  Key key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  Cert cert(X509_new(), &X509_free);
  if (!key || !cert) throw std::runtime_error("OpenSSL key/cert allocation failed");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, subject_alt_name},
        std::pair{NID_basic_constraints, std::string("critical,CA:TRUE")}}) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()), &X509_EXTENSION_free);
    if (!ext || X509_add_ext(cert.get(), ext.get(), -1) != 1)
      throw std::runtime_error("bad extension " + value);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    throw std::runtime_error("X509_sign failed");

  CertFiles files{dir.file(name + ".crt"), dir.file(name + ".key")};
  using File = std::unique_ptr<FILE, decltype(&fclose)>;
  File cert_out(fopen(files.cert.c_str(), "w"), &fclose);
  File key_out(fopen(files.key.c_str(), "w"), &fclose);
  if (!cert_out || !key_out || PEM_write_X509(cert_out.get(), cert.get()) != 1 ||
      PEM_write_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("cannot write PEM files into " + files.cert);
  }
  return files;
}

}  // namespace depthrec::transport::test
