//! The rule pages under `docs/rules/` are generated from the catalog's metadata alone, and must not drift
//! from it. `ONUS_UPDATE_DOCS=1 cargo test -p onus-analysis --test docs` writes them again.

use std::path::Path;

use onus_analysis::catalog;

#[test]
fn rule_docs_match_the_catalog() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    let expected = catalog::pages();
    if std::env::var_os("ONUS_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !expected.contains_key(&name) {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut problems = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if &on_disk == text => {}
            Ok(_) => problems.push(format!("{name} is out of date")),
            Err(_) => problems.push(format!("{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !expected.contains_key(&name) {
            problems.push(format!("{name} documents no rule"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nrun: ONUS_UPDATE_DOCS=1 cargo test -p onus-analysis --test docs",
        problems.join("\n")
    );
}
