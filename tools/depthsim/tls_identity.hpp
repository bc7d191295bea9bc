// The TLS identity the simulator presents: a fresh self-signed EC P-256 certificate for
// CN=localhost with SAN DNS:localhost and IP:127.0.0.1 (clients verify against it as their CA
// file), or a certificate and key loaded from PEM files.
#pragma once

#include <string>

#include "ws_server.hpp"

namespace depthsim {

// Throws std::runtime_error with OpenSSL's reason on failure.
TlsIdentity generate_self_signed_identity(int valid_days = 30);
TlsIdentity load_identity(const std::string& certificate_path, const std::string& key_path);

}  // namespace depthsim
