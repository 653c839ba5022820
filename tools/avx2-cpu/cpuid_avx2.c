// An LD_PRELOAD library that makes a process see an AVX2-only x86-64 CPU: it turns on CPUID faulting
// (arch_prctl ARCH_SET_CPUID; the CPU must list "cpuid_fault" in /proc/cpuinfo) and answers every faulting CPUID
// itself, with the AVX-512, AVX10, VNNI and AMX feature bits cleared. Both the JVM (its Vector API then takes 256-bit
// vectors) and ONNX Runtime's MLAS (its integer kernels then use VPMADDUBSW) choose their code paths from CPUID, so
// on an AVX-512 machine they run as on an AVX2 one. Threads inherit the setting; it is reset on exec.
//
// Use it through ./run next to this file, which also preloads the JDK's libjsig so that the JVM passes on the
// SIGSEGVs of faulting CPUIDs in native code (ONNX Runtime's) to this library's handler.
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define ARCH_SET_CPUID 0x1012

static long cpuid_faulting(int faulting) { return syscall(SYS_arch_prctl, ARCH_SET_CPUID, faulting ? 0 : 1); }

// Leaf 7 sub-leaf 0: EBX AVX512F, DQ, IFMA, PF, ER, CD, BW, VL; ECX VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ;
// EDX 4VNNIW, 4FMAPS, VP2INTERSECT, AMX-BF16, AVX512-FP16, AMX-TILE, AMX-INT8.
static const unsigned LEAF7_EBX = (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28)
                                  | (1u << 30) | (1u << 31);
static const unsigned LEAF7_ECX = (1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14);
static const unsigned LEAF7_EDX = (1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) | (1u << 23) | (1u << 24) | (1u << 25);
// Leaf 7 sub-leaf 1: EAX AVX-VNNI, AVX512-BF16, AVX-IFMA; EDX AVX-VNNI-INT8, AVX-NE-CONVERT, AVX-VNNI-INT16, AVX10.
static const unsigned LEAF7_1_EAX = (1u << 4) | (1u << 5) | (1u << 23);
static const unsigned LEAF7_1_EDX = (1u << 4) | (1u << 5) | (1u << 10) | (1u << 19);

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void) info;
    ucontext_t *uc = (ucontext_t *) context;
    greg_t *r = uc->uc_mcontext.gregs;
    const unsigned char *ip = (const unsigned char *) r[REG_RIP];
    if (ip[0] != 0x0f || ip[1] != 0xa2) {   // not a CPUID: the fault is real
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    unsigned leaf = (unsigned) r[REG_RAX], sub = (unsigned) r[REG_RCX], a, b, c, d;
    cpuid_faulting(0);
    __cpuid_count(leaf, sub, a, b, c, d);
    cpuid_faulting(1);
    if (leaf == 7 && sub == 0) {
        b &= ~LEAF7_EBX;
        c &= ~LEAF7_ECX;
        d &= ~LEAF7_EDX;
    } else if (leaf == 7 && sub == 1) {
        a &= ~LEAF7_1_EAX;
        d &= ~LEAF7_1_EDX;
    } else if (leaf == 0x24) {   // AVX10 vector lengths
        a = b = c = d = 0;
    }
    r[REG_RAX] = a;
    r[REG_RBX] = b;
    r[REG_RCX] = c;
    r[REG_RDX] = d;
    r[REG_RIP] += 2;
}

__attribute__((constructor)) static void start(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    if (cpuid_faulting(1) != 0) {
        perror("cpuid_avx2: arch_prctl(ARCH_SET_CPUID) (does /proc/cpuinfo list cpuid_fault?)");
    }
}
