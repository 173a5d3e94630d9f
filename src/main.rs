//! The `seaworthy` binary: everything lives in the library; this only exits
//! with the code the command returns.

fn main() {
    std::process::exit(seaworthy::cli::run());
}
