// Verification of a TDX quote: PCK chain to a trusted root, QE report signature by the PCK,
// QE report binding of the attestation key, quote signature, and the expected registers.
#pragma once

#include <optional>
#include <vector>

#include "ccvm/firmware-measure/bytes.hpp"
#include "ccvm/platform/evidence/checks.hpp"
#include "ccvm/platform/evidence/crypto.hpp"
#include "ccvm/platform/evidence/tdx/quote.hpp"

namespace ccvm::platform::tdx {

// What the user supplies instead of fetching from Intel PCS: trusted roots (self-signed
// certificates) and extra intermediates (for quotes that do not embed the PCK chain).
struct Collateral {
    std::vector<evidence::X509Ptr> roots;
    std::vector<evidence::X509Ptr> intermediates;
};

// Every certificate file (PEM or DER, *.pem *.crt *.cer *.der) in `dir`; self-signed ones become roots.
Collateral load_collateral(const std::string& dir);

struct QuoteExpectations {
    std::optional<Bytes> mrtd;               // 48 bytes
    std::array<std::optional<Bytes>, 4> rtmr;  // 48 bytes each
    std::optional<Bytes> report_data;        // up to 64 bytes, zero-padded
    std::optional<Bytes> mrconfigid, mrowner, mrownerconfig;  // 48 bytes each
    std::optional<std::uint64_t> td_attributes;
};

struct QuoteVerifyOptions {
    bool check_signatures = true;
};

// `collateral` may be null: the PCK chain check then fails, saying so.
evidence::CheckList verify_quote(const Quote& quote, const Collateral* collateral,
                                 const QuoteExpectations& expected, const QuoteVerifyOptions& options = {});

}  // namespace ccvm::platform::tdx
