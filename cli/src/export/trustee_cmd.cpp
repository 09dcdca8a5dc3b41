// `ccvm export trustee SPEC --out DIR`: what a Trustee deployment (confidential-containers/trustee)
// needs to serve a spec's guests instead of ccvmd's own key broker: the reference values named as
// Trustee's default CPU policy queries them, as an RVPS message; the initdata; a resource policy that
// releases the spec's resources only to an affirming EAR token for this VM's initdata; and a README
// with the kbs-client commands that upload them.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "ccvm/platform/trustee_export.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "commands.hpp"

namespace ccvm::cli {
namespace {

struct ExportArgs {
    std::string spec;
    std::string out;
    std::string kbs_url;
};

int run_export_trustee(const ExportArgs& args) {
    const platform::VmSpec spec = platform::load_vm_spec(args.spec);
    platform::check_spec_inputs(spec);
    const platform::TrusteeExport bundle = platform::export_trustee(spec, args.kbs_url);
    std::error_code ec;
    std::filesystem::create_directories(args.out, ec);
    if (ec) throw SystemError("--out " + args.out + ": cannot create the directory: " + ec.message());
    // All files or none, and never over an earlier export's (AtomicFileSet refuses existing names).
    AtomicFileSet files(args.out);
    for (const platform::TrusteeFile& f : bundle.files) files.stage(f.name, as_bytes(f.content), 0644);
    files.commit();
    for (const platform::TrusteeFile& f : bundle.files)
        std::cout << (std::filesystem::path(args.out) / f.name).string() << "\n";
    return 0;
}

}  // namespace

void add_export_command(CLI::App& app, Commands& commands) {
    CLI::App* exp =
        ensure_subcommand(app, "export", "Write what other attestation services need to serve a spec's VMs");
    auto a = std::make_shared<ExportArgs>();
    CLI::App* trustee = exp->add_subcommand(
        "trustee", "Reference values (RVPS), initdata, resource policy and kbs-client steps for a Trustee KBS");
    trustee->add_option("spec", a->spec, "VM spec (YAML) of a sev-snp, tdx or cca VM")->required();
    trustee->add_option("--out", a->out, "Directory for the files (created if missing; existing files are kept)")
        ->required();
    trustee->add_option("--kbs-url", a->kbs_url,
                        "Trustee URL for the initdata written when the spec names none (http[s]://HOST:PORT)");
    commands.add(trustee, [a] { return run_export_trustee(*a); });
}

}  // namespace ccvm::cli
