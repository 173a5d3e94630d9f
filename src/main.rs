//! The `seaworthy` binary: everything lives in the library; this only exits
//! with the code the command returns.

/// mimalloc, as ruff uses: parsing allocates many small nodes on several
/// threads, where it is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(seaworthy::cli::run());
}
