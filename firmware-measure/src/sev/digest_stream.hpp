// A streaming digest whose intermediate value can be read without ending the stream, so SEV-ES
// digests for many vCPU counts come from one pass over the firmware.
#pragma once

#include <openssl/evp.h>

#include <memory>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::sev {

class DigestStream {
public:
    explicit DigestStream(HashAlgo algo);
    void update(ByteSpan data);
    // Digest of everything so far; the stream continues.
    Bytes peek() const;

private:
    struct Free {
        void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
    };
    std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

}  // namespace ccvm::sev
