// TDX measurement speed against the machine's own SHA-384 limits:
//  1. MRTD stream throughput over a synthetic 256 MiB BFV vs single-core `openssl speed -evp sha384`
//     (the stream is serial, so one core is the ceiling; target ratio >= 0.9);
//  2. whole-process `ccvm measure --mode tdx` (MRTD + RTMR0..2, kernel + 8 MiB initrd) vs
//     `openssl dgst -sha384` over the same firmware, kernel and initrd files (target <= 1.3x).
// Usage: bench_tdx_measure [VECTORS_DIR]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "ccvm/firmware-measure/tdx/mrtd.hpp"
#include "support/openssl_speed.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace ccvm;

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void mrtd_throughput() {
    const std::size_t bfv_size = 256u << 20;
    Bytes image(bfv_size);
    for (std::size_t i = 0; i < image.size(); ++i) image[i] = std::byte(static_cast<std::uint8_t>(i * 13 + 5));
    tdx::TdvfMetadata md;
    tdx::TdvfSection bfv;
    bfv.data_offset = 0;
    bfv.raw_data_size = static_cast<std::uint32_t>(bfv_size);
    bfv.memory_address = 0x100000000ull - bfv_size;
    bfv.memory_data_size = bfv_size;
    bfv.type = tdx::SectionType::bfv;
    bfv.attributes = tdx::kAttrMrExtend;
    tdx::TdvfSection hob;
    hob.memory_address = 0x809000;
    hob.memory_data_size = 0x2000;
    hob.type = tdx::SectionType::td_hob;
    md.sections = {bfv, hob};

    tdx::MrtdStats stats;
    (void)tdx::compute_mrtd(image, md, tdx::PageAddOrder::single_pass);  // warm-up
    // CPU time, as `openssl speed` reports by default, so that other load on the machine cancels out.
    const double c0 = thread_cpu_seconds();
    (void)tdx::compute_mrtd(image, md, tdx::PageAddOrder::single_pass, &stats);
    const double secs = thread_cpu_seconds() - c0;
    const double stream_mbps = static_cast<double>(stats.stream_bytes) / secs / 1e6;
    const double image_mbps = static_cast<double>(bfv_size) / secs / 1e6;
    const double base = bench::openssl_speed_mbps("sha384", 16384);
    std::printf(
        "MRTD 256 MiB BFV: %.3f s CPU, stream %.1f MB/s (%.1f MB/s of image); openssl speed -evp sha384 (1 core, 16 "
        "KiB): "
        "%.1f MB/s; ratio %.2f\n",
        secs, stream_mbps, image_mbps, base, stream_mbps / base);
}

void write_initrd(const std::filesystem::path& path) {
    std::string data(8u << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7 + 3) & 0xff);
    std::ofstream(path, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

void whole_process(const std::filesystem::path& vectors) {
    const auto in = vectors / "inputs";
    const std::string firmware = (in / "firmware/debian13/OVMF.fd").string();
    const std::string kernel = (in / "kernel/vmlinuz-6.1.0-56-amd64").string();
    if (!std::filesystem::exists(firmware) || !std::filesystem::exists(kernel)) {
        std::printf("whole process: skipped (no vector inputs under %s)\n", vectors.c_str());
        return;
    }
    const ccvm::test::TempDir scratch;
    const std::filesystem::path& dir = scratch.path();
    const std::string initrd = (dir / "initrd.img").string();
    write_initrd(initrd);
    const std::vector<std::string> measure{
        CCVM_CLI,           "measure",     "--mode",          "tdx",
        "--ovmf",           firmware,      "--kernel",        kernel,
        "--initrd",         initrd,        "--append",        "console=ttyS0",
        "--memory",         "2G",          "--acpi-dir",      (in / "tdx/acpi/q35-4cpu-2G").string(),
        "--edk2-version",   "2025.02",     "--qemu-version",  "10.1",
        "--page-add-order", "single-pass", "--output-format", "json"};
    const std::vector<std::string> dgst{"openssl", "dgst", "-sha384", firmware, kernel, initrd};
    const double t_ccvm = bench::time_command(measure, 7);
    const double t_openssl = bench::time_command(dgst, 7);
    const auto bytes =
        std::filesystem::file_size(firmware) + std::filesystem::file_size(kernel) + std::filesystem::file_size(initrd);
    std::printf(
        "whole process (MRTD + RTMR0..2, %.1f MiB of inputs): ccvm %.1f ms, openssl dgst -sha384 %.1f ms; ratio %.2f\n",
        static_cast<double>(bytes) / (1 << 20), t_ccvm * 1e3, t_openssl * 1e3, t_ccvm / t_openssl);
}

}  // namespace

int main(int argc, char** argv) {
    mrtd_throughput();
    whole_process(argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::path(CCVM_BENCH_VECTORS_DIR));
    return 0;
}
