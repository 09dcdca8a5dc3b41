// CSV evidence as the confidential-containers attester sends it (trustee
// deps/verifier/src/csv): JSON {"attestation_report": {"magic": [16 bytes], "flags": u32,
// "data": [4096 bytes]}, "serial_number": [...], "cert_chain": {...}, "cc_eventlog": "..."}.
#pragma once

#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::csv {

// The report bytes in the form AttestationReport::parse takes: the 4116-byte wrapper when the
// magic is "ATTESTATION_EXT\0", else the 4096 data bytes. InputError naming `source` otherwise.
Bytes report_from_evidence_json(std::string_view text, std::string_view source);

}  // namespace ccvm::attestation::csv
