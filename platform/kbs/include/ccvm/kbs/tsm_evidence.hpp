// Guest-side evidence through the kernel's configfs-tsm interface (Linux
// Documentation/ABI/testing/configfs-tsm-report): SEV-SNP, TDX and CCA alike, packaged as the
// confidential-containers attestation-agent sends it as tee-evidence.primary_evidence.
#pragma once

#include <filesystem>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/kbs/client.hpp"

namespace ccvm::kbs {

inline constexpr const char* kTsmReportDir = "/sys/kernel/config/tsm/report";

struct TsmReport {
    std::string provider;  // "sev_guest", "tdx_guest", "arm_cca_guest"
    Bytes outblob;         // SNP report, TDX quote, CCA token
    Bytes auxblob;         // SNP certificate table (may be empty)
};

// Reads the provider of a report entry (`dir` itself when it is an entry, else a fresh entry
// created in it and removed again).
std::string tsm_provider(const std::filesystem::path& dir);

// Writes `inblob` (at most 64 bytes) to a report entry and reads the result. `dir` is the report
// directory (an entry is made in it and removed afterwards), or one entry made beforehand (it has a
// `provider` attribute). Throws SystemError naming the file on I/O errors, and when another writer
// changed the entry meanwhile (its `generation` moved on).
TsmReport tsm_report(const std::filesystem::path& dir, ByteSpan inblob);

// The attestation-agent evidence JSON for a report: SNP {"attestation_report": {...}, "cert_chain"}
// (the serde form of virtee sev's AttestationReport and CertTableEntry list), TDX {"quote": base64}
// (+ "cc_eventlog" when `ccel` is given), CCA {"token": [bytes]}. InputError for an unknown provider.
std::string agent_evidence_json(const TsmReport& report, ByteSpan ccel = {});

class TsmEvidenceProvider : public EvidenceProvider {
public:
    // `ccel_path`: the CC event log ACPI table a TDX guest sends with its quote ("" for none).
    explicit TsmEvidenceProvider(std::filesystem::path dir = kTsmReportDir,
                                 std::filesystem::path ccel_path = "/sys/firmware/acpi/tables/data/CCEL");
    attestation::AgentTee tee() override;
    std::string evidence(ByteSpan report_data) override;

private:
    std::filesystem::path dir_, ccel_;
};

}  // namespace ccvm::kbs
