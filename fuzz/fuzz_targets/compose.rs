//! The Compose fix pipeline, with the default policy and with
//! `--unsafe-fixes`: it must not panic, and when it succeeds its output
//! must parse as a Compose file and fixing it again must change nothing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use seaworthy::model::compose::ComposeFile;
use seaworthy::settings::policy::Policy;
use seaworthy::model::project::Project;
use seaworthy::engine::compose::fix;
use seaworthy::source::Source;

const PATH: &str = "compose.yaml";

fn fix_twice(source: &Source, policy: &Policy, project: &Project) {
    let Ok(first) = fix(source, policy, project, &[]) else {
        return;
    };
    let fixed = Source::new(PATH, first.after.clone());
    if let Err(e) = ComposeFile::parse(fixed.clone()) {
        panic!("fixed Compose file does not parse again: {}", e.message);
    }
    match fix(&fixed, policy, project, &[]) {
        Ok(second) => assert!(
            second.after == first.after,
            "fix is not idempotent:\n--- first fix ---\n{}\n--- second fix ---\n{}",
            String::from_utf8_lossy(&first.after),
            String::from_utf8_lossy(&second.after),
        ),
        Err(e) => panic!("fixing the fixed Compose file fails: {}", e.message),
    }
}

fuzz_target!(|data: &[u8]| {
    let source = Source::new(PATH, data.to_vec());
    let project = Project::default();
    fix_twice(&source, &Policy::defaults(), &project);
    let mut unsafe_fixes = Policy::defaults();
    unsafe_fixes.overrides.unsafe_fixes = true;
    fix_twice(&source, &unsafe_fixes, &project);
});
