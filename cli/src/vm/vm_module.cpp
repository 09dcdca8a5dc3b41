#include "vm/vm_module.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "ccvm/base/error.hpp"

namespace ccvm::cli {
namespace {

constexpr const char* kModuleName = "ccvm-vm-client.so";

std::filesystem::path module_path() {
    std::error_code ec;
    // The real location of the executable, so a symlink to it (or a copy of the tree elsewhere) finds
    // its own module rather than one named by the environment.
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) throw SystemError(std::string("cannot find the VM client module: /proc/self/exe: ") + ec.message());
    return (exe.parent_path() / CCVM_VM_CLIENT_RELDIR / kModuleName).lexically_normal();
}

}  // namespace

int run_vm_client(const ccvm_vm_request& request) {
    const std::filesystem::path path = module_path();
    // Kept loaded until exit: the module's static objects (sd-bus connection state) outlive the call.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr)
        throw SystemError("cannot load the VM client module " + path.string() + ": " + ::dlerror() +
                          " (VM commands need it; is ccvm installed completely?)");
    auto* entry = reinterpret_cast<ccvm_vm_client_run_fn>(::dlsym(handle, kVmClientEntry));
    if (entry == nullptr)
        throw SystemError("VM client module " + path.string() + " has no " + kVmClientEntry + " (not a ccvm module?)");
    return entry(&request);
}

}  // namespace ccvm::cli
