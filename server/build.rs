//! Link options of the server binary.

fn main() {
    // Relative relocations packed as a bitmap (DT_RELR, glibc 2.36+) instead of 46,000 RELA
    // records (1.1 MB): the dynamic loader applies them faster at every start. Only where the
    // target is Linux with glibc, whose loader and linker (binutils 2.38+) know the format.
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
