// `ccvm attest verify-report --mode cca`: an Arm CCA attestation token (platform + realm).
#include "attest/verify_report_args.hpp"
#include "attest/verify_report_output.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/platform/evidence/cca/verify_token.hpp"

namespace ccvm::cli {

int run_verify_report_cca(const VerifyReportArgs& args) {
    const Bytes raw = read_flag_file(args.token, "--token", "cca");
    const auto token = platform::cca::parse_attestation_token(raw, *args.token);
    if (args.spec) throw InputError("--spec is not supported for --mode cca yet; use --expected-measurement");
    platform::evidence::EvpPkeyPtr cpak;
    if (args.cpak) cpak = platform::evidence::load_public_key(read_file(*args.cpak), *args.cpak);

    platform::cca::TokenExpectations expected;
    if (args.expected_measurement) {
        expected.rim = from_hex(*args.expected_measurement, "--expected-measurement");
        if (expected.rim->size() != 32 && expected.rim->size() != 48 && expected.rim->size() != 64)
            throw InputError("--expected-measurement: a RIM is 32, 48 or 64 bytes of hex");
    }
    expected.challenge = hex_flag(args.expected_report_data, "--expected-report-data", 64, true);

    const auto checks = platform::cca::verify_token(token, cpak.get(), expected);
    const auto& realm = token.realm_claims;
    json::Value registers;
    registers.set("rim", to_hex(realm.rim));
    json::Value rem = json::Array{};
    for (const Bytes& r : realm.rem) rem.push(to_hex(r));
    registers.set("rem", std::move(rem));
    registers.set("rpv", to_hex(realm.rpv));
    registers.set("hash_algo", realm.hash_algo);
    registers.set("challenge", to_hex(realm.challenge));
    registers.set("platform_instance_id", to_hex(token.platform_claims.instance_id));
    registers.set("platform_implementation_id", to_hex(token.platform_claims.implementation_id));
    return print_verdict(checks, registers, args.json);
}

}  // namespace ccvm::cli
