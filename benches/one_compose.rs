//! `check` of ONE Compose file of 250, 1,000 and 4,000 generated services
//! (scripts/bench.d/one_compose.py writes it, with the Dockerfiles it
//! builds): planning, every rule's fix loop and the diff, as the command
//! runs them (minus printing). Criterion reports each size's time and its
//! throughput in services per second; a closing table gives the time per
//! service of each size and the ratio of the largest to the smallest, which
//! must stay within 2 (the cost of a service must not grow with the number
//! of services beside it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use seaworthy::engine::planner;
use seaworthy::output::diff;
use seaworthy::settings::policy::Overrides;
use seaworthy::settings::resolver::Resolver;

/// The allocator the binary uses (see src/main.rs), so the numbers are the
/// command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The sizes measured.
const SIZES: [usize; 3] = [250, 1000, 4000];

/// Writes the generated project of `services` services into `dir`.
fn generate(dir: &Path, services: usize) -> bool {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/bench.d/one_compose.py");
    Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg("--services")
        .arg(services.to_string())
        .output()
        .is_ok_and(|out| out.status.success())
}

/// What `check` computes for the folder `root`: the plan and every diff.
fn check(root: &Path) -> usize {
    let resolver = Resolver::new(None).unwrap();
    let plan = planner::build(&[root.to_path_buf()], &resolver, &Overrides::default());
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    plan.changed().map(|c| diff::unified(c).len()).sum()
}

fn one_compose(c: &mut Criterion) {
    let dirs: Vec<(usize, tempfile::TempDir)> = SIZES
        .iter()
        .map(|&n| (n, tempfile::tempdir().unwrap()))
        .collect();
    if !dirs.iter().all(|(n, dir)| generate(dir.path(), *n)) {
        eprintln!("python3 scripts/bench.d/one_compose.py failed: nothing to measure");
        return;
    }
    let mut group = c.benchmark_group("one-compose");
    group.sample_size(10);
    for (n, dir) in &dirs {
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_function(format!("{n}-services"), |b| b.iter(|| check(dir.path())));
    }
    group.finish();

    // Time per service, from the best of a few runs of each size (the
    // least disturbed by other work on the machine).
    println!("one-compose: time per service");
    let per_service: Vec<(usize, Duration)> = dirs
        .iter()
        .map(|(n, dir)| {
            let best = (0..5)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(check(dir.path()));
                    start.elapsed()
                })
                .min()
                .unwrap();
            (*n, best / *n as u32)
        })
        .collect();
    for (n, time) in &per_service {
        println!("  {n:>5} services: {time:>10.2?} per service");
    }
    let times = per_service.iter().map(|(_, t)| t.as_secs_f64());
    let ratio = times.clone().fold(0.0, f64::max) / times.fold(f64::INFINITY, f64::min);
    println!("  largest / smallest time per service: {ratio:.2} (goal: at most 2)");
}

// criterion's macro makes a public function it cannot document.
#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, one_compose);
}
use group::benches;
criterion_main!(benches);
