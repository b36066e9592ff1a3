#pragma once
// Mbed TLS certificate fields as text an operator can read: names, dates, alternative names.
// Private to the transport (the only module that links Mbed TLS).

#include <mbedtls/x509_crt.h>

#include <chrono>
#include <string>
#include <vector>

namespace outpost::transport::x509 {

// "O=Outpost Dev, CN=localhost"; "?" when the name cannot be rendered.
std::string distinguished_name(const mbedtls_x509_name& name);

// The instant a certificate time stands for (certificate times are UTC), also past 2038.
std::chrono::system_clock::time_point to_time_point(const mbedtls_x509_time& time);

// "2021-01-01T00:00:00Z".
std::string format_time(const mbedtls_x509_time& time);

// The subject alternative names a host name is checked against: "DNS:localhost", "IP:127.0.0.1".
std::vector<std::string> alternative_names(const mbedtls_x509_crt& certificate);

// Issuer and subject are the same name: the certificate vouches for itself.
bool self_issued(const mbedtls_x509_crt& certificate);

}  // namespace outpost::transport::x509
