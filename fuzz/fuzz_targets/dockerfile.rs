//! Dockerfile parser and fix pipeline.
//!
//! Any input: parsing and the queries rules ask of a document must not
//! panic. When `fix_dockerfile` succeeds, its output must parse again and
//! fixing it again must change nothing (idempotence), with the default
//! policy and with `--unsafe-fixes`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use seaworthy::syntax::dockerfile::Dockerfile;
use seaworthy::engine::dockerfile::fix;
use seaworthy::settings::policy::Policy;
use seaworthy::source::Source;

const PATH: &str = "Dockerfile";

fn query(doc: &Dockerfile) {
    for stage in &doc.stages {
        let _ = doc.base_image(stage);
        let _ = doc.chain(stage);
        let _ = doc.start_command(stage);
        let _ = doc.env(stage);
        let _ = doc.exposed_ports(stage);
    }
    let _ = doc.final_stage();
    for index in 0..doc.instructions().len() {
        let _ = doc.words(index);
        let _ = doc.argv(index);
        let _ = doc.script(index);
        let _ = doc.attached_comment_start(index);
        let _ = doc.after_instruction(index);
    }
    let _ = doc.comment_text().count();
}

fn fix_twice(source: &Source, policy: &Policy) {
    let Ok(first) = fix(source, policy) else {
        return;
    };
    let fixed = Source::new(PATH, first.after.clone());
    if let Err(e) = Dockerfile::parse(fixed.clone()) {
        panic!("fixed Dockerfile does not parse again: {}", e.message);
    }
    match fix(&fixed, policy) {
        Ok(second) => assert!(
            second.after == first.after,
            "fix is not idempotent:\n--- first fix ---\n{}\n--- second fix ---\n{}",
            String::from_utf8_lossy(&first.after),
            String::from_utf8_lossy(&second.after),
        ),
        Err(e) => panic!("fixing the fixed Dockerfile fails: {}", e.message),
    }
}

fuzz_target!(|data: &[u8]| {
    let source = Source::new(PATH, data.to_vec());
    if let Ok(doc) = Dockerfile::parse(source.clone()) {
        query(&doc);
    }
    fix_twice(&source, &Policy::defaults());
    let mut unsafe_fixes = Policy::defaults();
    unsafe_fixes.overrides.unsafe_fixes = true;
    fix_twice(&source, &unsafe_fixes);
});
