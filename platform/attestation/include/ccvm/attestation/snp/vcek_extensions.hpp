// The AMD X.509 extensions of a VCEK or VLEK certificate (AMD "Versioned Chip Endorsement Key
// (VCEK) Certificate and KDS Interface Specification", Table "VCEK Certificate Extensions").
#pragma once

#include <optional>
#include <string>

#include <openssl/x509.h>

#include "ccvm/attestation/snp/tcb_version.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::snp {

struct VcekExtensions {
    std::optional<std::string> product_name;  // 1.3.6.1.4.1.3704.1.2, e.g. "Milan-B0"
    std::optional<Bytes> hw_id;               // 1.3.6.1.4.1.3704.1.4: the chip ID (VCEK only)
    std::optional<std::string> csp_id;        // 1.3.6.1.4.1.3704.1.5: the cloud provider (VLEK only)
    std::optional<std::uint8_t> bl_spl, tee_spl, snp_spl, ucode_spl, fmc_spl;  // 1.3.6.1.4.1.3704.1.3.{1,2,3,8,9}

    bool is_vlek() const noexcept { return csp_id.has_value(); }
    // The TCB the certificate was issued for, or nullopt when an SPL extension is missing.
    std::optional<TcbVersion> tcb() const;
};

// Reads the AMD extensions; malformed values throw InputError naming `source` and the OID.
VcekExtensions read_vcek_extensions(X509* cert, std::string_view source);

}  // namespace ccvm::attestation::snp
