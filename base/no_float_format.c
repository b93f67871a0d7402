/* nestinit never formats a floating-point number, but musl's printf_core
 * reaches fmt_fp for %e/%f/%g/%a, and on aarch64 (long double = IEEE quad,
 * done in software) that links libgcc's quad-float routines: 10 kB of a
 * binary kept under 200 kB. These definitions take their place; called, they
 * trap. mk/no-float-format.sh (make lint) fails the build if a format string
 * with a floating-point conversion appears in the source. On x86_64 nothing
 * references them and --gc-sections drops them. */
#define QUAD_STUB(name)                                                                                      \
    void name(void);   /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */                \
    void name(void) { __builtin_trap(); } /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

QUAD_STUB(__addtf3)
QUAD_STUB(__subtf3)
QUAD_STUB(__multf3)
QUAD_STUB(__divtf3)
QUAD_STUB(__eqtf2)
QUAD_STUB(__netf2)
QUAD_STUB(__lttf2)
QUAD_STUB(__letf2)
QUAD_STUB(__gttf2)
QUAD_STUB(__getf2)
QUAD_STUB(__unordtf2)
QUAD_STUB(__extenddftf2)
QUAD_STUB(__trunctfdf2)
QUAD_STUB(__fixtfsi)
QUAD_STUB(__fixunstfsi)
QUAD_STUB(__fixtfdi)
QUAD_STUB(__fixunstfdi)
QUAD_STUB(__floatsitf)
QUAD_STUB(__floatunsitf)
QUAD_STUB(__floatditf)
QUAD_STUB(__floatunditf)
