// The process-wide fetched OpenSSL digest of each HashAlgo (hash.cpp), for code that drives EVP
// contexts itself (the streaming SEV digests, the evidence verifiers' signature checks).
#pragma once

#include <openssl/evp.h>

#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm {

// Throws SystemError if OpenSSL lacks the algorithm. Owned by the process; never freed.
const EVP_MD* fetched_md(HashAlgo algo);

}  // namespace ccvm
