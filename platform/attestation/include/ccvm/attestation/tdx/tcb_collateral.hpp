// Intel PCS collateral for TDX quotes (Intel "PCS API v4": TDX TCB Info, TD QE Identity): the
// signed JSON bodies as served, their signed bytes, and the fields verification evaluates.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::tdx {

// Seconds since the epoch of an RFC 3339 time ("2023-06-18T08:42:58Z", fractions and offsets
// allowed); throws InputError naming `what`.
std::int64_t parse_rfc3339(std::string_view text, std::string_view what);

// {"<member>": {...}, "signature": "<r||s hex>"}: the member's bytes exactly as in the text (what
// the TCB Signing key signed) and the ECDSA P-256 signature.
struct SignedBody {
    std::string body;
    std::array<std::byte, 64> signature{};
};
SignedBody split_signed_body(std::string_view text, std::string_view member, std::string_view source);

struct TcbLevel {
    std::array<std::uint8_t, 16> sgx_components{};
    std::uint16_t pcesvn = 0;
    std::array<std::uint8_t, 16> tdx_components{};
    std::string date, status;
    std::vector<std::string> advisories;
};

struct TcbInfo {
    SignedBody signed_body;
    std::string id;  // "TDX"
    std::uint32_t version = 0;
    std::int64_t issue_date = 0, next_update = 0;
    std::array<std::byte, 6> fmspc{};
    std::array<std::byte, 2> pceid{};
    // tcbInfo.tdxModule: the SEAM module signer and attributes (v3).
    std::optional<std::array<std::byte, 48>> module_mrsigner;
    std::optional<std::array<std::byte, 8>> module_attributes, module_attributes_mask;
    std::vector<TcbLevel> levels;  // as served: highest TCB first
};
TcbInfo parse_tcb_info(std::string_view text, std::string_view source);

struct QeTcbLevel {
    std::uint16_t isvsvn = 0;
    std::string date, status;
};

struct QeIdentity {
    SignedBody signed_body;
    std::string id;  // "TD_QE"
    std::int64_t issue_date = 0, next_update = 0;
    std::array<std::byte, 4> miscselect{}, miscselect_mask{};
    std::array<std::byte, 16> attributes{}, attributes_mask{};
    std::array<std::byte, 32> mrsigner{};
    std::uint16_t isvprodid = 0;
    std::vector<QeTcbLevel> levels;  // highest ISVSVN first
};
QeIdentity parse_qe_identity(std::string_view text, std::string_view source);

}  // namespace ccvm::attestation::tdx
