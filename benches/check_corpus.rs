//! `check` over the shared corpus (35 Dockerfiles, 39 Compose files) and
//! over a generated tree of 1,000 Dockerfiles and of about 1,000 corpus files
//! (copies of its projects, Compose and Dockerfiles together): discovery,
//! reading, config lookup, cross-file planning and every rule, as the command
//! runs them (minus printing).

use std::path::{Path, PathBuf};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use seaworthy::discover;
use seaworthy::engine::planner;
use seaworthy::settings::policy::Overrides;
use seaworthy::settings::resolver::Resolver;

/// The allocator the binary uses (see src/main.rs), so the numbers are the
/// command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn check(c: &mut Criterion) {
    let corpus = corpus();
    if !corpus.is_dir() {
        eprintln!("../shared/corpus is absent: nothing to measure");
        return;
    }
    let mut group = c.benchmark_group("check");
    group.sample_size(30);
    bench_tree(&mut group, "corpus", &corpus);

    let (files, _) = discover::files(std::slice::from_ref(&corpus));
    let tree = tempfile::tempdir().unwrap();
    let dockerfiles: Vec<_> = files
        .iter()
        .filter(|(_, kind)| *kind == discover::FileKind::Dockerfile)
        .collect();
    for n in 0..1000 {
        let (source, _) = dockerfiles[n % dockerfiles.len()];
        let dir = tree.path().join(format!("service-{n:04}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(source, dir.join("Dockerfile")).unwrap();
    }
    bench_tree(&mut group, "1000-dockerfiles", tree.path());

    let projects = tempfile::tempdir().unwrap();
    let mut copied = 0;
    let mut round = 0;
    while copied < 1000 {
        for (source, _) in &files {
            let relative = source.strip_prefix(&corpus).unwrap();
            let target = projects
                .path()
                .join(format!("copy-{round:02}"))
                .join(relative);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, std::fs::read(source).unwrap()).unwrap();
            copied += 1;
        }
        round += 1;
    }
    bench_tree(&mut group, "1000-corpus-files", projects.path());
    group.finish();
}

/// Measures `check` (without printing) over the tree at `root`.
fn bench_tree(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, root: &Path) {
    let root = root.to_path_buf();
    group.bench_function(name, |b| {
        b.iter(|| {
            let resolver = Resolver::new(None).unwrap();
            planner::build(
                std::slice::from_ref(&root),
                &resolver,
                &Overrides::default(),
            )
        })
    });
}

// criterion's macro makes a public function it cannot document.
#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, check);
}
use group::benches;
criterion_main!(benches);
