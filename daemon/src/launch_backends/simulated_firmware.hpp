// The secure processors that launch_security: simulated plays (see simulated_backend.hpp): AMD's for
// SEV/SEV-ES (AMD SEV API spec (pub. 55766) LAUNCH_START to LAUNCH_SECRET) and Hygon's for CSV (csv-rs src/session;
// Hygon QEMU target/i386/csv.c). Each holds its own PDH key, opens the guest owner's session with it, measures the VM's
// real inputs and checks the LAUNCH_SECRET packet like the firmware would. It protects nothing: the keys live in
// ordinary host memory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::daemon {

// The simulated platform's firmware version (reported like libvirt's sev-api-*, sev-build-id).
inline constexpr std::uint32_t kSimulatedApiMajor = 1;
inline constexpr std::uint32_t kSimulatedApiMinor = 55;
inline constexpr std::uint32_t kSimulatedBuildId = 21;

// What LAUNCH_START receives through <launchSecurity>: <policy>, <dhCert>, <session> decoded.
struct LaunchStartInput {
    std::uint32_t policy = 0;
    Bytes dh_cert;
    Bytes session;
};

// One guest between LAUNCH_START and LAUNCH_FINISH.
struct SimulatedGuest {
    secret::SecretBytes tek;
    secret::SecretBytes tik;
    std::uint32_t policy = 0;
    Bytes measurement;  // MEASURE (32) || MNONCE (16)
};

class SimulatedFirmware {
public:
    virtual ~SimulatedFirmware() = default;
    virtual std::string_view name() const noexcept = 0;  // "SEV" / "CSV", for messages
    // The platform's PDH certificate, as virNodeGetSEVInfo would report it.
    virtual Bytes pdh() const = 0;
    // LAUNCH_START (unwraps the owner's keys, checks the session's MACs), LAUNCH_UPDATE over what
    // `spec` boots now, LAUNCH_MEASURE. InputError for anything the firmware would refuse.
    virtual SimulatedGuest launch(const LaunchStartInput& in, const platform::VmSpec& spec) const = 0;
    // LAUNCH_SECRET: the decrypted data once the packet's MAC verifies; InputError otherwise.
    virtual secret::SecretBytes launch_secret(const SimulatedGuest& guest, ByteSpan header,
                                              ByteSpan ciphertext) const = 0;
};

std::unique_ptr<SimulatedFirmware> make_simulated_sev_firmware();
std::unique_ptr<SimulatedFirmware> make_simulated_csv_firmware();

// The 176-byte kernel-hashes table QEMU adds with kernel-hashes=on (QEMU target/i386/sev.c, SevHashTable, unchanged for
// CSV), from the spec's kernel, initrd and command line as they are now.
std::optional<sev::KernelHashesTable> simulated_kernel_hashes(const platform::VmSpec& spec, bool kernel_hashes);

// Whether a domain XML asks for QEMU's sev-guest object (SEV, SEV-ES, and CSV without a user id).
bool has_sev_launch_security(std::string_view domain_xml);
// <policy>, <dhCert> and <session> of the domain's <launchSecurity>; InputError when one is missing
// or malformed.
LaunchStartInput launch_start_input(std::string_view domain_xml);

// A random MNONCE for LAUNCH_MEASURE.
std::array<std::byte, 16> simulated_mnonce();

}  // namespace ccvm::daemon
