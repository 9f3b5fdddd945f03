"""A libFuzzer target run as an ordinary test over the seed corpus."""

def fuzz_regression_test(name, deps):
    """Runs fuzz/<name>_fuzzer.cc over every sample, bad and boilerplate file.

    The fuzzer's entry point is driven by fuzz/fuzz_driver.cc, so the
    default toolchain (gcc, no libFuzzer) builds it; scripts/fuzz.sh builds
    the same source with clang for real fuzzing.
    """
    corpora = ["stories", "bad", "boilerplate"]
    native.cc_test(
        name = name + "_fuzz_regression_test",
        size = "small",
        srcs = [
            "fuzz/%s_fuzzer.cc" % name,
            "fuzz/fuzz_driver.cc",
        ],
        args = ["pipeline/stages/normalize/testdata/" + c for c in corpora],
        data = native.glob(["testdata/%s/*" % c for c in corpora]),
        deps = deps,
    )
