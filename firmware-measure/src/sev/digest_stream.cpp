#include "digest_stream.hpp"

#include "ccvm/firmware-measure/error.hpp"

namespace ccvm::sev {
namespace {

const EVP_MD* md_for(HashAlgo algo) {
    switch (algo) {
        case HashAlgo::sha256: return EVP_sha256();
        case HashAlgo::sha384: return EVP_sha384();
        case HashAlgo::sha512: return EVP_sha512();
        case HashAlgo::sm3: return EVP_sm3();
    }
    return nullptr;
}

}  // namespace

DigestStream::DigestStream(HashAlgo algo) : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md_for(algo), nullptr) != 1)
        throw SystemError("OpenSSL: cannot initialise " + std::string(to_string(algo)));
}

void DigestStream::update(ByteSpan data) {
    if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) throw SystemError("OpenSSL: digest update failed");
}

Bytes DigestStream::peek() const {
    std::unique_ptr<EVP_MD_CTX, Free> copy(EVP_MD_CTX_new());
    Bytes out(static_cast<std::size_t>(EVP_MD_CTX_get_size(ctx_.get())));
    unsigned len = 0;
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), ctx_.get()) != 1 ||
        EVP_DigestFinal_ex(copy.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1)
        throw SystemError("OpenSSL: digest finalisation failed");
    out.resize(len);
    return out;
}

}  // namespace ccvm::sev
