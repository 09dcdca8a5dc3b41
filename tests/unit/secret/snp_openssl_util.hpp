// The openssl command-line tool as the independent check of SNP ID-block signatures: P-384 keys it
// generates, and verification of SNP signature structures (R, S 72 bytes little-endian) with it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "secret_test_util.hpp"
#include "support/process.hpp"

namespace ccvm::test {

// A P-384 key made by the openssl CLI: the PEM and its uncompressed public point (04 || X || Y).
struct CliKey {
    std::filesystem::path pem;
    std::filesystem::path pub_pem;
    Bytes point;
};

inline CliKey cli_key(const test::TempDir& dir, const std::string& name) {
    CliKey k{dir / (name + ".pem"), dir / (name + "_pub.pem"), {}};
    auto r = test::run_process(
        {test::openssl_cli(), "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", k.pem.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = test::run_process({test::openssl_cli(), "ec", "-in", k.pem.string(), "-pubout", "-out", k.pub_pem.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = test::run_process({test::openssl_cli(), "ec", "-in", k.pem.string(), "-pubout", "-outform", "DER"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Bytes der(reinterpret_cast<const std::byte*>(r.out.data()),
              reinterpret_cast<const std::byte*>(r.out.data()) + r.out.size());
    k.point.assign(der.end() - 97, der.end());  // SubjectPublicKeyInfo ends with the 97-byte point
    return k;
}

// DER INTEGER of a little-endian magnitude (independent of the library's conversions).
inline Bytes der_integer(ByteSpan le) {
    Bytes be(le.rbegin(), le.rend());
    std::size_t i = 0;
    while (i + 1 < be.size() && be[i] == std::byte{0}) ++i;
    Bytes v(be.begin() + static_cast<std::ptrdiff_t>(i), be.end());
    if ((std::to_integer<unsigned>(v[0]) & 0x80) != 0) v.insert(v.begin(), std::byte{0});
    // Tag, length, value in a buffer of the final size: appending to the 2-byte vector makes GCC 12 at
    // -O3 report a false -Warray-bounds inside libstdc++'s inlined vector insert.
    Bytes out(2 + v.size());
    out[0] = std::byte{0x02};
    out[1] = std::byte(v.size());
    std::copy(v.begin(), v.end(), out.begin() + 2);
    return out;
}

// SNP signature structure (R, S 72 bytes LE) -> DER ECDSA-Sig-Value.
inline Bytes der_signature(ByteSpan snp_sig) {
    Bytes body = der_integer(snp_sig.subspan(0, 72));
    append(body, der_integer(snp_sig.subspan(72, 72)));
    Bytes out{std::byte{0x30}, std::byte(body.size())};
    append(out, body);
    return out;
}

inline bool cli_verifies(const test::TempDir& dir, const CliKey& key, ByteSpan message, ByteSpan snp_sig) {
    auto msg = test::write_file(dir / "msg.bin", message);
    auto sig = test::write_file(dir / "sig.der", der_signature(snp_sig));
    auto r = test::run_process({test::openssl_cli(), "dgst", "-sha384", "-verify", key.pub_pem.string(), "-signature",
                                sig.string(), msg.string()});
    return r.exit_code == 0 && r.out.find("Verified OK") != std::string::npos;
}

}  // namespace ccvm::test
