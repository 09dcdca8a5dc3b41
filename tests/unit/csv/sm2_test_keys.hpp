// Test-only SM2 private-key operations done with OpenSSL directly (signing and decryption), to
// check ccvm's verifier and encryptor against an independent implementation.
#pragma once

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/openssl.hpp"

namespace ccvm::test::csv {

class Sm2TestKey {
public:
    explicit Sm2TestKey(ByteSpan d_be) {
        EcGroupPtr g(EC_GROUP_new_by_curve_name(NID_sm2));
        BignumPtr d(BN_bin2bn(u(d_be.data()), static_cast<int>(d_be.size()), nullptr));
        EcPointPtr q(EC_POINT_new(g.get()));
        EC_POINT_mul(g.get(), q.get(), d.get(), nullptr, nullptr, nullptr);
        EC_POINT_point2oct(g.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, u(point_.data()), point_.size(), nullptr);
        ParamBldPtr bld(OSSL_PARAM_BLD_new());
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0);
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point_.data(), point_.size());
        ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
        EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
        EVP_PKEY* raw = nullptr;
        if (EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
            EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1)
            throw std::runtime_error("SM2 test key");
        key_.reset(raw);
    }

    // Little-endian coordinates as Hygon certificates store them.
    Bytes x_le() const { return rev(ByteSpan(point_).subspan(1, 32)); }
    Bytes y_le() const { return rev(ByteSpan(point_).subspan(33, 32)); }

    // SM2 signature with SM3 and distinguishing ID `uid`; r and s little-endian, 72 bytes each.
    std::pair<Bytes, Bytes> sign(ByteSpan msg, ByteSpan uid) const {
        EvpMdCtxPtr md(EVP_MD_CTX_new());
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_DIST_ID, const_cast<std::byte*>(uid.data()), uid.size()),
            OSSL_PARAM_construct_end()};
        std::size_t len = 0;
        if (EVP_DigestSignInit_ex(md.get(), nullptr, "SM3", nullptr, nullptr, key_.get(), params) != 1 ||
            EVP_DigestSign(md.get(), nullptr, &len, u(msg.data()), msg.size()) != 1)
            throw std::runtime_error("SM2 sign init");
        Bytes der(len);
        if (EVP_DigestSign(md.get(), u(der.data()), &len, u(msg.data()), msg.size()) != 1)
            throw std::runtime_error("SM2 sign");
        const unsigned char* p = u(der.data());
        EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
        Bytes r(72), s(72);
        BN_bn2lebinpad(ECDSA_SIG_get0_r(sig.get()), u(r.data()), 72);
        BN_bn2lebinpad(ECDSA_SIG_get0_s(sig.get()), u(s.data()), 72);
        return {r, s};
    }

    // Decrypts Hygon's C1 || C3 || C2 by re-encoding it as OpenSSL's DER SM2Ciphertext.
    Bytes decrypt_c1c3c2(ByteSpan c) const {
        Bytes body;
        auto der_int = [&](ByteSpan be) {
            std::size_t i = 0;
            while (i + 1 < be.size() && be[i] == std::byte{0}) ++i;
            Bytes v(be.begin() + static_cast<long>(i), be.end());
            if ((static_cast<unsigned>(v[0]) & 0x80) != 0) v.insert(v.begin(), std::byte{0});
            tlv(body, 0x02, v);
        };
        der_int(c.subspan(1, 32));
        der_int(c.subspan(33, 32));
        tlv(body, 0x04, c.subspan(65, 32));
        tlv(body, 0x04, c.subspan(97));
        Bytes der;
        tlv(der, 0x30, body);
        EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
        std::size_t len = 0;
        if (EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
            EVP_PKEY_decrypt(ctx.get(), nullptr, &len, u(der.data()), der.size()) != 1)
            throw std::runtime_error("SM2 decrypt init");
        Bytes out(len);
        if (EVP_PKEY_decrypt(ctx.get(), u(out.data()), &len, u(der.data()), der.size()) != 1)
            throw std::runtime_error("SM2 decrypt");
        out.resize(len);
        return out;
    }

private:
    static unsigned char* u(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }
    static const unsigned char* u(const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); }
    static Bytes rev(ByteSpan b) { return Bytes(b.rbegin(), b.rend()); }
    static void tlv(Bytes& out, unsigned tag, ByteSpan v) {
        out.push_back(std::byte(tag));
        if (v.size() >= 128) {
            out.push_back(std::byte{0x81});
        }
        out.push_back(std::byte(v.size()));
        append(out, v);
    }

    std::array<std::byte, 65> point_{};
    EvpPkeyPtr key_;
};

}  // namespace ccvm::test::csv
