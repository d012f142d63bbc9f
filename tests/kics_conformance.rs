//! Accuracy on data nobody here wrote: the KICS labelled fixtures in `../shared/corpus/kics`, scored at resource
//! level by `../shared/eval/kics_score` through `onus rules --format json` and `onus check --format sarif`.
//! Fails when onus claims fewer queries, or scores lower, than the bounds the project has reached (the issue's
//! floor is 50 claimed, 32 of the 40 key queries, recall and precision 0.95; onus is held to what it reached).

use std::path::Path;
use std::process::Command;

fn score(platform: &str, bounds: &[&str]) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = repo.join("../shared");
    assert!(
        shared.join("eval/kics_score").is_file(),
        "../shared/eval/kics_score is missing: the conformance corpus must sit beside the checkout"
    );
    let mut cmd = Command::new("python3");
    cmd.arg(shared.join("eval/kics_score"))
        .args(["--onus", env!("CARGO_BIN_EXE_onus"), "--platform", platform, "-v"])
        .args(bounds);
    let key = shared.join(format!("eval/kics_key_{}.txt", platform.to_lowercase()));
    if key.is_file() {
        cmd.arg("--key").arg(key);
    }
    let out = cmd.output().expect("run the scorer");
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    assert!(
        out.status.success(),
        "kics_score {platform} missed a bound:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn terraform_kics_fixtures() {
    score("terraform", &["--min-recall", "0.99", "--min-precision", "0.99", "--min-claimed", "97", "--min-key", "40"]);
}
