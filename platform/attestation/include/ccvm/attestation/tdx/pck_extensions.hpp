// The Intel SGX extensions of a PCK certificate (Intel "SGX PCK Certificate and CRL Profile",
// OID 1.2.840.113741.1.13.1): the platform's TCB (16 SGX TCB component SVNs, PCESVN, CPUSVN),
// PCE-ID and FMSPC, which select and match the TCB level of the TCB info.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <openssl/x509.h>

#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::tdx {

struct PckExtensions {
    std::array<std::uint8_t, 16> sgx_tcb_components{};  // SGX TCB Comp01..16 SVN
    std::uint16_t pcesvn = 0;
    std::array<std::byte, 16> cpusvn{};
    std::array<std::byte, 2> pceid{};
    std::array<std::byte, 6> fmspc{};
};

// Parses the DER value of the SGX extension; throws InputError naming `source` when it is
// malformed or lacks the TCB, PCE-ID or FMSPC.
PckExtensions parse_pck_extensions(ByteSpan der, std::string_view source);
// The SGX extension of `pck`; InputError when the certificate has none.
PckExtensions pck_extensions(X509* pck);

}  // namespace ccvm::attestation::tdx
