#include "digest_stream.hpp"

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/evp_md.hpp"

namespace ccvm::sev {

DigestStream::DigestStream(HashAlgo algo) : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex2(ctx_.get(), fetched_md(algo), nullptr) != 1)
        throw SystemError("OpenSSL: cannot initialise " + std::string(to_string(algo)));
}

void DigestStream::update(ByteSpan data) {
    if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) throw SystemError("OpenSSL: digest update failed");
}

Bytes DigestStream::peek() const {
    EvpMdCtxPtr copy(EVP_MD_CTX_new());
    Bytes out(static_cast<std::size_t>(EVP_MD_CTX_get_size(ctx_.get())));
    unsigned len = 0;
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), ctx_.get()) != 1 ||
        EVP_DigestFinal_ex(copy.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1)
        throw SystemError("OpenSSL: digest finalisation failed");
    out.resize(len);
    return out;
}

}  // namespace ccvm::sev
