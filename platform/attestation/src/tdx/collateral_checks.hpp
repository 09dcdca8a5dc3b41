// The collateral half of verify_quote(): TCB info and QE identity (Intel PCS v4 collateral),
// evaluated at the verification time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ccvm/attestation/tdx/verify_quote.hpp"

namespace ccvm::attestation::tdx {

// "" when `leaf` chains to a root of `collateral` at `time` (through `untrusted` and the
// collateral's intermediates), else the reason. With `use_crls` every certificate of the path must
// also be covered by a current CRL of its issuer that does not revoke it.
std::string verify_to_root(X509* leaf, const std::vector<X509Ptr>& untrusted, const Collateral& collateral,
                           std::int64_t time, bool use_crls);

// "tcb_info.signature", "tcb_info.validity", "tcb_info.platform" (FMSPC, PCE-ID), "tcb_info.tdx_module"
// and "tcb.status" (the TCB level the PCK's SVNs and the TD's TEE_TCB_SVN reach).
void check_tcb_info(const Quote& quote, X509* pck, const Collateral& collateral, std::int64_t time,
                    attestation::CheckList& out);

// "qe_identity.signature", "qe_identity.validity", "qe_identity.match" (MRSIGNER, ISVPRODID,
// masked MISCSELECT and ATTRIBUTES of the QE report) and "qe_identity.tcb" (by ISVSVN).
void check_qe_identity(const Quote& quote, const Collateral& collateral, std::int64_t time,
                       attestation::CheckList& out);

}  // namespace ccvm::attestation::tdx
