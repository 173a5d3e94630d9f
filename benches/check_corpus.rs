//! `check` over the shared corpus (35 Dockerfiles, 39 Compose files) and
//! over a generated tree of 1,000 Dockerfiles and of about 1,000 corpus files
//! (copies of its projects, Compose and Dockerfiles together): discovery,
//! reading, config lookup, cross-file planning and every rule, as the command
//! runs them (minus printing).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use seaworthy::config::Resolver;
use seaworthy::discover;
use seaworthy::plan;
use seaworthy::policy::Overrides;

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
    group.bench_function("corpus", |b| {
        b.iter(|| {
            let resolver = Resolver::new(None).unwrap();
            plan::build(
                std::slice::from_ref(&corpus),
                &resolver,
                &Overrides::default(),
            )
        })
    });

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
    let root = tree.path().to_path_buf();
    group.bench_function("1000-dockerfiles", |b| {
        b.iter(|| {
            let resolver = Resolver::new(None).unwrap();
            plan::build(
                std::slice::from_ref(&root),
                &resolver,
                &Overrides::default(),
            )
        })
    });

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
    let root = projects.path().to_path_buf();
    group.bench_function("1000-corpus-files", |b| {
        b.iter(|| {
            let resolver = Resolver::new(None).unwrap();
            plan::build(
                std::slice::from_ref(&root),
                &resolver,
                &Overrides::default(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
