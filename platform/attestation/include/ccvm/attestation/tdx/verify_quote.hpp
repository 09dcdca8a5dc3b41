// Verification of a TDX quote: PCK chain to a trusted root, QE report signature by the PCK,
// QE report binding of the attestation key, quote signature, and the expected registers.
#pragma once

#include <optional>
#include <vector>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/attestation/crypto.hpp"
#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/attestation/tdx/tcb_collateral.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::tdx {

// What the user supplies instead of fetching from Intel PCS: trusted roots (self-signed
// certificates), extra intermediates (the TCB Signing certificate, or a PCK chain the quote does
// not embed), CRLs, and the signed TCB info and QE identity.
struct Collateral {
    std::vector<X509Ptr> roots;
    std::vector<X509Ptr> intermediates;
    std::vector<X509CrlPtr> crls;  // PCK CRL (Platform or Processor CA), Root CA CRL
    std::optional<TcbInfo> tcb_info;
    std::optional<QeIdentity> qe_identity;
};

// Reads `dir`: certificate files (PEM or DER, *.pem *.crt *.cer *.der; self-signed ones become
// roots), CRLs (*.crl, PEM or DER), tcb_info.json and qe_identity.json (Intel PCS response bodies).
Collateral load_collateral(const std::string& dir);

struct QuoteExpectations {
    std::optional<Bytes> mrtd;                                // 48 bytes
    std::array<std::optional<Bytes>, 4> rtmr;                 // 48 bytes each
    std::optional<Bytes> report_data;                         // up to 64 bytes, zero-padded
    std::optional<Bytes> mrconfigid, mrowner, mrownerconfig;  // 48 bytes each
    std::optional<std::uint64_t> td_attributes;
};

struct QuoteVerifyOptions {
    bool check_signatures = true;
    // Seconds since the epoch at which certificates, CRLs and collateral must be valid; now when unset.
    std::optional<std::int64_t> verification_time;
};

// `collateral` may be null: the PCK chain check then fails, saying so.
attestation::CheckList verify_quote(const Quote& quote, const Collateral* collateral, const QuoteExpectations& expected,
                                    const QuoteVerifyOptions& options = {});

}  // namespace ccvm::attestation::tdx
