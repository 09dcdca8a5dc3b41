// A confidential guest's CC event log: the TCG2 crypto-agile format (TCG PC Client PFP spec 1.05,
// §10.2 "Event Log Format") as the ACPI CCEL table's log area holds it (Linux:
// /sys/firmware/acpi/tables/data/CCEL). PCRIndex carries the CC measurement register (MR) index;
// each platform names the register an index extends (cc_register_name). The log's spec-ID event
// says which digest algorithm it uses: SHA-384 (Intel TDX) or SM3 (Hygon CSV).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/tcg_event.hpp"

namespace ccvm {

// TCG Algorithm Registry (rev 1.32, table 3) ids of the digest algorithms ccvm replays.
inline constexpr std::uint16_t kTcgAlgSha384 = 0x000C;
inline constexpr std::uint16_t kTcgAlgSm3 = 0x0012;  // TPM_ALG_SM3_256

// CC MR indexes 1..4 are the runtime registers a log extends (0 is the launch measurement).
inline constexpr std::size_t kCcMrCount = 4;

// The platform whose registers a log extends; it decides the register names.
enum class CcPlatform {
    tdx,  // MR index i = RTMR[i-1] (UEFI 2.10 §38.4.1)
    csv,  // MR index i = RTMR[i] of the CSV report (trustee deps/verifier/src/csv/mod.rs replays
          // index 1..4 against the report's rtmr1..rtmr4; RTMR0 is not in the log)
};

// The platform whose logs use this algorithm: SHA-384 TDX, SM3 CSV; and the reverse.
CcPlatform cc_platform_of(HashAlgo algorithm) noexcept;
HashAlgo cc_platform_algorithm(CcPlatform platform) noexcept;
std::string_view cc_platform_name(CcPlatform platform) noexcept;  // "TDX", "CSV"
// The register number of an MR index (1..4): TDX 0..3, CSV 1..4.
unsigned cc_register_number(CcPlatform platform, std::uint32_t mr_index) noexcept;
// "rtmr0".."rtmr3" (TDX) or "rtmr1".."rtmr4" (CSV).
std::string cc_register_name(CcPlatform platform, std::uint32_t mr_index);

struct CcEvent {
    std::size_t offset = 0;      // file offset of the event
    std::uint32_t mr_index = 0;  // CC MR index, 1..4 for the runtime registers
    std::uint32_t type = 0;
    std::vector<std::pair<std::uint16_t, Bytes>> digests;  // (TCG algorithm id, digest)
    Bytes data;

    // The digest of that algorithm, or nullptr when the event carries none.
    const Bytes* digest(std::uint16_t algorithm_id) const noexcept;
    const Bytes* sha384() const noexcept { return digest(kTcgAlgSha384); }
    // True for the events replay extends: not EV_NO_ACTION, MR index not 0.
    bool measured() const noexcept;
};

struct CcEventLog {
    std::vector<std::pair<std::uint16_t, std::uint16_t>> algorithms;  // (id, digest size) from the spec-ID event
    std::uint16_t algorithm_id = kTcgAlgSha384;  // the algorithm replay uses, chosen from `algorithms`
    HashAlgo algorithm = HashAlgo::sha384;
    std::vector<CcEvent> events;  // after the header; includes EV_NO_ACTION events

    CcPlatform platform() const noexcept { return cc_platform_of(algorithm); }
    // The event's digest in the log's algorithm, or nullptr.
    const Bytes* digest_of(const CcEvent& e) const noexcept { return e.digest(algorithm_id); }
};

// Parses the header (TCG_PCR_EVENT with "Spec ID Event03") and every TCG_PCR_EVENT2 until the
// unused tail of the log area (0xFF or 0x00 filled). The replay algorithm is the platform's when
// `platform` is given (its algorithm must be listed), else the one supported algorithm the spec-ID
// event lists; a log listing none, both SHA-384 and SM3 without a platform, or a supported one
// with the wrong digest size is refused. Throws InputError naming `source` and the offset.
CcEventLog parse_cc_event_log(ByteSpan log, std::string_view source = "event log",
                              std::optional<CcPlatform> platform = std::nullopt);

// Throws InputError naming `source` when the log's algorithm is not the one `platform` measures with.
void require_cc_platform(const CcEventLog& log, CcPlatform platform, std::string_view source);

// Register values after every measured event, in the log's algorithm, from all-zero registers.
struct CcRegisters {
    HashAlgo algorithm = HashAlgo::sha384;
    std::array<Bytes, kCcMrCount> values;  // [MR index - 1]
};

// Throws InputError naming the event whose digest is missing or whose MR index is out of range.
CcRegisters replay_cc_event_log(const CcEventLog& log, std::string_view source = "event log");

// When the whole log does not replay to `value`: whether the register got only the first k of
// the log's events for it (the log holds events measured after the value was read). Returns k,
// or nullopt when no proper prefix replays to `value`.
std::optional<std::size_t> replayed_prefix(const CcEventLog& log, std::uint32_t mr_index, ByteSpan value);

// The measured events of one MR index, in log order.
std::vector<const CcEvent*> cc_register_events(const CcEventLog& log, std::uint32_t mr_index);

}  // namespace ccvm
